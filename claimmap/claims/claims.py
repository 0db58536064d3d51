"""Turn an article's resolved place mentions into claims: event type, actor, source, status.

    >>> from claimmap.records import Article, Mention, Place, Resolution
    >>> text = "Russian troops seized control of Alexandria, according to a military source."
    >>> article = Article(article_id="a1", title="", text=text)
    >>> start = text.find("Alexandria")
    >>> mention = Mention("a1", start, start + 10, "Alexandria", "settlement", "alexandria")
    >>> place = Place("UA59", "settlement", "Oleksandriia")
    >>> [claim] = extract_claims(article, [Resolution(mention, place, 0.9, 1, "sumy", "exact")])
    >>> claim.event_type, claim.actor, claim.attribution, claim.status, claim.confidence
    ('territorial_capture', 'Russian forces', 'a military source', 'claimed', 0.9)

How a sentence becomes claims (docs/EVENT_TYPES.md has the full story):

* Sentences come from ``claimmap.claims.sentences`` (exact offsets, titles split from leads).
  Each sentence's language (en/uk/ru) picks its table in ``claimmap.claims.lexicon``; everything
  below is one mechanism over that table.
* Each place mention binds to the nearest trigger before it in its clause ("X was captured"
  binds the trigger right after it); a place in a sentence with no trigger is a ``mention``.
  A colon after a trigger opens a list ("control over 4 settlements: A, B, C"); a place that is
  only a container ("A, Sumy oblast"), part of a name ("Sumy Oblast Military Administration")
  or a speaker ("Kyiv called it a fake") is a ``mention``.
* Who says it comes from ``claimmap.claims.sources``: the source named nearest before the
  trigger, else after it, else the paragraph's, else the article's outlet. Its side decides the
  status (the ISW reading): a side's report of its own gain is ``claimed``; the other side
  admitting it, or a monitor assessing it, ``confirmed``; a rejection ``denied``. A denial with no
  place ("Kyiv called it a fake.") denies the events of the sentence before and links to them.
* "The enemy" and "our forces" are read from the speaker's side; with no speaker known, the
  enemy is ``enemy=`` (Russian forces by default).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from types import MappingProxyType

from claimmap.claims.lexicon import (
    ANY,
    ENEMY,
    LEXICONS,
    OWN,
    RU,
    UA,
    Lexicon,
    Trigger,
    sentence_language,
)
from claimmap.claims.sentences import MAX_SENTENCE_CHARS, sentences, split_sentences
from claimmap.claims.sources import SIDE_ACTOR, Source, SourceTable, default_sources
from claimmap.errors import ClaimInputError
from claimmap.records import ACTORS, Article, Claim, Resolution

__all__ = [
    "ANAPHORS",
    "EVENT_TYPES",
    "MAX_SENTENCE_CHARS",
    "TRIGGERS",
    "coarse_type",
    "extract_claims",
    "split_sentences",
]

EVENT_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "territorial_capture": "A side takes or holds control of a place (ACLED: non-state actor/"
        "government regains territory): seized, captured, occupied, took, fell, under control.",
        "recapture": "A side takes a place back: liberated, recaptured, retook, regained control.",
        "assault": "A ground attack on a place (ACLED armed clash, attack phase): assault on, "
        "stormed, attacked, offensive against.",
        "advance": "Forces move forward on or toward a place: advancing toward, pushing toward, "
        "advances on, broke through.",
        "armed_clash": "Fighting at a place with no side named as winner (ACLED armed clash): "
        "fighting continues, clashes, battles for, engaged, repelled, grey zone.",
        "withdrawal": "A side leaves a place: retreat from, withdrew, pulled back, forced to "
        "retreat, fell back.",
        "shelling": "Artillery, rocket or missile fire (ACLED shelling/artillery/missile attack): "
        "shelled, artillery, mortar, MLRS, missile strike, came under fire.",
        "air_drone_strike": "Air or drone strike (ACLED air/drone strike): drone strike, "
        "airstrike, glide bomb, KAB, Shahed, FPV.",
        "civilian_harm": "Civilians harmed or moved (ACLED violence against civilians / "
        "displacement): civilians killed or wounded, evacuation, abducted.",
        "strategic_development": "A non-violent turn that changes the situation (ACLED strategic "
        "development): desertion, abandoned its positions, battalion headquarters, surrender.",
        "mention": "The place is named with no event bound to it (or only a hypothetical one); "
        "it stays a claim and never becomes an event.",
    }
)
#: The issue's coarse classes, for measuring and for the map legend.
COARSE: Mapping[str, str] = MappingProxyType(
    {
        "territorial_capture": "control",
        "recapture": "control",
        "advance": "control",
        "withdrawal": "control",
        "assault": "fighting",
        "armed_clash": "fighting",
        "shelling": "strike",
        "air_drone_strike": "strike",
        "civilian_harm": "other",
        "strategic_development": "other",
        "mention": "none",
    }
)
#: A side that does these gains ground; its own report is a claim, the other side's an admission.
GAINS = frozenset({"territorial_capture", "recapture", "advance"})
STRIKES = frozenset({"shelling", "air_drone_strike"})
#: Sub-event detail values (``Claim.detail``); EVENT_TYPES.md documents each.
DETAILS = (
    "artillery",
    "mortar",
    "mlrs",
    "missile",
    "kab",
    "drone",
    "fpv",
    "air",
    "partial_control",
    "grey_zone",
    "casualties",
    "displacement",
)
OTHER_SIDE = {RU: UA, UA: RU}

#: The English trigger table (kept as a name for readers and tests; every language has one).
TRIGGERS: tuple[Trigger, ...] = LEXICONS["en"].triggers
ANAPHORS: tuple[str, ...] = tuple(
    dict.fromkeys(a for lex in LEXICONS.values() for a in lex.anaphors)
)


def coarse_type(event_type: str) -> str:
    """``control``, ``fighting``, ``strike``, ``other`` (or ``none`` for a mention)."""
    return COARSE.get(event_type, "other")


@dataclass(frozen=True, slots=True)
class _Rx:
    """One lexicon's regexes, compiled once."""

    lex: Lexicon
    triggers: tuple[tuple[Trigger, re.Pattern[str]], ...]
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
def _rx(language: str) -> _Rx:
    lex = LEXICONS[language]
    c = re.compile
    anaphors = "|".join(a.replace(" ", r"\s+") for a in lex.anaphors)
    return _Rx(
        lex=lex,
        triggers=tuple((t, c(rf"(?<!\w)(?:{'|'.join(t.patterns)})(?!\w)")) for t in lex.triggers),
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
class _Hit:
    start: int  #: offsets into the article text
    end: int
    rule: Trigger


def _lower(text: str) -> str:
    """Lower-case without changing length, with curly apostrophes made straight."""
    low = text.lower()  # one pass in C; char by char only when a letter lowers to two ("İ")
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("’", "'")


def _check(article: Article, resolutions: Sequence[Resolution]) -> None:
    where = f"article {article.article_id}" + (f" ({article.path})" if article.path else "")
    for res in resolutions:
        m = res.mention
        if m.article_id != article.article_id:
            raise ClaimInputError(f"{where}: mention {m.mention_id} belongs to another article")
        if not (0 <= m.start < m.end <= len(article.text)) or article.text[m.start : m.end] != (
            m.surface
        ):
            raise ClaimInputError(
                f"{where}: mention {m.surface!r} at {m.start}:{m.end} does not match the text"
            )
        if res.place is not None and res.precision not in (1, 2, 3):
            raise ClaimInputError(f"{where}: {m.surface!r} has precision {res.precision}, not 1-3")
        if not 0.0 <= res.confidence <= 1.0:
            raise ClaimInputError(f"{where}: {m.surface!r} has confidence {res.confidence}")


def _eligible(res: Resolution) -> bool:
    return res.place is not None and res.mention.kind != "country" and res.place.kind != "country"


def _find_triggers(rx: _Rx, low: str, lo: int, hi: int) -> list[_Hit]:
    hits: list[tuple[int, int, int, Trigger]] = []
    for index, (rule, regex) in enumerate(rx.triggers):
        for m in regex.finditer(low, lo, hi):
            hits.append((m.start(), m.end(), index, rule))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    kept: list[_Hit] = []
    for start, end, _, rule in hits:
        if not kept or start >= kept[-1].end:
            kept.append(_Hit(start, end, rule))
    return kept


def _clause_starts(rx: _Rx, low: str, lo: int, hi: int, hits: list[_Hit]) -> list[int]:
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


def _actor_phrases(
    rx: _Rx, low: str, lo: int, hi: int, enemy: str, own: str, blocked: list[tuple[int, int]]
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


def _is_object(rx: _Rx, low: str, start: int, end: int) -> bool:
    """Is the phrase the object of a preposition ("against Russian forces")? "with Russian
    forces making advances" is a subject all the same."""
    if re.match(r"\s+\w+ing\b", low[end : end + 24]) and low[max(0, start - 5) : start] == "with ":
        return False
    return bool(rx.object_before.search(low[max(0, start - 24) : start]))


def _trim_source(src: str) -> str:
    words = src.strip().split()[:8]
    return " ".join(words).rstrip(".,;: ")


def _attribution(rx: _Rx, text: str, lo: int, hi: int) -> str:
    sentence = text[lo:hi]
    if m := rx.according.search(sentence):
        return _trim_source(m.group("src"))
    if m := rx.postposed.search(sentence):
        return _trim_source(m.group("src"))
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
            return _trim_source(src)
    return "unattributed report" if rx.unattributed.search(sentence) else ""


def _count(rx: _Rx, regex: re.Pattern[str], low: str) -> int:
    total = 0
    for m in regex.finditer(low):
        word = next((g for g in m.groupdict().values() if g), "")
        total += int(word) if word.isdigit() else rx.lex.numbers.get(word, 0)
    return total


def extract_claims(
    article: Article,
    resolutions: Sequence[Resolution],
    *,
    enemy: str = RU,
    sources: SourceTable | None = None,
) -> tuple[Claim, ...]:
    """One claim per eligible resolved mention (and per anaphoric event or denial), in text order.

    ``enemy`` is who "the enemy" is when the text does not say who speaks (Russian forces, as in
    Ukrainian reporting); ``sources`` is the table of sources (default: built-in plus
    ``CLAIMMAP_SOURCES``). Raises ClaimInputError when a resolution does not fit the article.
    """
    if enemy not in ACTORS:
        raise ClaimInputError(f"enemy must be one of {ACTORS}, got {enemy!r}")
    _check(article, resolutions)
    table = sources if sources is not None else default_sources()
    text, low = article.text, _lower(article.text)
    usable = sorted((r for r in resolutions if _eligible(r)), key=lambda r: r.mention.start)
    starts = [r.mention.start for r in usable]
    outlet = table.named(article.source) if article.source else None
    claims: list[Claim] = []
    para_actor: tuple[int, str] = (-1, "")
    para_attr: tuple[int, str] = (-1, "")
    para_source: tuple[int, Source | None] = (-1, None)
    previous: list[Resolution] = []
    last_events: tuple[int, list[int]] = (-1, [])  #: indexes of the last sentence's events
    for lo, hi, para in sentences(text):
        rx = _rx(sentence_language(text[lo:hi], default=article.language))
        first, stop = bisect_left(starts, lo), bisect_left(starts, hi)
        inside = [r for r in usable[first:stop] if r.mention.end <= hi]
        source_spans = table.spans(low, lo, hi)
        fallback = para_source[1] if para_source[0] == para else outlet
        speaker = source_spans[-1][2] if source_spans else fallback
        enemy_here = OTHER_SIDE.get(SIDE_ACTOR.get(speaker.side, ""), enemy) if speaker else enemy
        own_here = OTHER_SIDE.get(enemy_here, ANY)
        speakers = [(s, e) for s, e, src in source_spans if src.kind != "military"]
        phrases = _actor_phrases(rx, low, lo, hi, enemy_here, own_here, speakers)
        subjects = [p for p in phrases if not _is_object(rx, low, p[0], p[1])]
        attribution = _attribution(rx, text, lo, hi)
        if not attribution and para_attr[0] == para:
            attribution = para_attr[1]
        if not attribution and source_spans:
            attribution = text[source_spans[0][0] : source_spans[0][1]]
        inherited = para_actor[1] if para_actor[0] == para else ""
        anaphoric = not inside and len({r.place.place_id for r in previous if r.place}) == 1
        hits = _find_triggers(rx, low, lo, hi) if inside or anaphoric else []
        sentence = _Sentence(
            rx=rx,
            text=text,
            low=low,
            lo=lo,
            hi=hi,
            attribution=attribution,
            inherited=inherited,
            article_id=article.article_id,
            phrases=phrases,
            hits=hits,
            starts=_clause_starts(rx, low, lo, hi, hits),
            sentence=text[lo:hi],
            sources=source_spans,
            fallback=fallback,
            killed=_count(rx, rx.killed, low[lo:hi]) if inside else 0,
            injured=_count(rx, rx.injured, low[lo:hi]) if inside else 0,
            enemy=enemy_here,
            own=own_here,
        )
        made: list[Claim] = []
        if inside:
            made = sentence.claims(inside)
        elif last_events[0] == para and last_events[1] and sentence.denies_previous():
            by = f"{article.article_id}:{lo}:{hi}"  # "Russia claims X. Kyiv called it a fake."
            for k in last_events[1]:
                claims[k] = replace(claims[k], status="denied", denied_by=by)
        elif len({r.place.place_id for r in previous if r.place}) == 1:
            made = sentence.anaphoric(previous[-1])
        first_new = len(claims)
        claims.extend(made)
        events = [first_new + k for k, c in enumerate(made) if c.event_type != "mention"]
        if events:
            last_events = (para, events)
        elif inside:
            last_events = (para, [])
        named = [c.actor for c in made if c.event_type != "mention" and c.actor != ANY]
        if named:
            para_actor = (para, named[-1])  # the paragraph's last event says who acts
        elif subjects:
            para_actor = (para, subjects[-1][2])
        if attribution:
            para_attr = (para, attribution)
        if source_spans:
            para_source = (para, source_spans[-1][2])
        previous = inside
    return _unrepeated(claims)


def _unrepeated(claims: list[Claim]) -> tuple[Claim, ...]:
    """Drop a claim whose sentence, place, type and role an earlier claim of the same article
    already has: a headline printed again as the first paragraph says it once, not twice."""
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    normal: dict[tuple[int, int], str] = {}  # a long sentence with many places: normalise once
    for claim in claims:
        span = (claim.sentence_start, claim.sentence_end)
        if span not in normal:
            normal[span] = " ".join(claim.sentence.split())
        key = (normal[span], claim.place_id, claim.event_type, claim.role)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return tuple(kept)


_KIND_RANK = {"settlement": 0, "hromada": 1, "raion": 2, "oblast": 3, "sector": 3}


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence and what was found in it, ready to bind mentions to triggers."""

    rx: _Rx
    text: str
    low: str
    lo: int
    hi: int
    attribution: str
    inherited: str  #: the paragraph's last actor, "" if none
    article_id: str
    phrases: list[tuple[int, int, str]]  #: actor phrases
    hits: list[_Hit]  #: triggers
    starts: list[int]  #: clause starts
    sentence: str  #: ``text[lo:hi]``, sliced once: every claim of the sentence shares it
    sources: list[tuple[int, int, Source]]  #: sources named in the sentence
    fallback: Source | None  #: the paragraph's or the article's source
    killed: int
    injured: int
    enemy: str  #: who "the enemy" is here
    own: str  #: who "our forces" are here

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos)
        return self.starts[i - 1], (self.starts[i] if i < len(self.starts) else self.hi)

    def _source(self, pos: int) -> Source | None:
        return self._source_where(pos)[0]

    def _source_where(self, pos: int) -> tuple[Source | None, str]:
        """The source nearest before ``pos``, else the first after it, else the fallback."""
        before = [s for s in self.sources if s[1] <= pos]
        after = [s for s in self.sources if s[0] >= pos]
        if before:
            return before[-1][2], "before"
        if after:
            return after[0][2], "after"
        return self.fallback, "fallback"

    def _claim(self, res: Resolution, start: int, end: int, **fields: object) -> Claim:
        return Claim(
            article_id=self.article_id,
            sentence_start=self.lo,
            sentence_end=self.hi,
            sentence=self.sentence,
            attribution=self.attribution,
            place_id=res.place.place_id if res.place else "",
            mention_start=start,
            mention_end=end,
            surface=self.text[start:end],
            precision=res.precision,
            language=self.rx.lex.language,
            **fields,  # type: ignore[arg-type]
        )

    def _side(self, actor: str) -> str:
        return self.enemy if actor == ENEMY else self.own if actor == OWN else actor

    def _actor_for(self, hit: _Hit, c_start: int, c_end: int) -> str:
        """Who acts: a phrase or side adjective inside the trigger ("under enemy control",
        "repelled Russian assaults"), a side adjective on it ("Russian assault"), the nearest
        subject before it, the agent after it ("by Russian forces"), and (free word order) the
        first actor after it in its clause. A ``reverse`` trigger ("repelled") is done by the
        subject to the other side, the actor."""
        low, rx = self.low, self.rx
        inside = low[hit.start : hit.end]
        within = [a for start, _, a in self.phrases if hit.start <= start < hit.end]
        if hit.rule.reverse or hit.rule.situation:  # "repelled Russian assaults"
            for actor, pattern in rx.lex.adjectives:
                if re.search(rf"(?<!\w)(?:{pattern})(?!\w)", inside):
                    return self._side(actor)
            if within:
                return within[0]  # "under enemy control"
        for actor, pattern in rx.lex.adjectives:
            if re.search(rf"(?<!\w)(?:{pattern})\s+$", low[max(0, hit.start - 16) : hit.start]):
                return self._side(actor)
        found = ""
        subjects = [
            p
            for p in self.phrases
            if c_start - 200 <= p[0] and p[1] <= hit.start and not _is_object(rx, low, p[0], p[1])
        ]
        if subjects:
            found = subjects[-1][2]
        elif within and hit.rule.event_type == "recapture":
            return OTHER_SIDE.get(within[0], ANY)  # "pushed Russian troops out of"
        elif within:
            return within[0]  # "ударами російських безпілотників"
        if not found:
            for start, _, actor in self.phrases:
                if hit.end <= start < c_end and rx.agent_before.search(
                    low[max(0, start - 16) : start]
                ):
                    return actor
        if not found and rx.lex.actor_after and hit.rule.event_type not in STRIKES:
            for start, end, actor in self.phrases:
                if hit.end <= start < c_end and not _is_object(rx, low, start, end):
                    found = actor
                    break
        if found and hit.rule.reverse:
            return OTHER_SIDE.get(found, found)
        return found

    def _negated(self, regex: re.Pattern[str], start: int) -> bool:
        return bool(self.rx.not_before.search(self.low, max(self.lo, start - 40), start))

    def _says(self, regex: re.Pattern[str]) -> bool:
        return any(
            not self._negated(regex, m.start()) for m in regex.finditer(self.low, self.lo, self.hi)
        )

    def _status(self, hit: _Hit, actor: str, c_start: int, source: Source | None) -> str:
        """The ISW reading of who says what (docs/EVENT_TYPES.md, Status)."""
        rx = self.rx
        neg = rx.negation.search(self.low, max(c_start, hit.start - 60), hit.start)
        if neg and (rx.confirm.search(neg.group()) or rx.speech.search(neg.group())):
            neg = None  # "gave no acknowledgement that X had fallen", "не підтвердили"
        if self._says(rx.denial) or neg or hit.rule.negated:
            return "denied"
        side = SIDE_ACTOR.get(source.side, "") if source else ""
        event_type = hit.rule.event_type
        if rx.unconfirmed.search(self.low, self.lo, self.hi) or any(
            self._negated(rx.confirm, m.start())
            for m in rx.confirm.finditer(self.low, self.lo, self.hi)
        ):
            return "claimed"  # "has not been confirmed", "no confirmation"
        if self._says(rx.confirm):
            own_gain = side and actor == side and event_type in GAINS
            return "claimed" if own_gain else "confirmed"
        if source is not None and source.side == "monitor":
            return "confirmed"  # ISW's "likely" is still its assessment
        if rx.hedge.search(self.low, self.lo, self.hi) or hit.rule.situation:
            return "claimed"  # a situation report is no admission of a change
        if side and actor in OTHER_SIDE:
            if event_type in GAINS and actor != side:
                return "confirmed"  # the other side admits the gain
            if event_type == "withdrawal" and actor == side:
                return "confirmed"  # a side admits its own withdrawal
        return "claimed"

    def _detail(self, hit: _Hit, c_start: int, c_end: int) -> str:
        if hit.rule.detail or hit.rule.event_type not in STRIKES:
            return hit.rule.detail
        for other in self.hits:
            strike = other.rule.event_type in STRIKES and other.rule.detail
            if c_start <= other.start < c_end and strike:
                return other.rule.detail
        return ""

    def _weapon(self, hit: _Hit, c_start: int, c_end: int) -> _Hit:
        """A strike named in the clause types an attack or harm ("a drone attacked", "killed
        in a drone strike"): ACLED types the event by its means, the harm is counted apart."""
        if hit.rule.event_type in STRIKES and not hit.rule.detail:  # "FPV drones struck"
            armed = [
                h
                for h in self.hits
                if c_start <= h.start < c_end and h.rule.detail and h.rule.event_type in STRIKES
            ]
            return armed[0] if armed else hit
        if hit.rule.event_type not in ("assault", "civilian_harm"):
            return hit
        strikes = [
            h for h in self.hits if c_start <= h.start < c_end and h.rule.event_type in STRIKES
        ]
        if not strikes:
            return hit
        if hit.rule.event_type == "civilian_harm":
            return strikes[0] if hit.rule.detail == "casualties" else hit
        near = [h for h in strikes if abs(h.end - hit.start) <= 12 or abs(hit.end - h.start) <= 12]
        return near[0] if near else hit

    def _event(
        self, res: Resolution, hit: _Hit, weight: float, span: tuple[int, int], role: str
    ) -> Claim:
        c_start, c_end = self.clause(hit.start)
        source, where = self._source_where(hit.start)
        hit = self._weapon(hit, c_start, c_end)
        actor = self._actor_for(hit, c_start, c_end)
        side = SIDE_ACTOR.get(source.side, "") if source is not None else ""
        # A side reports its own gains ("Russia said its troops had recaptured"); a rejection said
        # after the claim ("захоплення Басівки не відповідає дійсності, — ДПСУ") is the other
        # side's, so the claimant is the side opposite; "gave no acknowledgement" says nothing.
        claimant = ""
        unconfirmed = self.rx.unconfirmed.search(self.low, self.lo, self.hi)
        if side and hit.rule.event_type in GAINS and not unconfirmed:
            denied = self._status(hit, ANY, c_start, source) == "denied"
            claimant = OTHER_SIDE[side] if denied and where == "after" else side
        if not actor and where != "fallback":
            actor = claimant
        if not actor:
            inherit = hit.rule.event_type != "armed_clash" and hit.rule.detail != "displacement"
            actor = hit.rule.actor or (self.inherited if inherit else "")
            if actor and not hit.rule.actor:
                weight *= 0.9
        if not actor and source is not None and hit.rule.event_type in STRIKES:
            # an authority reports strikes on its area; a side's military, its own strikes
            actor = OTHER_SIDE.get(side, "") if source.kind == "authority" else side
        if not actor:
            actor = claimant  # the article's outlet reports its side's gains
        if (
            not actor
            and side
            and hit.rule.event_type == "withdrawal"
            and self._says(self.rx.confirm)
        ):
            actor = side  # "В ВСУ признали отход": a side admits its own withdrawal
        status = self._status(hit, actor or ANY, c_start, source)
        actor = actor or ANY
        event_type = hit.rule.event_type
        country = {RU: "RU", UA: "UA"}.get(actor, "")
        place_country = res.place.country_code if res.place is not None else ""
        if event_type == "recapture" and country and place_country not in ("", country):
            event_type = "territorial_capture"  # "ВС РФ освободили Юнаковку": a capture
        harm = event_type in STRIKES or event_type == "civilian_harm"
        target = "civilians" if event_type == "civilian_harm" else OTHER_SIDE.get(actor, "")
        return self._claim(
            res,
            *span,
            event_type=event_type,
            actor=actor,
            status=status,
            role=role,
            confidence=round(res.confidence * weight, 4),
            detail=self._detail(hit, c_start, c_end),
            target_side=target,
            source=source.name if source else "",
            source_side=source.side if source else "",
            source_kind=source.kind if source else "",
            situation=hit.rule.situation,
            hedged=bool(self.rx.hedge.search(self.low, self.lo, self.hi)),
            killed=self.killed if harm else 0,
            injured=self.injured if harm else 0,
        )

    def _mention(self, res: Resolution) -> Claim:
        m = res.mention
        source = self._source(m.start)
        return self._claim(
            res,
            m.start,
            m.end,
            event_type="mention",
            actor=ANY,
            status="claimed",
            role="location",
            confidence=res.confidence,
            source=source.name if source else "",
            source_side=source.side if source else "",
            source_kind=source.kind if source else "",
        )

    def _hypothetical(self, hit: _Hit) -> bool:
        """A hypothetical word before the trigger in its clause, or just after it ("its capture
        could disrupt"); one further on belongs to another statement ("..., adding that Russian
        units could try to storm Yunakivka")."""
        c_start, c_end = self.clause(hit.start)
        return bool(self.rx.hypothetical.search(self.low, c_start, min(c_end, hit.end + 24)))

    def _not_a_place(self, inside: list[Resolution], i: int) -> bool:
        """A container of the place before it, part of a longer name, or a speaker."""
        res, low, rx = inside[i], self.low, self.rx
        m = res.mention
        if rx.not_place_after.match(low[m.end : m.end + 80]):
            return True
        if rx.not_place_before.search(low[max(self.lo, m.start - 40) : m.start]):
            return True  # "a resident of Velyka Pysarivka"
        if (
            res.place is not None
            and res.place.kind in ("raion", "oblast")
            and rx.container_before.search(low[max(self.lo, m.start - 40) : m.start])
        ):
            return True  # "27 settlements in Sumy region"
        for s, e, _ in self.sources:
            if s <= m.start < e or m.start <= s < m.end:
                return True  # "Sumy Oblast Military Administration", "Kyiv said", "заяву Москви"
        villages = any(r.place is not None and r.place.kind == "settlement" for r in inside)
        if villages and res.place is not None and res.place.kind in ("raion", "oblast"):
            return True  # the events are at the villages; the region only says where
        if i and res.place is not None and inside[i - 1].place is not None:
            before = inside[i - 1]
            rank = _KIND_RANK.get(res.place.kind, 0)
            bigger = rank > _KIND_RANK.get(before.place.kind, 0) and rank in (1, 2, 3)
            if bigger and rx.container_gap.match(low[before.mention.end : m.start]):
                return True  # "Novenke, Sumy oblast": the oblast only says where
        return False

    def claims(self, inside: list[Resolution]) -> list[Claim]:
        out: list[Claim] = []
        rx = self.rx
        landmarks: set[int] = set()
        for i, res in enumerate(inside):
            m = res.mention
            if self._not_a_place(inside, i):
                out.append(self._mention(res))
                continue
            c_start, c_end = self.clause(m.start)
            before = [h for h in self.hits if c_start <= h.start and h.end <= m.start]
            after = [h for h in self.hits if m.end <= h.start < c_end]
            gap = self._masked(m.end, after[0].start, inside) if after else ""
            passive = after and rx.passive_gap.match(gap) and not gap.rstrip().endswith(",")
            if (
                passive
                and before
                and not re.sub(r"\b(?:and|or|та|і|й|и|а)\b", "", gap).strip(" \x00,")
            ):
                passive = False  # "удару БпЛА по Есмані загинула": the trigger before binds
            if passive:
                hit, weight, window = after[0], 1.0, m.start  # "X was captured", "X fell"
            elif before:
                hit, weight = before[-1], 1.0
                ends = [r.mention.end for r in inside[:i] if r.mention.end <= m.start]
                window = max([*ends, hit.end])
                between = self.low[window : m.start]
                later = any(r.mention.start < c_end for r in inside[i + 1 :])
                landmark = (rx.direction.search(between) and (window > hit.end or later)) or (
                    window > hit.end
                    and i - 1 not in landmarks  # "north of Sumy, near Yablunivka"
                    and rx.reference.search(between)
                    and not rx.list_near.search(between)
                    and not rx.list_gap.match(between)
                )
                if landmark:
                    landmarks.add(i)
                if landmark or rx.speech_after.search(self.low, hit.end, m.start):
                    out.append(self._mention(res))  # "captured A, 10 km from B": B is a landmark
                    continue  # "…гриміли бої, розповідає Олег, мешканець X": X is the speaker's
            elif after:
                hit, weight, window = after[0], 0.8, m.start
            else:
                out.append(self._mention(res))
                continue
            if self._hypothetical(hit):
                out.append(self._mention(res))
                continue
            role = self._role(window, m.start, hit.rule.move) if window < m.start else "location"
            if role == "target" and hit.rule.event_type == "withdrawal":
                out.append(self._mention(res))  # "fell back toward Yunakivka": nothing there yet
                continue
            out.append(self._event(res, hit, weight, (m.start, m.end), role))
        return out

    def _role(self, window_start: int, mention_start: int, move: bool) -> str:
        window = self.low[window_start:mention_start]
        if self.rx.origin.search(window):
            return "origin"
        if move and self.rx.target.search(window):
            return "target"
        return "location"

    def _masked(self, start: int, end: int, inside: list[Resolution]) -> str:
        """The text between ``start`` and ``end`` with place mentions replaced by NUL."""
        chars = list(self.low[start:end])
        for r in inside:
            for k in range(max(r.mention.start, start), min(r.mention.end, end)):
                chars[k - start] = "\x00"
        return re.sub("\x00+", "\x00", "".join(chars))

    def anaphoric(self, antecedent: Resolution) -> list[Claim]:
        anaphor = self.rx.anaphor.search(self.low, self.lo, self.hi)
        if anaphor is None or not self.hits:
            return []
        before = [h for h in self.hits if h.end <= anaphor.start()]
        hit = before[-1] if before else self.hits[0]
        if self._hypothetical(hit):
            return []
        return [self._event(antecedent, hit, 0.5, anaphor.span(), "location")]

    def denies_previous(self) -> bool:
        """Does this place-less sentence reject the sentence before ("Kyiv called it a fake")?"""
        return any(
            not self._negated(self.rx.denial, m.start())
            for m in self.rx.denial.finditer(self.low, self.lo, self.hi)
        )
