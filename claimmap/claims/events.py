"""Merge claims about one place and event type into events, counting their corroboration.

    >>> from claimmap.records import Article, Claim, Place
    >>> place = Place("UA59", "settlement", "Oleksandriia")
    >>> article = Article("a1", "Alexandria falls", "...", published="2025-06-10")
    >>> claim = Claim("a1", 0, 3, "...", "territorial_capture", "Russian forces", "claimed", "",
    ...               "UA59", "location", 0, 3, "...", 1, 0.9)
    >>> [event] = build_events([claim], articles={"a1": article}, places={"UA59": place})
    >>> event.event_type, event.n_claims, event.n_origins, event.first_reported
    ('territorial_capture', 1, 1, '2025-06-10')

Rules (docs/EVENT_TYPES.md says the same for readers):

* ``mention`` claims never become events.
* Claims merge on (place_id, event_type, publication date). Undated claims join the earliest
  dated group of their place and type, or form an undated group when there is none.
* actor: the majority among claims that name one; a tie or no named actor -> "unspecified".
* status: "confirmed" if any claim is; "denied" only if all are; else "claimed".
* confidence: 1 - prod(1 - c_o) over distinct origins, c_o the best claim of origin o (so a
  rewritten report counts once), capped at 0.99.
* precision: the best (lowest) among the claims; the event stays on the claim's own place, so a
  sector or oblast claim is never moved onto a village.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from claimmap.claims.claims import ANAPHORS, EVENT_TYPES
from claimmap.errors import ClaimInputError, UnknownPlaceError
from claimmap.records import ACTORS, ROLES, STATUSES, Article, Claim, Event, Place

MAX_CONFIDENCE = 0.99


def event_id(place_id: str, event_type: str, date: str = "") -> str:
    """A stable 12-hex-digit id for the event at ``place_id`` of ``event_type`` on ``date``.

    >>> event_id("UA59", "assault", "2025-06-10") == event_id("UA59", "assault", "2025-06-10")
    True
    """
    key = f"{place_id}\x1f{event_type}\x1f{date}".encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:12]


def _check(claim: Claim, articles: Mapping[str, Article], places: Mapping[str, Place]) -> None:
    where = (
        f"claim {claim.article_id}:{claim.mention_start}:{claim.mention_end} ({claim.surface!r})"
    )
    if claim.article_id not in articles:
        raise ClaimInputError(f"{where}: article {claim.article_id!r} is not among the articles")
    if claim.place_id not in places:
        raise UnknownPlaceError(f"{where}: place {claim.place_id!r} is not among the places")
    for value, allowed, name in (
        (claim.event_type, tuple(EVENT_TYPES), "event type"),
        (claim.actor, ACTORS, "actor"),
        (claim.status, STATUSES, "status"),
        (claim.role, ROLES, "role"),
        (claim.precision, (1, 2, 3), "precision"),
    ):
        if value not in allowed:
            raise ClaimInputError(f"{where}: unknown {name} {value!r}")
    if not 0.0 <= claim.confidence <= 1.0:
        raise ClaimInputError(f"{where}: confidence {claim.confidence} is outside [0, 1]")


def _origin(article: Article) -> str:
    return article.origin_id or article.article_id


def _actor(claims: Iterable[Claim]) -> str:
    counts = Counter(c.actor for c in claims if c.actor != "unspecified").most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return "unspecified"
    return counts[0][0]


def _status(claims: list[Claim]) -> str:
    statuses = {c.status for c in claims}
    if "confirmed" in statuses:
        return "confirmed"
    return "denied" if statuses == {"denied"} else "claimed"


def _confidence(claims: list[Claim], articles: Mapping[str, Article]) -> float:
    best: dict[str, float] = {}
    for c in claims:
        origin = _origin(articles[c.article_id])
        best[origin] = max(best.get(origin, 0.0), c.confidence)
    doubt = 1.0
    for value in best.values():
        doubt *= 1.0 - value
    return round(min(1.0 - doubt, MAX_CONFIDENCE), 4)


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _source(article: Article) -> str:
    title = article.title or article.path or article.article_id
    return f"{title} ({article.source})" if article.source else title


def _event(
    key: tuple[str, str, str], claims: list[Claim], articles: Mapping[str, Article], place: Place
) -> Event:
    place_id, event_type, date = key
    claims.sort(key=lambda c: (c.article_id, c.sentence_start, c.mention_start, c.role))
    used = [articles[c.article_id] for c in claims]
    dates = sorted(a.published for a in used if a.published)
    return Event(
        event_id=event_id(place_id, event_type, date),
        event_type=event_type,
        actor=_actor(claims),
        status=_status(claims),
        place=place,
        precision=min(c.precision for c in claims),
        claims=tuple(claims),
        n_claims=len(claims),
        n_articles=len({c.article_id for c in claims}),
        n_origins=len({_origin(a) for a in used}),
        first_reported=dates[0] if dates else "",
        last_reported=dates[-1] if dates else "",
        confidence=_confidence(claims, articles),
        surfaces=_distinct(c.surface for c in claims if c.surface.lower() not in ANAPHORS),
        sources=_distinct(_source(a) for a in used),
        source_urls=_distinct(a.url for a in used),
    )


def build_events(
    claims: Iterable[Claim], *, articles: Mapping[str, Article], places: Mapping[str, Place]
) -> list[Event]:
    """Merge ``claims`` into events, sorted by (first reported, place name, type, id).

    ``articles`` maps article ids to articles (for dates, origins and titles) and ``places``
    maps place ids to places. A claim whose article or place is missing, or whose fields are
    outside the vocabularies in claimmap.records, raises before anything is merged.
    """
    kept = []
    for claim in claims:
        _check(claim, articles, places)
        if claim.event_type != "mention":
            kept.append(claim)
    groups: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    undated: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in kept:
        date = articles[claim.article_id].published
        if date:
            groups[(claim.place_id, claim.event_type, date)].append(claim)
        else:
            undated[(claim.place_id, claim.event_type)].append(claim)
    for (place_id, event_type), loose in undated.items():
        dated = sorted(k for k in groups if k[:2] == (place_id, event_type))
        groups[dated[0] if dated else (place_id, event_type, "")].extend(loose)
    events = [_event(key, group, articles, places[key[0]]) for key, group in groups.items()]
    events.sort(key=lambda e: (e.first_reported, e.place.name, e.event_type, e.event_id))
    return events
