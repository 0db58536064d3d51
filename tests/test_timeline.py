"""Events in time: ranges, per-day counts, what changed since a day, a place's history."""

from __future__ import annotations

from dataclasses import replace

from claimmap.claims.events import build_events
from claimmap.records import Article, Claim, Place
from claimmap.views.timeline import (
    changes_since,
    date_bounds,
    default_since,
    in_range,
    per_day,
    place_history,
)

KINDRATIVKA = Place("UA-kin", "settlement", "Kindrativka", lat=51.2, lon=35.1)
YUNAKIVKA = Place("UA-yun", "settlement", "Yunakivka", lat=51.1, lon=35.0)
PLACES = {p.place_id: p for p in (KINDRATIVKA, YUNAKIVKA)}


def claim(aid: str, kind: str, day: str, place: Place = KINDRATIVKA, **kw: object) -> Claim:
    base = Claim(
        aid, 0, 30, f"{kind} at {place.name}", kind, "Russian forces", "claimed", "",
        place.place_id, "location", 3, 9, place.name, 1, 0.8,
        date=day, date_precision=1, date_text="on a day",
    )  # fmt: skip
    return replace(base, **kw)


ARTICLES = {
    "jun": Article("jun", "MoD June", "x", source="MoD", published="2025-06-09"),
    "jun2": Article("jun2", "ISW June", "x", source="ISW", published="2025-06-10"),
    "jul": Article("jul", "GS July", "x", source="General Staff", published="2025-07-28"),
    "jul2": Article("jul2", "ISW July", "x", source="ISW", published="2025-07-29"),
    "old": Article("old", "Undated", "x"),
}
CLAIMS = [
    claim("jun", "territorial_capture", "2025-06-08"),
    claim("jun2", "territorial_capture", "2025-06-08", status="confirmed"),
    claim("jun", "assault", "2025-06-08", YUNAKIVKA),
    claim("jul", "recapture", "2025-07-27", actor="Ukrainian forces"),
    claim("jul2", "assault", "2025-06-09", YUNAKIVKA, status="confirmed"),
    claim("jul2", "shelling", "2025-07-28", YUNAKIVKA),
]
EVENTS = build_events(CLAIMS, articles=ARTICLES, places=PLACES)


def test_bounds_ranges_and_days() -> None:
    assert date_bounds(EVENTS) == ("2025-06-08", "2025-07-28")
    assert date_bounds([]) is None
    june = [e for e in EVENTS if in_range(e, ("2025-06-01", "2025-06-30"))]
    assert {e.event_type for e in june} == {"territorial_capture", "assault"}
    [assault] = [e for e in EVENTS if e.event_type == "assault"]
    assert (assault.date, assault.date_end) == ("2025-06-08", "2025-06-09")
    assert in_range(assault, ("2025-06-09", "2025-06-09"))  # the span overlaps
    undated = replace(assault, date="", date_end="")
    assert not in_range(undated, ("2000-01-01", "2100-01-01"))
    assert per_day(EVENTS) == [
        {"day": "2025-06-08", "event_type": "assault", "events": 1},
        {"day": "2025-06-08", "event_type": "territorial_capture", "events": 1},
        {"day": "2025-07-27", "event_type": "recapture", "events": 1},
        {"day": "2025-07-28", "event_type": "shelling", "events": 1},
    ]


def test_what_changed_since_a_day() -> None:
    changes = changes_since(EVENTS, articles=ARTICLES, since="2025-07-28")
    assert {(e.event_type, e.place.name) for e in changes.new_events} == {
        ("recapture", "Kindrativka"),
        ("shelling", "Yunakivka"),
    }
    [(old, fresh)] = changes.new_claims
    assert (old.event_type, [c.article_id for c in fresh]) == ("assault", ["jul2"])
    assert [(e.event_type, a, b) for e, a, b in changes.status_changes] == [
        ("assault", "claimed", "confirmed")
    ]
    [(name, before, after)] = changes.changed_hands
    assert (name, before.event_type, after.event_type) == (
        "Kindrativka",
        "territorial_capture",
        "recapture",
    )
    nothing = changes_since(EVENTS, articles=ARTICLES, since="2025-08-01")
    assert nothing.new_events == nothing.new_claims == nothing.changed_hands == ()
    assert default_since(ARTICLES).isoformat() == "2025-07-28"
    assert default_since({"old": ARTICLES["old"]}) is None


def test_an_undated_article_is_never_new() -> None:
    events = build_events(
        [claim("old", "assault", "", YUNAKIVKA, date_precision=0)], articles=ARTICLES, places=PLACES
    )
    assert changes_since(events, articles=ARTICLES, since="2000-01-01").new_events == ()


def test_a_place_history_is_every_claim_in_date_order() -> None:
    history = place_history(EVENTS, KINDRATIVKA.place_id, articles=ARTICLES)
    assert [(h.date, h.event_type, h.status, h.source) for h in history] == [
        ("2025-06-08", "territorial_capture", "claimed", "MoD June (MoD)"),
        ("2025-06-08", "territorial_capture", "confirmed", "ISW June (ISW)"),
        ("2025-07-27", "recapture", "claimed", "GS July (General Staff)"),
    ]
    assert place_history(EVENTS, "nowhere", articles=ARTICLES) == []
