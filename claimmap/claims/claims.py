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
  below is one mechanism over that table: ``claimmap.claims.reading`` finds triggers, actors,
  clauses and sources in the sentence, ``claimmap.claims.binding`` binds them to its places.
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

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from claimmap.claims.binding import Sentence
from claimmap.claims.dates import date_claims
from claimmap.claims.lexicon import ANY, LEXICONS, RU, Trigger, sentence_language
from claimmap.claims.reading import (
    GAINS,
    OTHER_SIDE,
    STRIKES,
    actor_phrases,
    attribution_of,
    clause_starts,
    count_people,
    find_triggers,
    is_object,
    lower,
    rx_for,
)
from claimmap.claims.sentences import MAX_SENTENCE_CHARS, sentences, split_sentences
from claimmap.claims.sources import SIDE_ACTOR, Source, SourceTable, default_sources
from claimmap.errors import ClaimInputError
from claimmap.records import ACTORS, NOT_SITES, Article, Claim, Resolution

__all__ = [
    "ANAPHORS",
    "DETAILS",
    "EVENT_TYPES",
    "GAINS",
    "MAX_SENTENCE_CHARS",
    "STRIKES",
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


#: The English trigger table (kept as a name for readers and tests; every language has one).
TRIGGERS: tuple[Trigger, ...] = LEXICONS["en"].triggers
ANAPHORS: tuple[str, ...] = tuple(
    dict.fromkeys(a for lex in LEXICONS.values() for a in lex.anaphors)
)


def coarse_type(event_type: str) -> str:
    """``control``, ``fighting``, ``strike``, ``other`` (or ``none`` for a mention)."""
    return COARSE.get(event_type, "other")


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
    """A place that can be the site of a claim: no country, no dateline, no road's name, no
    medium or unit named after a place (``records.NOT_SITES``)."""
    return (
        res.place is not None
        and res.mention.kind not in ("country", *NOT_SITES)
        and res.place.kind != "country"
    )


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
    text, low = article.text, lower(article.text)
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
        rx = rx_for(sentence_language(text[lo:hi], default=article.language))
        first, stop = bisect_left(starts, lo), bisect_left(starts, hi)
        inside = [r for r in usable[first:stop] if r.mention.end <= hi]
        source_spans = table.spans(low, lo, hi)
        fallback = para_source[1] if para_source[0] == para else outlet
        speaker = source_spans[-1][2] if source_spans else fallback
        enemy_here = OTHER_SIDE.get(SIDE_ACTOR.get(speaker.side, ""), enemy) if speaker else enemy
        own_here = OTHER_SIDE.get(enemy_here, ANY)
        speakers = [(s, e) for s, e, src in source_spans if src.kind != "military"]
        phrases = actor_phrases(rx, low, lo, hi, enemy_here, own_here, speakers)
        subjects = [p for p in phrases if not is_object(rx, low, p[0], p[1])]
        attribution = attribution_of(rx, text, lo, hi)
        if not attribution and para_attr[0] == para:
            attribution = para_attr[1]
        if not attribution and source_spans:
            attribution = text[source_spans[0][0] : source_spans[0][1]]
        inherited = para_actor[1] if para_actor[0] == para else ""
        anaphoric = not inside and len({r.place.place_id for r in previous if r.place}) == 1
        hits = find_triggers(rx, low, lo, hi) if inside or anaphoric else []
        sentence = Sentence(
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
            starts=clause_starts(rx, low, lo, hi, hits),
            sentence=text[lo:hi],
            sources=source_spans,
            fallback=fallback,
            killed=count_people(rx, rx.killed, low[lo:hi]) if inside else 0,
            injured=count_people(rx, rx.injured, low[lo:hi]) if inside else 0,
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
    return date_claims(_unrepeated(claims), article)


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
