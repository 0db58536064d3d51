"""Tests for claimmap.claims.events: merging, counting origins, status, actor, ids, the seeds."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import HAND_PLACES

from claimmap.claims.claims import extract_claims
from claimmap.claims.events import build_events, event_id
from claimmap.errors import ClaimInputError, ClaimMapError, UnknownPlaceError
from claimmap.records import Article, Claim, Event, Mention, Place, Resolution

SEEDS = Path(__file__).parents[1] / "seeds"
NOVENKE = Place("UA-nov", "settlement", "Novenke")
SECTOR = Place("sector:sumy", "sector", "Sumy direction")
PLACES = {p.place_id: p for p in (NOVENKE, SECTOR)}


def article(aid: str, published: str = "2025-06-10", origin: str = "", **kw: str) -> Article:
    return Article(aid, f"Title {aid}", "x" * 200, published=published, origin_id=origin, **kw)


def claim(aid: str, start: int = 10, **kw: object) -> Claim:
    fields: dict = {
        "article_id": aid,
        "sentence_start": start,
        "sentence_end": start + 20,
        "sentence": "Russian forces captured Novenke.",
        "event_type": "territorial_capture",
        "actor": "Russian forces",
        "status": "claimed",
        "attribution": "",
        "place_id": NOVENKE.place_id,
        "role": "location",
        "mention_start": start + 5,
        "mention_end": start + 12,
        "surface": "Novenke",
        "precision": 1,
        "confidence": 0.8,
    }
    fields.update(kw)
    return Claim(**fields)


def test_claims_about_one_place_and_type_merge() -> None:
    articles = {"a": article("a"), "b": article("b", source="Suspilne")}
    claims = [claim("b", 50, surface="Novenko"), claim("a", 30), claim("a", 10)]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert (event.n_claims, event.n_articles, event.n_origins) == (3, 2, 2)
    assert [(c.article_id, c.sentence_start) for c in event.claims] == [
        ("a", 10),
        ("a", 30),
        ("b", 50),
    ]
    assert event.surfaces == ("Novenke", "Novenko")
    assert event.sources == ("Title a", "Title b (Suspilne)")
    assert event.confidence == pytest.approx(1 - 0.2 * 0.2)
    assert (event.first_reported, event.last_reported) == ("2025-06-10", "2025-06-10")
    assert event.event_id == event_id(NOVENKE.place_id, "territorial_capture", "2025-06-10")
    assert event.place == NOVENKE


def test_mentions_never_become_events() -> None:
    claims = [claim("a", event_type="mention", actor="unspecified")]
    assert build_events(claims, articles={"a": article("a")}, places=PLACES) == []


def test_rewrites_sharing_an_origin_count_once() -> None:
    articles = {"a": article("a", origin="a"), "b": article("b", origin="a"), "c": article("c")}
    [event] = build_events([claim("a"), claim("b")], articles=articles, places=PLACES)
    assert (event.n_articles, event.n_origins) == (2, 1)
    assert event.confidence == pytest.approx(0.8)
    [event] = build_events([claim("a"), claim("b"), claim("c")], articles=articles, places=PLACES)
    assert event.n_origins == 2


def test_confidence_is_capped() -> None:
    articles = {k: article(k) for k in "abcdef"}
    claims = [claim(k, confidence=0.99) for k in articles]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert event.confidence == 0.99


def test_dates_beyond_the_window_split_and_undated_claims_join_the_earliest() -> None:
    articles = {
        "a": article("a", "2025-06-10"),
        "b": article("b", "2025-06-14"),
        "u": article("u", ""),
    }
    events = build_events([claim("b"), claim("u"), claim("a")], articles=articles, places=PLACES)
    assert [(e.first_reported, e.n_claims) for e in events] == [
        ("2025-06-10", 2),
        ("2025-06-14", 1),
    ]
    assert {c.article_id for c in events[0].claims} == {"a", "u"}
    [undated] = build_events([claim("u")], articles=articles, places=PLACES)
    assert (undated.first_reported, undated.event_id) == (
        "",
        event_id("UA-nov", "territorial_capture"),
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("claimed", "confirmed", "denied"), "confirmed"),
        (("denied", "denied"), "denied"),
        (("denied", "claimed"), "claimed"),
        (("claimed",), "claimed"),
    ],
)
def test_status(statuses: tuple[str, ...], expected: str) -> None:
    articles = {"a": article("a")}
    claims = [claim("a", 10 * i, status=s) for i, s in enumerate(statuses)]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert event.status == expected


@pytest.mark.parametrize(
    ("actors", "expected"),
    [
        (("Russian forces", "Russian forces", "Ukrainian forces"), "Russian forces"),
        (("Russian forces", "Ukrainian forces"), "unspecified"),
        (("unspecified", "Ukrainian forces", "unspecified"), "Ukrainian forces"),
        (("unspecified",), "unspecified"),
    ],
)
def test_actor_majority(actors: tuple[str, ...], expected: str) -> None:
    articles = {"a": article("a")}
    claims = [claim("a", 10 * i, actor=a) for i, a in enumerate(actors)]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert event.actor == expected


def test_region_level_claims_stay_on_their_area_and_best_precision_wins() -> None:
    articles = {"a": article("a")}
    claims = [
        claim("a", 10, place_id=SECTOR.place_id, precision=3, event_type="advance"),
        claim("a", 40, precision=2, event_type="advance"),
        claim("a", 70, precision=1, event_type="advance"),
    ]
    events = build_events(claims, articles=articles, places=PLACES)
    by_place = {e.place.place_id: e for e in events}
    assert by_place[SECTOR.place_id].precision == 3
    assert by_place[SECTOR.place_id].place.kind == "sector"
    assert by_place[NOVENKE.place_id].precision == 1


def test_event_ids_are_stable_and_distinct() -> None:
    first = event_id("UA-nov", "assault", "2025-06-10")
    assert first == event_id("UA-nov", "assault", "2025-06-10")
    assert re.fullmatch(r"[0-9a-f]{12}", first)
    others = {
        event_id("UA-nov", "assault", "2025-06-11"),
        event_id("UA-nov", "shelling", "2025-06-10"),
        event_id("UA-kho", "assault", "2025-06-10"),
        event_id("UA-nov", "assault"),
    }
    assert first not in others
    assert len(others) == 4


def test_order_of_input_does_not_change_the_output() -> None:
    articles = {"a": article("a"), "b": article("b", "2025-06-11")}
    claims = [
        claim("a", 10),
        claim("b", 20, event_type="assault"),
        claim("a", 30, place_id=SECTOR.place_id, event_type="advance", precision=3),
        claim("b", 40),
    ]
    forward = build_events(claims, articles=articles, places=PLACES)
    backward = build_events(reversed(claims), articles=articles, places=PLACES)
    assert forward == backward
    assert [e.first_reported for e in forward] == sorted(e.first_reported for e in forward)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"article_id": "missing"}, ClaimInputError, "'missing'"),
        ({"place_id": "UA-nowhere"}, UnknownPlaceError, "'UA-nowhere'"),
        ({"event_type": "picnic"}, ClaimInputError, "'picnic'"),
        ({"actor": "aliens"}, ClaimInputError, "'aliens'"),
        ({"status": "rumoured"}, ClaimInputError, "'rumoured'"),
        ({"role": "via"}, ClaimInputError, "'via'"),
        ({"precision": 0}, ClaimInputError, "precision 0"),
        ({"confidence": 1.2}, ClaimInputError, "1.2"),
    ],
)
def test_bad_claims_raise_clear_errors(change: dict, error: type, message: str) -> None:
    bad = replace(claim("a"), **change)
    with pytest.raises(error, match=re.escape(message)) as err:
        build_events([claim("a"), bad], articles={"a": article("a")}, places=PLACES)
    assert isinstance(err.value, ClaimMapError)
    assert "Novenke" in str(err.value)


# ---- the seeds, end to end --------------------------------------------------------------


def seed_events(dates: tuple[str, str]) -> list:
    paths = sorted(SEEDS.glob("*.txt"))
    origin = paths[0].stem
    articles, claims = {}, []
    for path, published in zip(paths, dates, strict=True):
        text = path.read_text(encoding="utf-8")
        art = Article(path.stem, text.splitlines()[0], text, published=published, origin_id=origin)
        articles[art.article_id] = art
        resolutions = []
        for name, place in HAND_PLACES.items():
            start = text.find(name)
            while start != -1:
                end = start + len(name)
                mention = Mention(art.article_id, start, end, name, place.kind, name.lower())
                precision = 3 if place.kind == "sector" else 1
                resolutions.append(Resolution(mention, place, 0.9, precision, "sumy", "exact"))
                start = text.find(name, end)
        claims.extend(extract_claims(art, resolutions))
    places = {p.place_id: p for p in HAND_PLACES.values()}
    return build_events(claims, articles=articles, places=places)


def test_seeds_end_to_end() -> None:
    events = seed_events(("2025-06-12", "2025-06-12"))
    by = {(e.place.name, e.event_type): e for e in events}
    capture = by[("Oleksandriia", "territorial_capture")]
    assert capture.actor == "Russian forces"
    assert (capture.n_articles, capture.n_origins) == (2, 1)
    assert capture.confidence == pytest.approx(0.9)
    assert by[("Myropillia", "assault")].actor == "Russian forces"
    assert ("Myropillia", "territorial_capture") not in by
    for village in ("Yunakivka", "Kindrativka"):
        clash = by[(village, "armed_clash")]
        assert (clash.n_claims, clash.n_articles, clash.n_origins) == (2, 2, 1)
    development = by[("Sumy direction", "strategic_development")]
    assert (development.precision, development.place.kind) == (3, "sector")
    assert development.n_articles == 2
    assert "Sumy front" in development.surfaces
    assert "there" not in development.surfaces
    assert all(e.place.kind != "country" for e in events)
    assert all(e.event_type != "mention" for e in events)
    ids = [e.event_id for e in events]
    assert len(set(ids)) == len(ids)
    assert ids == [e.event_id for e in seed_events(("2025-06-12", "2025-06-12"))]


def test_seeds_on_different_days_stay_apart() -> None:
    events = seed_events(("2025-06-12", "2025-06-20"))
    captures = [e for e in events if e.event_type == "territorial_capture"]
    assert [e.place.name for e in captures] == ["Oleksandriia", "Oleksandriia"]
    assert [e.first_reported for e in captures] == ["2025-06-12", "2025-06-20"]


def test_docs_list_every_event_field() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "EVENT_TYPES.md").read_text(encoding="utf-8")
    for name in Event.__dataclass_fields__:
        assert f"| `{name}` |" in docs, name


def test_corroboration_counts_sides_and_monitors() -> None:
    articles = {aid: article(aid) for aid in "abcd"}
    claims = [
        claim("a", source="Russian Ministry of Defence", source_side="RU", detail="kab"),
        claim("b", source="General Staff of Ukraine", source_side="UA", status="confirmed"),
        claim("c", source="ISW", source_side="monitor", status="confirmed", killed=3),
        claim("d", source="TASS", source_side="RU", status="denied", detail="kab", injured=4),
    ]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert (event.sides, event.n_sides) == (("RU", "UA"), 2)
    assert (event.monitors, event.n_monitors) == (("ISW",), 1)
    assert (event.detail, event.killed, event.injured, event.denials) == ("kab", 3, 4, 1)
    assert event.status == "confirmed"
    assert event.situation is False


def test_one_side_alone_is_one_side() -> None:
    articles = {aid: article(aid) for aid in "ab"}
    claims = [claim(aid, source="TASS", source_side="RU", situation=True) for aid in "ab"]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert (event.n_articles, event.n_sides, event.n_monitors) == (2, 1, 0)
    assert event.situation is True


def dated(aid: str, day: str, end: str = "", precision: int = 1, **kw: object) -> Claim:
    return replace(claim(aid, **kw), date=day, date_end=end, date_precision=precision)


def test_claims_within_the_window_merge_and_the_event_takes_their_span() -> None:
    articles = {k: article(k, "2025-06-12") for k in "abc"}
    claims = [dated("a", "2025-06-08"), dated("b", "2025-06-10"), dated("c", "2025-06-20")]
    events = build_events(claims, articles=articles, places=PLACES)
    assert [(e.date, e.date_end, e.time_precision, e.n_claims) for e in events] == [
        ("2025-06-08", "2025-06-10", 2, 2),
        ("2025-06-20", "", 1, 1),
    ]
    strikes = [
        dated(k, d, event_type="shelling")
        for k, d in zip("ab", ["2025-06-08", "2025-06-10"], strict=True)
    ]
    assert len(build_events(strikes, articles=articles, places=PLACES)) == 2


def test_a_night_is_one_day_precision_and_a_vague_claim_never_stretches_an_event() -> None:
    articles = {k: article(k, "2025-07-28") for k in "ab"}
    claims = [
        dated("a", "2025-06-08", "2025-06-09"),
        dated("b", "2025-06-01", "2025-07-28", 3),  # "held since early June"
    ]
    [event] = build_events(claims, articles=articles, places=PLACES)
    assert (event.date, event.date_end, event.time_precision, event.n_claims) == (
        "2025-06-08",
        "2025-06-09",
        1,
        2,
    )


def test_captured_liberated_captured_again_stay_a_sequence() -> None:
    articles = {k: article(k, "2025-09-01") for k in "abcdef"}
    claims = [
        dated("a", "2025-06-08"),
        dated("b", "2025-06-10"),
        dated("c", "2025-07-27", event_type="recapture", actor="Ukrainian forces"),
        dated("d", "2025-07-28"),  # a capture claim the day after the recapture: a new event
        dated("e", "2025-07-30", event_type="assault"),
        dated("f", "2025-06-01", "2025-07-28", 3),  # vague: joins the June capture
    ]
    events = build_events(claims, articles=articles, places=PLACES)
    got = [(e.event_type, e.date, e.n_claims) for e in events]
    assert got == [
        ("territorial_capture", "2025-06-08", 3),
        ("recapture", "2025-07-27", 1),
        ("territorial_capture", "2025-07-28", 1),
        ("assault", "2025-07-30", 1),
    ]
    assert len({e.event_id for e in events}) == 4


def test_a_recapture_between_two_capture_claims_keeps_them_apart() -> None:
    articles = {k: article(k, "2025-07-30") for k in "abc"}
    claims = [
        dated("a", "2025-07-25"),
        dated("b", "2025-07-26", event_type="recapture", actor="Ukrainian forces"),
        dated("c", "2025-07-27"),  # within 3 days of the first, but the place changed hands
    ]
    events = build_events(claims, articles=articles, places=PLACES)
    assert [(e.event_type, e.date) for e in events] == [
        ("territorial_capture", "2025-07-25"),
        ("recapture", "2025-07-26"),
        ("territorial_capture", "2025-07-27"),
    ]
