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
* Claims merge on (place_id, event_type) when their dates lie within ``WINDOW_DAYS`` of the
  event's (3 days for control changes, 1 for fighting and strikes). A claim's date is its own
  (claimmap.claims.dates); a claim without one takes its article's publication date at
  precision 2. Vague claims (precision 3, "since early June") join the event their span
  overlaps and never stretch it. A control event closes when the other side's control event at
  the same place comes between: captured, liberated, captured again stay three events.
  Undated claims join the earliest dated event of their place and type, or form an undated one.
* date, date_end, time_precision: the span of the most precise claims, and its ACLED precision
  (1 one day or night, 2 up to a week, 3 vaguer; 0 undated).
* actor: the majority among claims that name one; a tie or no named actor -> "unspecified".
* status: "confirmed" if any claim is; "denied" only if all are; else "claimed".
* confidence: 1 - prod(1 - c_o) over distinct origins, c_o the best claim of origin o (so a
  rewritten report counts once), capped at 0.99.
* precision: the best (lowest) among the claims; the event stays on the claim's own place, so a
  sector or oblast claim is never moved onto a village.
* corroboration counts sides and monitors, not only articles: ``sides`` are the distinct sides
  (RU, UA) whose sources report the event, ``monitors`` the distinct independent monitors
  (DeepState, ISW, geolocated footage); a claim both sides report, or a monitor backs, is worth
  more than ten rewrites of one wire.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from claimmap.claims.claims import ANAPHORS, EVENT_TYPES
from claimmap.errors import ClaimInputError, UnknownPlaceError
from claimmap.records import (
    ACTORS,
    CONTROL_TYPES,
    ROLES,
    STATUSES,
    Article,
    Claim,
    Event,
    Place,
)

MAX_CONFIDENCE = 0.99
#: How many days apart two claims of one place and type may be and still tell of one event.
#: Control changes are reported over days (a claim, an assessment, geolocated footage); fighting
#: and strikes happen daily and are counted per day (or night), as ACLED codes them.
WINDOW_DAYS: Mapping[str, int] = {
    "territorial_capture": 3,
    "recapture": 3,
    "withdrawal": 3,
    "strategic_development": 3,
    "assault": 1,
    "advance": 1,
    "armed_clash": 1,
    "shelling": 1,
    "air_drone_strike": 1,
    "civilian_harm": 1,
}


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


def _majority(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v).most_common(1)
    return counts[0][0] if counts else ""


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def source_title(article: Article) -> str:
    """How an event lists an article among its sources: its title, with the outlet if known."""
    title = article.title or article.path or article.article_id
    return f"{title} ({article.source})" if article.source else title


@dataclass(frozen=True, slots=True)
class _Dated:
    """A claim with the days it covers and its time precision (0 undated)."""

    claim: Claim
    start: date | None
    end: date | None
    precision: int


def _dated(claim: Claim, article: Article) -> _Dated:
    if claim.date_precision and claim.date:
        start = date.fromisoformat(claim.date)
        end = date.fromisoformat(claim.date_end) if claim.date_end else start
        return _Dated(claim, start, max(start, end), claim.date_precision)
    if article.published:
        try:
            day = date.fromisoformat(article.published[:10])
        except ValueError:
            return _Dated(claim, None, None, 0)
        return _Dated(claim, day, day, 2)
    return _Dated(claim, None, None, 0)


@dataclass(slots=True)
class _Run:
    """Claims gathered into one event: the days its precise claims cover."""

    start: date
    end: date
    members: list[_Dated] = field(default_factory=list)


def _runs(items: list[_Dated], window: int, breaks: list[date]) -> list[_Run]:
    """Dated claims of one place and type, in runs: precise claims chain within ``window`` days
    unless a break (the other side's control event) falls between; vague ones join a run they
    overlap, else form their own."""
    gap = timedelta(days=window)
    runs: list[_Run] = []
    for item in sorted((i for i in items if i.precision < 3), key=lambda i: (i.start, i.end)):
        if item.start is None or item.end is None:
            continue
        last = runs[-1] if runs else None
        if (
            last is not None
            and item.start <= last.end + gap
            and not any(last.end < b <= item.start for b in breaks)
        ):
            last.end = max(last.end, item.end)
            last.members.append(item)
        else:
            runs.append(_Run(item.start, item.end, [item]))
    vague_runs: list[_Run] = []
    for item in sorted((i for i in items if i.precision >= 3), key=lambda i: (i.start, i.end)):
        if item.start is None or item.end is None:
            continue
        overlapping = [r for r in runs if r.start <= item.end and item.start <= r.end]
        if overlapping:
            min(overlapping, key=lambda r: abs((r.start - item.start).days)).members.append(item)
        elif vague_runs and item.start <= vague_runs[-1].end:
            vague_runs[-1].members.append(item)
        else:
            vague_runs.append(_Run(item.start, item.end, [item]))
    return sorted(runs + vague_runs, key=lambda r: r.start)


def _when(members: list[_Dated]) -> tuple[str, str, int]:
    """(date, date_end, time_precision) of a run: the span of its most precise claims."""
    dated = [m for m in members if m.start is not None and m.end is not None]
    if not dated:
        return "", "", 0
    best = min(m.precision for m in dated)
    top = [m for m in dated if m.precision == best]
    first = min(m.start for m in top if m.start is not None)
    last = max(m.end for m in top if m.end is not None)
    days = (last - first).days
    precision = best if best == 3 else max(best, 1 if days <= 1 else 2 if days < 7 else 3)
    return first.isoformat(), (last.isoformat() if last != first else ""), precision


def _event(
    key: tuple[str, str, str],
    members: list[_Dated],
    articles: Mapping[str, Article],
    place: Place,
) -> Event:
    place_id, event_type, day = key
    claims = [m.claim for m in members]
    claims.sort(key=lambda c: (c.article_id, c.sentence_start, c.mention_start, c.role))
    used = [articles[c.article_id] for c in claims]
    dates = sorted(a.published for a in used if a.published)
    sides = tuple(sorted({c.source_side for c in claims if c.source_side in ("RU", "UA")}))
    monitors = tuple(sorted({c.source for c in claims if c.source_side == "monitor"}))
    when, until, time_precision = _when(members)
    return Event(
        event_id=event_id(place_id, event_type, day),
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
        sources=_distinct(source_title(a) for a in used),
        detail=_majority(c.detail for c in claims),
        target_side=_majority(c.target_side for c in claims),
        sides=sides,
        monitors=monitors,
        n_sides=len(sides),
        n_monitors=len(monitors),
        situation=all(c.situation for c in claims),
        killed=max(c.killed for c in claims),
        injured=max(c.injured for c in claims),
        denials=sum(c.status == "denied" for c in claims),
        date=when,
        date_end=until,
        time_precision=time_precision,
        source_urls=_distinct(a.url for a in used),
    )


def build_events(
    claims: Iterable[Claim], *, articles: Mapping[str, Article], places: Mapping[str, Place]
) -> list[Event]:
    """Merge ``claims`` into events, sorted by (date, place name, type, id).

    ``articles`` maps article ids to articles (for dates, origins and titles) and ``places``
    maps place ids to places. A claim whose article or place is missing, or whose fields are
    outside the vocabularies in claimmap.records, raises before anything is merged.
    """
    kept = []
    for claim in claims:
        _check(claim, articles, places)
        if claim.event_type != "mention":
            kept.append(claim)
    by_key: dict[tuple[str, str], list[_Dated]] = defaultdict(list)
    for claim in kept:
        by_key[(claim.place_id, claim.event_type)].append(_dated(claim, articles[claim.article_id]))
    control: dict[tuple[str, str], list[date]] = defaultdict(list)
    for (place_id, event_type), items in by_key.items():
        if event_type in CONTROL_TYPES:
            control[(place_id, event_type)] = [
                i.start for i in items if i.start is not None and i.precision < 3
            ]
    events = []
    for (place_id, event_type), items in by_key.items():
        breaks = []
        if event_type in CONTROL_TYPES:
            for other in CONTROL_TYPES:
                if other != event_type:
                    breaks += control.get((place_id, other), [])
        runs = _runs(
            [i for i in items if i.start is not None], WINDOW_DAYS.get(event_type, 1), breaks
        )
        undated = [i for i in items if i.start is None]
        if undated:
            if runs:
                runs[0].members.extend(undated)
            else:
                events.append(
                    _event((place_id, event_type, ""), undated, articles, places[place_id])
                )
        for run in runs:
            key = (place_id, event_type, run.start.isoformat())
            events.append(_event(key, run.members, articles, places[place_id]))
    events.sort(key=lambda e: (e.date or e.first_reported, e.place.name, e.event_type, e.event_id))
    return events
