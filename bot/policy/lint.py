"""`faqbot lint`: what a careful support lead would check in a store's knowledge.

- contradictions: two sentences of the page saying the same thing with other numbers
  ("processed within 5-7 days" / "within 5 days"); an error until policy.toml records
  which reading it uses under [[conflicts]];
- unsupported facts: a policy fact whose `source` words are not on the page;
- uncovered numbers: a sentence giving a number of days or hours that no fact covers;
- unparseable or duplicate entries in policy.toml;
- demo.toml (the demo shop's look) that /demo/<store> could not show: read only when the page is
  opened, so a broken one is found here before a visitor finds it.

Errors make the command exit non-zero; warnings are for a person to read.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from bot.errors import BadKnowledge, FaqbotError
from bot.ingest import Chunk
from bot.ingest.knowledge import load_store_knowledge, store_dir
from bot.ingest.showcase import DEMO_FILE, load_showcase
from bot.text import content_terms
from bot.policy.citations import chunk_holding, closest_chunk, normalized
from bot.policy.model import POLICY_FILE, StorePolicy, load_policy

DURATION = re.compile(
    r"\b(\d+(?:\s*(?:-|–|to)\s*\d+)?)\s*(business\s+|working\s+)?(days?|hours?|weeks?)\b", re.I
)
NUMBER = re.compile(r"\d+")
# Sentences this alike once their numbers are taken out state the same policy.
SAME_POLICY_SIMILARITY = 80


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # error | warning | info
    check: str  # contradiction | unsupported | uncovered | duplicate | unparseable
    where: str
    message: str


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    chunk: Chunk

    @property
    def durations(self) -> tuple[str, ...]:
        return tuple(normalized(m.group(0)) for m in DURATION.finditer(self.text))


def page_sentences(chunks: list[Chunk]) -> list[Sentence]:
    seen: set[str] = set()
    found = []
    for chunk in chunks:
        for text in chunk.sentences:
            key = normalized(text)
            if key not in seen:
                seen.add(key)
                found.append(Sentence(text, chunk))
    return found


def without_numbers(text: str) -> str:
    return NUMBER.sub("#", normalized(text))


def other_subjects(text: str, other: str) -> bool:
    """Two sentences that open with different names ("Media Mail…", "Priority Mail…") speak of two things."""
    first, second = (next((t for t in content_terms(x) if not t.isdigit()), "") for x in (text, other))
    return bool(first and second and first != second and first not in content_terms(other) and second not in content_terms(text))


def contradictions(sentences: list[Sentence], policy: StorePolicy) -> list[Finding]:
    timed = [s for s in sentences if s.durations]
    recorded = [[normalized(r) for r in c.readings] for c in policy.conflicts]
    findings = []
    for i, first in enumerate(timed):
        for second in timed[i + 1 :]:
            if set(first.durations) == set(second.durations):
                continue
            # token_sort, not token_set: a sentence that adds a second subject ("…or to Store Credit") is another policy.
            if fuzz.token_sort_ratio(without_numbers(first.text), without_numbers(second.text)) < SAME_POLICY_SIMILARITY:
                continue
            if other_subjects(first.text, second.text):
                continue  # "Media Mail: 5-10 days" / "Priority Mail: 2-3 days": two subjects, each with its own numbers
            where = f"{first.chunk.citation} / {second.chunk.citation}"
            texts = (normalized(first.text), normalized(second.text))
            is_recorded = any(sum(any(r in t for r in readings) for t in texts) == 2 for readings in recorded)
            numbers = f"“{', '.join(first.durations)}” vs “{', '.join(second.durations)}”"
            if is_recorded:
                findings.append(Finding("info", "contradiction", where, f"{numbers}: recorded under [[conflicts]]"))
            else:
                findings.append(
                    Finding(
                        "error",
                        "contradiction",
                        where,
                        f"the page states this twice with different numbers, {numbers}: “{first.text}” / “{second.text}”. "
                        "Pick a reading and record it under [[conflicts]] in policy.toml.",
                    )
                )
    return findings


def unsupported(policy: StorePolicy, chunks: list[Chunk]) -> list[Finding]:
    findings = []
    for key, fact in policy.facts():
        if chunk_holding(fact.source, chunks) is not None:
            continue
        near = closest_chunk(fact.source, chunks)
        hint = f"; closest passage: “{near.title}” ({near.citation})" if near else ""
        findings.append(Finding("error", "unsupported", f"{POLICY_FILE}: {key}", f"source words not found on the page: “{fact.source}”{hint}"))
    for i, conflict in enumerate(policy.conflicts):
        for reading in conflict.readings:
            if chunk_holding(reading, chunks) is None:
                findings.append(Finding("warning", "unsupported", f"{POLICY_FILE}: conflicts[{i}]", f"reading not found on the page: “{reading}”"))
    return findings


def uncovered(sentences: list[Sentence], policy: StorePolicy) -> list[Finding]:
    # A reading recorded under [[conflicts]] and not chosen is covered too: it was looked at.
    sources = [normalized(fact.source) for _, fact in policy.facts()] + [normalized(r) for c in policy.conflicts for r in c.readings]
    findings = []
    for sentence in sentences:
        if not sentence.durations:
            continue
        text = normalized(sentence.text)
        covered = any(
            source in text or text in source or (fuzz.partial_ratio(source, text) >= 90 and any(d in source for d in sentence.durations))
            for source in sources
        )
        if not covered:
            findings.append(
                Finding("warning", "uncovered", sentence.chunk.citation, f"“{', '.join(sentence.durations)}” in “{sentence.text}” is covered by no policy fact")
            )
    return findings


def duplicates(policy: StorePolicy) -> list[Finding]:
    findings = []
    seen: dict[str, str] = {}
    for key, fact in policy.facts():
        body = repr(sorted(fact.model_dump().items()))
        if body in seen:
            findings.append(Finding("error", "duplicate", f"{POLICY_FILE}: {key}", f"the same fact as {seen[body]}"))
        else:
            seen[body] = key
    return findings


def demo_file(folder: Path) -> list[Finding]:
    try:
        load_showcase(folder)
    except BadKnowledge as exc:
        return [Finding("error", "demo", DEMO_FILE, exc.problem)]
    return []


def lint_store(knowledge_dir: Path, store: str) -> list[Finding]:
    folder = store_dir(knowledge_dir, store)
    return page_and_policy(knowledge_dir, store, folder) + demo_file(folder)


def page_and_policy(knowledge_dir: Path, store: str, folder: Path) -> list[Finding]:
    try:
        knowledge = load_store_knowledge(knowledge_dir, store)
    except FaqbotError as exc:
        return [Finding("error", "unparseable", str(folder), str(exc))]
    chunks = knowledge.chunks
    try:
        policy = load_policy(folder)
    except FaqbotError as exc:
        return [Finding("error", "unparseable", POLICY_FILE, str(exc))]
    if not (folder / POLICY_FILE).exists():
        # No count here: the bot reads the page with its exemplars (bot/engine.py), which this check does
        # not load; the draft prints exactly the facts the bot serves.
        findings = [
            Finding(
                "warning", "unsupported", POLICY_FILE,
                "no policy.toml: the bot reads its policy facts off the page as it stands; "
                f"`faqbot policy draft --knowledge {shlex.quote(str(knowledge_dir))} --store {store}` prints them to check and keep",
            )
        ]
    else:
        findings = unsupported(policy, chunks) + duplicates(policy)
    if knowledge.config.support_email is None:
        # Mail is sent only from the address the owner wrote down, never from one read off the page.
        findings.append(
            Finding(
                "warning", "no-sender", "store.toml",
                "no support_email: the email auto-responder has no address to reply from, so every mail waits as a "
                'draft for a person; add support_email = "you@yourshop.example" to reply automatically',
            )
        )
    sentences = page_sentences(chunks)
    return contradictions(sentences, policy) + findings + (uncovered(sentences, policy) if (folder / POLICY_FILE).exists() else [])
