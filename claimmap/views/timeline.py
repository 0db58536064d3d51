"""Events in time: date bounds and ranges, per-day counts, what changed since a day, a place's
history. Pure functions over records, for the dashboard and for anyone else.

    >>> from claimmap.records import Event, Place
    >>> e = Event("e1", "assault", "Russian forces", "claimed", Place("p", "settlement", "X"),
    ...           1, (), 0, 0, 0, date="2025-06-08", date_end="2025-06-09", time_precision=1)
    >>> date_bounds([e]), in_range(e, ("2025-06-09", "2025-06-30"))
    (('2025-06-08', '2025-06-09'), True)
    >>> per_day([e])
    [{'day': '2025-06-08', 'event_type': 'assault', 'events': 1}]

An event lies in a range when its span (``date``..``date_end``) overlaps it; an undated event
lies in no range (the caller decides whether undated events are shown).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from claimmap.claims.events import source_title
from claimmap.records import CONTROL_TYPES, Article, Claim, Event

__all__ = [
    "Changes",
    "HistoryRow",
    "changes_since",
    "date_bounds",
    "default_since",
    "filter_days",
    "in_range",
    "per_day",
    "place_history",
]


def _span(event: Event) -> tuple[str, str] | None:
    if not event.date:
        return None
    return event.date, event.date_end or event.date


def date_bounds(events: Iterable[Event]) -> tuple[str, str] | None:
    """The first and last day any event covers, or None when no event is dated."""
    spans = [s for s in map(_span, events) if s is not None]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def in_range(event: Event, days: tuple[str, str]) -> bool:
    """Does the event's span overlap the inclusive ISO range ``days``? False when undated."""
    span = _span(event)
    return span is not None and span[0] <= days[1] and days[0] <= span[1]


def filter_days(
    events: Iterable[Event], days: tuple[str, str] | None, *, include_undated: bool = True
) -> list[Event]:
    """The events whose span overlaps ``days`` (all when None), plus the undated ones if asked.

    >>> filter_days([], ("2025-06-01", "2025-06-30"))
    []
    """
    if days is None:
        return list(events)
    return [e for e in events if in_range(e, days) or (include_undated and not e.date)]


def per_day(events: Iterable[Event]) -> list[dict[str, object]]:
    """Events per (first day, event type), for a timeline chart; undated events left out."""
    counts = Counter((e.date, e.event_type) for e in events if e.date)
    return [
        {"day": day, "event_type": kind, "events": n} for (day, kind), n in sorted(counts.items())
    ]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One dated claim about a place, for its history."""

    date: str
    date_end: str
    date_precision: int
    date_text: str
    event_type: str
    actor: str
    status: str
    source: str
    published: str
    sentence: str
    event_id: str


def place_history(
    events: Iterable[Event], place_id: str, *, articles: Mapping[str, Article]
) -> list[HistoryRow]:
    """Every claim about ``place_id`` in the events, oldest first (undated ones last)."""
    rows = []
    for event in events:
        if event.place.place_id != place_id:
            continue
        for claim in event.claims:
            article = articles.get(claim.article_id)
            rows.append(
                HistoryRow(
                    date=claim.date,
                    date_end=claim.date_end,
                    date_precision=claim.date_precision,
                    date_text=claim.date_text,
                    event_type=claim.event_type,
                    actor=claim.actor,
                    status=claim.status,
                    source=source_title(article) if article is not None else claim.article_id,
                    published=article.published if article is not None else "",
                    sentence=claim.sentence,
                    event_id=event.event_id,
                )
            )
    rows.sort(key=lambda r: (not r.date, r.date, r.date_end, r.published, r.event_type))
    return rows


@dataclass(frozen=True, slots=True)
class Changes:
    """What the reporting published on or after ``since`` added or changed."""

    since: str
    new_events: tuple[Event, ...]  #: every claim of it was published on or after ``since``
    new_claims: tuple[tuple[Event, tuple[Claim, ...]], ...]  #: older events, newer claims
    status_changes: tuple[tuple[Event, str, str], ...]  #: (event, status before, status now)
    changed_hands: tuple[tuple[str, Event, Event], ...]  #: (place name, before, after)


def _status(claims: Sequence[Claim]) -> str:
    statuses = {c.status for c in claims}
    if "confirmed" in statuses:
        return "confirmed"
    return "denied" if statuses == {"denied"} else "claimed"


def changes_since(
    events: Sequence[Event], *, articles: Mapping[str, Article], since: str
) -> Changes:
    """Split the events by what was published before ``since`` (an ISO day) and after it.

    An article without a publication date counts as old: it cannot be known to be new.
    A place changed hands when a control event reported since ``since`` (capture, recapture,
    withdrawal) follows an earlier control event there whose actor differs."""

    def is_new(claim: Claim) -> bool:
        article = articles.get(claim.article_id)
        return bool(article and article.published and article.published[:10] >= since)

    new_events, new_claims, status_changes = [], [], []
    for event in events:
        fresh = tuple(c for c in event.claims if is_new(c))
        if not fresh:
            continue
        old = [c for c in event.claims if not is_new(c)]
        if not old:
            new_events.append(event)
            continue
        new_claims.append((event, fresh))
        before = _status(old)
        if before != event.status:
            status_changes.append((event, before, event.status))
    hands = []
    control: dict[str, list[Event]] = {}
    for event in events:
        if event.event_type in CONTROL_TYPES and event.date:
            control.setdefault(event.place.place_id, []).append(event)
    for runs in control.values():
        runs.sort(key=lambda e: (e.date, e.date_end))
        for before, after in pairwise(runs):
            recent = any(is_new(c) for c in after.claims)
            if recent and _holder(before) != _holder(after):
                hands.append((after.place.name, before, after))
    return Changes(since, tuple(new_events), tuple(new_claims), tuple(status_changes), tuple(hands))


def _holder(event: Event) -> str:
    """Who holds the place after the event: the actor of a capture or recapture, the other side
    after a withdrawal ("unspecified" when the actor is)."""
    if event.event_type != "withdrawal" or event.actor == "unspecified":
        return event.actor
    return "Ukrainian forces" if event.actor == "Russian forces" else "Russian forces"


def default_since(articles: Mapping[str, Article]) -> date | None:
    """The day before the latest publication day: "what changed since yesterday"."""
    days = [a.published[:10] for a in articles.values() if a.published]
    if not days:
        return None
    return date.fromisoformat(max(days)) - timedelta(days=1)
