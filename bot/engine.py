"""answer(store, message) -> Reply: the one entry point every channel calls.

Wires the steps along the data's path: small talk is peeled off, the message
is split into its questions, all of them are encoded in one batch, each is
retrieved and decided within its own store only, and the reply is rendered.
Policy calculators and order lookups (later issues) plug in here as further
answer sources beside the FAQ retriever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from bot.ingest import StoreConfig
from bot.match.decide import Decision, decide
from bot.match.escalate import escalation
from bot.match.extract import SENTENCE_FEATURES, best_sentence, lead_sentences, sentence_evidence
from bot.match.lexical import repair_typos
from bot.match.questions import focus_of, in_context, split_questions
from bot.match.retrieval import Candidate, Retrieval, check_features
from bot.match.smalltalk import peel_smalltalk
from bot.match.exemplars import ORDER_DATES, asks_for_a_date, date_gate_inputs
from bot.text import squash
from bot.policy.intents import Intent, Pending, repair_policy_words
from bot.policy.lexicon import PAYMENT_PATTERNS
from bot.policy.answers import PolicyAnswer
from bot.policy.slots import extract_slots
from bot.policy.spans import count_from_sentence, stated_after
from bot.reply import Kind, Reply, ReplySource, Texts, render_texts
from bot.runtime import StoreRuntime, Stores
from bot.taught import TaughtPhrasings

TELL_ME_MORE = re.compile(r"^\s*(tell me more|more( details| info(rmation)?)?|show (me )?(the )?full answer|full answer|details)\s*[.!?]*\s*$", re.I)
MORE_SUGGESTION = "Tell me more"
PAYING_TALK = re.compile(r"\b(pay|paying|payment|accept|take|use|checkout|card|cards)\b", re.I)
# The computed dates exemplars recognise (bot/match/computed.toml), as the calculators name them.
DATE_INTENTS = {ORDER_DATES: Intent.delivery_eta, "refund_date": Intent.refund_eta, "return_deadline": Intent.return_window}
# Deadlines are one span from one event, so the answering sentence's span gives them; an order's
# dates are a chain of stages (cut-off, processing, transit) the timeline calculator owns.
SPAN_DATES = ("return_deadline", "report_deadline", "refund_date")
DEADLINES = ("return_deadline", "report_deadline")  # a date by which the shopper must act: still open or not is said first
SPAN_PASSAGES = 3  # a date counted from a page's span: the sentence is sought in the 3 nearest passages
SPAN_PASSAGE_WEIGHT = 1.0  # a sentence's score (log-odds), lifted by its passage's log-odds (training dates: bench/README.md, session 11)
ONE_PERIOD = re.compile(r"(?<=\w\.)\.(?!\.)")


@dataclass(frozen=True, slots=True)
class PartAnswer:
    question: str
    kind: Kind
    confidence: float
    reason: str
    texts: Texts
    sources: tuple[ReplySource, ...]
    suggestions: tuple[str, ...]
    pending: Pending | None = None

    @property
    def text(self) -> str:
        return self.texts.chat

    @property
    def mail_text(self) -> str:
        return self.texts.mail


@dataclass
class Engine(Stores):
    """Answering over the loaded stores (bot/runtime.py): the one entry point every channel calls."""

    _taught: TaughtPhrasings = field(default_factory=TaughtPhrasings, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_features(self.match_settings.confidence_evidence_weights, "confidence")
        check_features(self.match_settings.sentence_weights, "sentence", SENTENCE_FEATURES)

    def answer(
        self,
        store: str,
        message: str,
        today: date,
        last_source_id: str | None = None,
        pending: Pending | None = None,
        learned: dict[str, str | None] | None = None,
    ) -> Reply:
        """`today` is the date policy answers count from: the channel's, read at its edge (the
        engine never reads the clock). `last_source_id` is what this session was last answered from, so
        "tell me more" can open it; `pending` is a policy question waiting for this turn;
        `learned` maps phrasings agents taught (phrase_key -> passage id, None = out of scope)."""
        runtime = self.runtime(store)
        config = runtime.config
        taught = self._taught.by_wording(runtime, message, learned or {})
        if taught is not None:
            return taught
        if last_source_id and TELL_ME_MORE.match(message):
            full = self.full_answer(runtime, last_source_id)
            if full is not None:
                return full
        wants_person = escalation(message)
        if wants_person is not None:
            texts = render_texts("handoff", why=wants_person, store_name=config.name, support_email=config.support_email, website=config.website)
            return Reply(store, Kind.handoff, texts.chat, 0.0, (), (), wants_person.value, mail_text=texts.mail)
        topic, rest = peel_smalltalk(message)
        if topic is not None and not rest:
            texts = render_texts("smalltalk", topic=topic.value, store_name=config.name)
            return Reply(store, Kind.smalltalk, texts.chat, 1.0, (), (), f"small talk: {topic.value}", mail_text=texts.mail)
        if pending is not None:
            continued = runtime.responder.answer(rest or message, today, pending)
            if continued is not None:
                return combine(store, config, [self.policy_part(runtime, rest or message, continued, confidence=pending.confidence)])
        questions = split_questions(rest or message)
        asked = in_context(questions)  # "…and how long does it take?" is retrieved with the question before it
        computed = {i: runtime.responder.answer(q, today) for i, q in enumerate(questions)}
        # Facts inferred from a raw page are a reading, not the owner's word: each computed answer
        # is checked against retrieval, so both are encoded in one batch.
        to_encode = [i for i, result in computed.items() if result is None or runtime.policy_read_from_page]
        parts: list[PartAnswer | None] = [None] * len(questions)
        wordings = {i: spelled_out(asked[i]) for i in to_encode}
        vectors = dict(zip(to_encode, self.encode_asked(runtime, [wordings[i] for i in to_encode]), strict=True))
        retrievals = {i: runtime.retriever.retrieve(wordings[i], vectors[i]) for i in to_encode}
        for i, result in computed.items():
            asked_date = runtime.exemplars.date_asked(vectors[i]) if result is None else None
            if asked_date in DATE_INTENTS:
                # What the calculators' patterns missed, matched by meaning ("between which dates should it ship?").
                ships = runtime.exemplars.asks_ship_date(vectors[i]) if asked_date == ORDER_DATES else None
                result = runtime.responder.answer(questions[i], today, recognised=DATE_INTENTS[asked_date], ship_date=ships)
            checked = runtime.policy_read_from_page or asked_date in DATE_INTENTS  # the owner's policy.toml, recognised by its patterns, is trusted
            if result is not None and (not checked or self.retrieval_agrees(runtime, result, retrievals[i])):
                parts[i] = self.policy_part(runtime, questions[i], result, retrievals.get(i), self.reading_confidence(runtime, wordings.get(i), retrievals.get(i)))
                continue
            # A deadline or a refund date that no recognised rule gives, or one retrieval does not back:
            # the span the answering sentence states, counted from the shopper's date.
            wanted = asked_date if asked_date in SPAN_DATES else None
            if wanted is None and runtime.policy_read_from_page:
                wanted = self.date_wanted(runtime, questions[i], vectors[i], today)
            if wanted in SPAN_DATES:
                parts[i] = self.span_part(runtime, questions[i], vectors[i], retrievals[i], today, wanted in DEADLINES)
        to_retrieve = [i for i in to_encode if parts[i] is None]
        # A long message's own question is retrieved beside the whole of it; the surer of the two answers.
        focused = {i: spelled_out(focus) for i in to_retrieve if (focus := focus_of(questions[i]))}
        focus_vectors = dict(zip(focused, self.encode_asked(runtime, list(focused.values())), strict=True))
        for i in to_retrieve:
            taught = self.by_meaning(runtime, questions[i], vectors[i], learned or {}) if len(questions) == 1 else None
            if taught is not None:
                return taught
            parts[i] = self.answer_part(runtime, questions[i], wordings[i], vectors[i], retrievals[i])
            if i in focused:
                narrow = self.answer_part(runtime, questions[i], focused[i], focus_vectors[i])
                if narrow.kind == Kind.answer and (parts[i].kind != Kind.answer or narrow.confidence > parts[i].confidence):
                    parts[i] = narrow
        return combine(store, config, [p for p in parts if p is not None])

    def encode_asked(self, runtime: StoreRuntime, texts: list[str]):
        """Shoppers' words as retrieval reads them: typos repaired to the store's words, then encoded."""
        return self.embedder_for(runtime.config).encode([repair_typos(t, runtime.known_words, runtime.store_words) for t in texts])

    def asks_about_own_order(self, store: str, message: str) -> bool | None:
        """Whether a message the order desk's patterns took is about the shopper's own order or about
        how tracking works ("will I get a tracking number?"); None when the exemplars cannot tell."""
        runtime = self.runtime(store)
        return runtime.exemplars.asks_about_own_order(self.encode_asked(runtime, [message])[0])

    def retrieval_agrees(self, runtime: StoreRuntime, result: PolicyAnswer, retrieval: Retrieval) -> bool:
        """A calculator answers from what it recognised in the question; retrieval from what the
        question means. On facts read off a raw page, a computed answer must cite the passage the
        question retrieves first; otherwise it answers another question (a return window for "the
        tracking hasn't moved, when do I write to you?", for "a jeweler took two links out, can I
        still return it?" which the sizing passage answers), and the page's own words serve better.
        It was "one of the 3 nearest, and the first unless the ranker doubts the first (probability
        < 0.3)"; the first alone, with no exception, measured (bench/README.md, session 13): real
        dev 76.7 % right either way, confident wrong 30 -> 27; the 191 training shops 73.0 -> 73.2 %
        right, confident wrong 406 -> 391."""
        cited = {runtime.citations[id(f)].id for f in result.facts if id(f) in runtime.citations}
        if not cited:
            return True
        if not retrieval.candidates:
            return False
        first = retrieval.candidates[0].chunk.passage_id
        return any(c.chunk.passage_id == first for c in retrieval.candidates if c.chunk.id in cited)

    def reading_confidence(self, runtime: StoreRuntime, wording: str | None, retrieval: Retrieval | None) -> float:
        """How sure a computed answer is. The owner's policy.toml is the store's word: 1.0. Facts read
        off a pasted page are a reading, as sure as retrieval is that the page answers this question
        where the facts were read (the decision's confidence), so the email gate and the agents'
        suggestions weigh them as they weigh a quoted answer; the shopper's date given in the next turn
        completes an answer as sure as this reading (Pending.confidence). Real dev half, every answer under a bar handed off:
        at 0.90, 51.0 % right with 7 confident wrong (2.4 %), against 55.1 % with 10 when they said 1.0;
        at the same 51.0 % right, 7 against 9 (bench/README.md, session 15). The chat's own choice is
        unchanged: handing such answers off under the chat's bar cost a right answer and saved none."""
        if not runtime.policy_read_from_page or retrieval is None or wording is None:
            return 1.0
        return self.decision(runtime, wording, retrieval).confidence

    def decision(self, runtime: StoreRuntime, wording: str, retrieval: Retrieval) -> Decision:
        """Answer, clarify or hand off over the ranked passages, with the store's own words and vocabulary."""
        return decide(retrieval, wording, self.match_settings, runtime.page_words, runtime.retriever.lexical)

    def policy_part(self, runtime: StoreRuntime, question: str, result: PolicyAnswer, retrieval: Retrieval | None = None, confidence: float = 1.0) -> PartAnswer:
        """`retrieval`, when the question was ranked (facts read off a raw page): the reply then also
        quotes the sentence of the cited passage that answers the question, which on a pasted page is
        often not the one the rule was read from ("we do not accept returns on opened bags" beside
        the window for unopened ones)."""
        sources = tuple(dict.fromkeys(runtime.citations[id(f)] for f in result.facts if id(f) in runtime.citations))
        first = sources[0] if sources else None
        quotes = tuple(dict.fromkeys(f.source for f in result.facts))
        answering = self.answering_sentence(runtime, retrieval, {s.id for s in sources}, question) if retrieval else None
        if answering and not any(squash(answering) in squash(q) or squash(q) in squash(answering) for q in quotes):
            quotes = (answering, *quotes)
        texts = render_texts(
            "policy",
            lead=ONE_PERIOD.sub("", result.lead),  # "Purl & Ply Yarn Co.." when a store's name ends a sentence
            details=result.details,
            ask=result.ask,
            quotes=quotes[:2],
            title=first.title if first else None,
            citation=first.citation if first else None,
            contact=runtime.responder.contact,
        )
        confidence = round(confidence, 4)
        pending = replace(result.pending, confidence=confidence) if result.pending is not None else None  # the next turn's answer is as sure
        return PartAnswer(question, Kind.policy, confidence, f"policy: {result.reason}", texts, sources, result.suggestions, pending)

    def date_wanted(self, runtime: StoreRuntime, question: str, vector, today: date) -> str | None:
        """Which date the shopper wants worked out from a date they give (`order_dates`, `refund_date`,
        `return_deadline`, `report_deadline`), when the fitted gate says they want one at all; None otherwise.
        An order's dates are a chain of stages (cut-off, processing, transit) the timeline calculator
        counts first; a deadline or a refund date is one span from one event, which the answering
        sentence states (training shops: 90 % of return deadlines, 64 % of order dates right from one span)."""
        settings = self.match_settings
        dated = bool(extract_slots(repair_policy_words(question), today).dates)
        if not dated or not asks_for_a_date(date_gate_inputs(runtime.exemplars, vector, dated), settings.date_gate_weights, settings.date_gate_bias):
            return None
        return runtime.exemplars.computed_date(vector)

    def span_part(self, runtime: StoreRuntime, question: str, vector, retrieval: Retrieval, today: date, deadline: bool) -> PartAnswer | None:
        """The shopper's date counted by the span the best answering sentence of the nearest passages
        states: each sentence scored by the fitted sentence scorer, lifted by its passage's log-odds."""
        near = retrieval.candidates[:SPAN_PASSAGES]
        index = runtime.retriever.index
        settings = self.match_settings
        scored = [
            (sentence, evidence.score(settings.sentence_weights, settings.sentence_bias) + SPAN_PASSAGE_WEIGHT * c.score)
            for c in near
            for sentence, evidence in zip(c.chunk.sentences, sentence_evidence(index, c, retrieval, question), strict=True)
        ]
        slots = extract_slots(repair_policy_words(question), today)
        found = count_from_sentence(scored, question, slots, runtime.responder.calendar, today if deadline else None)
        if found is None:
            return None
        source = next(c for c in near if found.sentence in c.chunk.sentences)
        texts = render_texts(
            "policy", lead=found.lead(), details=(), ask=None, quotes=(found.sentence, *stated_after(source.chunk.sentences, found.sentence)),
            title=source.chunk.title, citation=source.chunk.citation,
            contact=runtime.responder.contact,
        )
        confidence = round(source.probability, 4)
        return PartAnswer(question, Kind.policy, confidence, f"policy: {found.span.words} from {found.start_words}", texts, (source_of(source, confidence),), ())

    def answer_part(self, runtime: StoreRuntime, question: str, wording: str, vector, retrieval: Retrieval | None = None) -> PartAnswer:
        """`wording` is the question as retrieval reads it (payment names spelled out, a follow-up's
        question before it added); `retrieval`, when the turn already ranked the store for it."""
        retrieval = retrieval or runtime.retriever.retrieve(wording, vector)
        decision = self.decision(runtime, wording, retrieval)
        config = runtime.config

        def part(texts: Texts, sources: tuple[ReplySource, ...], suggestions: tuple[str, ...]) -> PartAnswer:
            return PartAnswer(question, decision.kind, decision.confidence, decision.reason, texts, sources, suggestions)

        if decision.kind == Kind.answer:
            top = decision.candidates[0]
            lead, more = self.lead_of(runtime, top, retrieval, wording)
            texts = render_texts("answer", lead=lead, more=more, title=top.chunk.title, citation=top.chunk.citation)
            return part(texts, (source_of(top, decision.confidence),), (MORE_SUGGESTION,) if more else ())
        if decision.kind == Kind.clarify:
            titles = tuple(c.chunk.title for c in decision.candidates)
            texts = render_texts("clarify", titles=titles)
            sources = tuple(source_of(c, decision.confidence if i == 0 else None) for i, c in enumerate(decision.candidates))
            return part(texts, sources, titles)
        texts = render_texts(
            "handoff", why=decision.handoff, store_name=config.name, support_email=config.support_email, website=config.website
        )
        return part(texts, (), ())

    def by_meaning(self, runtime: StoreRuntime, message: str, vector, learned: dict[str, str | None]) -> Reply | None:
        encode = self.embedder_for(runtime.config).encode
        return self._taught.by_meaning(runtime, message, vector, learned, self.match_settings.learned_min_similarity, encode)

    def _load(self, store: str) -> StoreRuntime:
        """A store loaded (again: reloaded, or a new build published) encodes its taught phrasings afresh."""
        self._taught.forget(store)
        return super()._load(store)

    def _dropped(self, stores: list[str], why: str) -> None:
        for store in stores:
            self._taught.forget(store)
        super()._dropped(stores, why)

    def answering_sentence(self, runtime: StoreRuntime, retrieval: Retrieval, cited: set[str], question: str) -> str | None:
        """The best answering sentence of the highest-ranked cited passage, by the fitted sentence scorer."""
        candidate = next((c for c in retrieval.candidates if c.chunk.id in cited), None)
        if candidate is None or not candidate.chunk.sentences:
            return None
        settings = self.match_settings
        return best_sentence(runtime.retriever.index, candidate, retrieval, question, settings.sentence_weights, settings.sentence_bias)

    def lead_of(self, runtime: StoreRuntime, candidate: Candidate, retrieval: Retrieval, question: str) -> tuple[tuple[str, ...], bool]:
        settings = self.match_settings
        return lead_sentences(
            runtime.retriever.index,
            candidate,
            retrieval,
            question,
            settings.sentence_weights,
            settings.sentence_bias,
            settings.sentence_runner_margin,
            settings.whole_passage_words,
        )

    def suggest(self, store: str, message: str, today: date, limit: int = 3, learned: dict[str, str | None] | None = None) -> list[Reply]:
        """Up to `limit` replies for an agent: the bot's own answer first, then the next passages it considered."""
        first = self.answer(store, message, today=today, learned=learned)
        replies = [first] if first.kind not in (Kind.handoff, Kind.clarify) else []
        runtime = self.runtime(store)
        vector = self.encode_asked(runtime, [message])[0]
        retrieval = runtime.retriever.retrieve(message, vector)
        seen = {s.id for r in replies for s in r.sources}
        for candidate in retrieval.candidates:
            if len(replies) >= limit:
                break
            if candidate.chunk.id in seen:
                continue
            seen.add(candidate.chunk.id)
            lead, more = self.lead_of(runtime, candidate, retrieval, message)
            texts = render_texts("answer", lead=lead, more=more, title=candidate.chunk.title, citation=candidate.chunk.citation)
            score = round(candidate.probability, 4)
            source = ReplySource.of(candidate.chunk, score)
            replies.append(Reply(store, Kind.answer, texts.chat, score, (source,), (), "another passage the matcher considered", mail_text=texts.mail))
        return replies

    def full_answer(self, runtime: StoreRuntime, chunk_id: str) -> Reply | None:
        chunk = runtime.retriever.index.chunk(chunk_id)
        if chunk is None:
            return None
        texts = render_texts("full", text=chunk.text, title=chunk.title, citation=chunk.citation)
        source = ReplySource.of(chunk, 1.0)
        return Reply(runtime.retriever.store, Kind.answer, texts.chat, 1.0, (source,), (), "full text of the last answer", mail_text=texts.mail)



def spelled_out(question: str) -> str:
    """"do you take amex?" as the page would say it too ("American Express"): a shopper's short name
    for a payment method shares no letters with the page's."""
    if not PAYING_TALK.search(question):
        return question  # "is the chain wire or cable?" names no way to pay
    names = [name for name, pattern in PAYMENT_PATTERNS.items() if pattern.search(question) and name.lower() not in question.lower()]
    return f"{question} ({', '.join(names)})" if names else question


def source_of(candidate: Candidate, confidence: float | None) -> ReplySource:
    score = confidence if confidence is not None else candidate.probability
    return ReplySource.of(candidate.chunk, round(float(score), 4))


def combine(store: str, config: StoreConfig, parts: list[PartAnswer]) -> Reply:
    """One reply for all the questions in a message, answered in order."""
    if len(parts) == 1:
        part = parts[0]
        return Reply(store, part.kind, part.text, round(part.confidence, 4), part.sources, part.suggestions, part.reason, part.pending, mail_text=part.mail_text)
    kinds = [p.kind for p in parts]
    kind = next((k for k in (Kind.policy, Kind.answer, Kind.clarify) if k in kinds), Kind.handoff)
    if kind == Kind.handoff:
        return Reply(store, kind, parts[0].text, round(max(p.confidence for p in parts), 4), (), (), "no confident match", mail_text=parts[0].mail_text)
    texts = render_texts("several", parts=parts)
    answered = [p for p in parts if p.kind == kind]
    sources = tuple(dict.fromkeys(s for p in parts for s in p.sources))
    suggestions = tuple(dict.fromkeys(s for p in parts for s in p.suggestions if s != MORE_SUGGESTION))[:3]
    reason = f"{len(answered)} of {len(parts)} questions: {kind.value}"
    pending = next((p.pending for p in parts if p.pending), None)
    return Reply(store, kind, texts.chat, round(min(p.confidence for p in answered), 4), sources, suggestions, reason, pending, mail_text=texts.mail)

