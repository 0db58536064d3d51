"""What one sentence says, read with its language's table: triggers, actors, clauses, sources.

    >>> from claimmap.claims.reading import find_triggers, lower, rx_for
    >>> text = lower("Сили оборони звільнили Андріївку")
    >>> hits = find_triggers(rx_for("uk"), text, 0, len(text))
    >>> [(h.rule.event_type, text[h.start : h.end]) for h in hits]
    [('recapture', 'звільнили')]

Every regex of a ``Lexicon`` is compiled once per language (``rx_for``). The functions here find
things in a sentence and bind nothing; ``claimmap.claims.binding`` binds them to places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from claimmap.claims.lexicon import ENEMY, LEXICONS, OWN, RU, UA, Lexicon, Trigger

#: A side that does these gains ground; its own report is a claim, the other side's an admission.
GAINS = frozenset({"territorial_capture", "recapture", "advance"})
STRIKES = frozenset({"shelling", "air_drone_strike"})
OTHER_SIDE = {RU: UA, UA: RU}


@dataclass(frozen=True, slots=True)
class Rx:
    """One lexicon's regexes, compiled once."""

    lex: Lexicon
    triggers: tuple[tuple[Trigger, re.Pattern[str]], ...]
    any_trigger: re.Pattern[str]  #: every trigger without its word bounds: where to look
    actors: tuple[tuple[str, re.Pattern[str]], ...]
    object_before: re.Pattern[str]
    agent_before: re.Pattern[str]
    clause_break: re.Pattern[str]
    hypothetical: re.Pattern[str]
    negation: re.Pattern[str]
    not_before: re.Pattern[str]
    denial: re.Pattern[str]
    confirm: re.Pattern[str]
    hedge: re.Pattern[str]
    reference: re.Pattern[str]
    list_gap: re.Pattern[str]
    origin: re.Pattern[str]
    target: re.Pattern[str]
    passive_gap: re.Pattern[str]
    anaphor: re.Pattern[str]
    denial_anaphor: re.Pattern[str]
    according: re.Pattern[str]
    postposed: re.Pattern[str]
    preposed: re.Pattern[str]
    reports_say: re.Pattern[str]
    speech: re.Pattern[str]
    speech_after: re.Pattern[str]
    unattributed: re.Pattern[str]
    generic_sources: re.Pattern[str]
    report_noun: re.Pattern[str]
    not_place_after: re.Pattern[str]
    container_gap: re.Pattern[str]
    killed: re.Pattern[str]
    injured: re.Pattern[str]
    container_before: re.Pattern[str]
    not_place_before: re.Pattern[str]
    direction: re.Pattern[str]
    list_near: re.Pattern[str]
    unconfirmed: re.Pattern[str]


_NAME = r"[A-ZА-ЯІЇЄҐЁ][\w'’.-]*"


@cache
def rx_for(language: str) -> Rx:
    lex = LEXICONS[language]
    c = re.compile
    anaphors = "|".join(a.replace(" ", r"\s+") for a in lex.anaphors)
    return Rx(
        lex=lex,
        triggers=tuple((t, c(rf"(?<!\w)(?:{'|'.join(t.patterns)})(?!\w)")) for t in lex.triggers),
        any_trigger=c("|".join(f"(?:{p})" for t in lex.triggers for p in t.patterns)),
        actors=tuple((a, c(rf"(?<!\w)(?:{p})(?!\w)")) for a, p in lex.actors),
        object_before=c(lex.object_before),
        agent_before=c(lex.agent_before),
        clause_break=c(lex.clause_break),
        hypothetical=c(lex.hypothetical),
        negation=c(lex.negation),
        not_before=c(lex.not_before),
        denial=c(rf"(?<!\w)(?:{lex.denial})(?!\w)"),
        confirm=c(rf"(?<!\w)(?:{lex.confirm})(?!\w)"),
        hedge=c(lex.hedge),
        reference=c(lex.reference),
        list_gap=c(lex.list_gap),
        origin=c(lex.origin),
        target=c(lex.target),
        passive_gap=c(lex.passive_gap),
        anaphor=c(rf"\b(?:{anaphors})\b"),
        denial_anaphor=c(lex.denial_anaphor),
        according=c(lex.according),
        postposed=c(
            rf"[,\"”’»]\s*[—–-]?\s*(?:{lex.attr_verbs})\s+(?P<src>(?:the\s+)?{_NAME}"
            rf"(?:\s+(?:of|the|for|and|{_NAME}))*)"
        ),
        preposed=c(rf"\s+(?:has\s+|have\s+)?(?:{lex.attr_verbs})\b", re.IGNORECASE),
        reports_say=c(lex.reports_say, re.IGNORECASE),
        speech_after=c(rf"[,\"”’»]\s*[—–-]?\s*(?:{lex.attr_verbs})(?!\w)"),
        speech=c(rf"(?<!\w)(?:{lex.attr_verbs}|acknowledg\w*|визнан\w*|признани\w*)(?!\w)"),
        unattributed=c(lex.unattributed, re.IGNORECASE),
        generic_sources=c(lex.generic_sources, re.IGNORECASE),
        report_noun=c(lex.report_noun, re.IGNORECASE),
        not_place_after=c(lex.not_place_after),
        container_gap=c(lex.container_gap),
        killed=c(lex.killed),
        injured=c(lex.injured),
        container_before=c(lex.container_before),
        not_place_before=c(lex.not_place_before),
        direction=c(lex.direction),
        list_near=c(lex.list_near),
        unconfirmed=c(lex.unconfirmed),
    )


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  #: offsets into the article text
    end: int
    rule: Trigger


def lower(text: str) -> str:
    """Lower-case without changing length, with curly apostrophes made straight."""
    low = text.lower()  # one pass in C; char by char only when a letter lowers to two ("İ")
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("’", "'")


def find_triggers(rx: Rx, low: str, lo: int, hi: int) -> list[Hit]:
    """Triggers in ``low[lo:hi]``, left to right, none overlapping: at each place the longest
    match wins, then the earlier row ("drone attack" over "attack"). One pass of all triggers
    finds where to look; each row is then tried there."""
    kept: list[Hit] = []
    pos = lo
    while (candidate := rx.any_trigger.search(low, pos, hi)) is not None:
        at, best = candidate.start(), None
        for rule, regex in rx.triggers:
            m = regex.match(low, at, hi)
            if m is not None and m.end() > at and (best is None or m.end() > best.end):
                best = Hit(at, m.end(), rule)
        if best is None:
            pos = at + 1
        else:
            kept.append(best)
            pos = best.end
    return kept


def clause_starts(rx: Rx, low: str, lo: int, hi: int, hits: list[Hit]) -> list[int]:
    """Clause starts; a colon right after a trigger's clause opens a list, not a new clause."""
    breaks = [m.start() for m in rx.clause_break.finditer(low, lo, hi)]
    starts = [lo]
    for i, b in enumerate(breaks):
        nxt = breaks[i + 1] if i + 1 < len(breaks) else hi
        before = any(starts[-1] <= h.start < b for h in hits)
        after = any(b < h.start < nxt for h in hits)
        if low[b] == ":" and before != after:
            continue  # "control over 4 settlements: A, B"; "Юнаківська громада: обстріл"
        starts.append(b)
    return starts


def actor_phrases(
    rx: Rx, low: str, lo: int, hi: int, enemy: str, own: str, blocked: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for actor, regex in rx.actors:
        for m in regex.finditer(low, lo, hi):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e in blocked):
                continue  # "Міноборони Росії" is a source, not an actor
            who = enemy if actor == ENEMY else own if actor == OWN else actor
            found.append((m.start(), m.end(), who))
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, str]] = []
    for f in found:
        if not kept or f[0] >= kept[-1][1]:
            kept.append(f)
    return kept


def is_object(rx: Rx, low: str, start: int, end: int) -> bool:
    """Is the phrase the object of a preposition ("against Russian forces")? "with Russian
    forces making advances" is a subject all the same."""
    if re.match(r"\s+\w+ing\b", low[end : end + 24]) and low[max(0, start - 5) : start] == "with ":
        return False
    return bool(rx.object_before.search(low[max(0, start - 24) : start]))


def trim_source(src: str) -> str:
    words = src.strip().split()[:8]
    return " ".join(words).rstrip(".,;: ")


def attribution_of(rx: Rx, text: str, lo: int, hi: int) -> str:
    sentence = text[lo:hi]
    if m := rx.according.search(sentence):
        return trim_source(m.group("src"))
    if m := rx.postposed.search(sentence):
        return trim_source(m.group("src"))
    if rx.reports_say.search(sentence):
        return "unattributed report"
    for m in rx.preposed.finditer(sentence):  # the source is the text before the verb
        head = re.split(r"[,;:.!?()\"“”«»]", sentence[max(0, m.start() - 100) : m.start()])[-1]
        src = re.sub(
            r"^(?:\s*(?:that|and|however|recently|also|meanwhile|що|та|і|что|и)\b)+",
            "",
            head.strip(),
            flags=re.I,
        ).strip()
        if rx.report_noun.match(src):
            return "unattributed report"
        words = src.split()
        if (
            0 < len(words) <= 8
            and not rx.generic_sources.match(src)
            and (words[-1][:1].isupper() or words[-1].lower() in rx.lex.source_nouns)
        ):
            return trim_source(src)
    return "unattributed report" if rx.unattributed.search(sentence) else ""


def count_people(rx: Rx, regex: re.Pattern[str], low: str) -> int:
    total = 0
    for m in regex.finditer(low):
        word = next((g for g in m.groupdict().values() if g), "")
        total += int(word) if word.isdigit() else rx.lex.numbers.get(word, 0)
    return total
