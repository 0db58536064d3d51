"""Tests for claimmap.views.export: column contracts, formula safety, quoting, pandas, GeoJSON."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from claimmap.records import Article, Candidate, Claim, Event, Mention, Place, Resolution
from claimmap.views.export import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    event_rows,
    events_csv,
    events_geojson,
    mention_rows,
    mentions_csv,
    mentions_jsonl,
    safe_cell,
)

DOCS = Path(__file__).parents[1] / "docs" / "COLUMNS.md"

MYROPILLIA = Place(
    "UA59080170010038467", "settlement", "Myropillia", "Миропілля", lat=51.0233119, lon=35.2636,
    admin1="Sumy", admin2="Sumskyi", admin3="Myropilska",
)  # fmt: skip
SOUTH = Place("geonames:1", "settlement", "=cmd|' /C calc'!A0", lat=-1.5, lon=-70.25)
SECTOR = Place("sector:sumy", "sector", "Sumy direction", lat=50.9, lon=34.8)
NOWHERE = Place("osm:node/1", "settlement", 'Nowhere, "quoted"\nline two')
SENTENCE = 'Russian forces attacked Miropol, "the source" said.\nNext line'


def claim(sentence: str = SENTENCE) -> Claim:
    return Claim(
        "a1", 0, len(sentence), sentence, "assault", "Russian forces", "claimed", "a source",
        MYROPILLIA.place_id, "location", 24, 31, "Miropol", 1, 0.8,
    )  # fmt: skip


def event(event_id: str, place: Place, precision: int = 1, **changes: object) -> Event:
    base = Event(
        event_id, "assault", "Russian forces", "claimed", place, precision,
        (claim(), claim(), claim("+380 people left.")), 3, 2, 1, "2025-06-03", "2025-06-05",
        0.87654, ("Miropol", "Myropillia"), ("Attack, on Miropol (Herald)", "@Second | title"),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


EVENTS = [
    event("e1", MYROPILLIA),
    event("e2", SOUTH),
    event("e3", SECTOR, precision=3),
    event("e4", NOWHERE, precision=2),
]


def test_event_columns_are_the_contract() -> None:
    assert EVENT_COLUMNS == (
        "event_id", "event_type", "actor", "status", "location", "location_uk", "admin1", "admin2",
        "admin3", "latitude", "longitude", "geo_precision", "place_id", "confidence", "n_claims",
        "n_articles", "n_origins", "first_reported", "last_reported", "sources",
        "source_sentences", "surfaces", "source_url", "event_date", "time_precision", "start_date",
        "end_date", "claim_dates",
    )  # fmt: skip
    assert MENTION_COLUMNS[:14] == (
        "article", "start", "end", "surface", "kind", "place_id", "name", "name_uk", "lat", "lon",
        "precision", "confidence", "tier", "reason",
    )  # fmt: skip
    header = next(csv.reader(io.StringIO(events_csv([]))))
    assert tuple(header) == EVENT_COLUMNS
    assert all(tuple(row) == EVENT_COLUMNS for row in event_rows(EVENTS))


@pytest.mark.parametrize("column", EVENT_COLUMNS + MENTION_COLUMNS)
def test_every_column_is_documented(column: str) -> None:
    assert re.search(rf"^\| `{column}` \| \S", DOCS.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1+1", "'  =1+1"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("2e5", "2e5"),
        (-1.5, "-1.5"),
        (12, "12"),
        (None, ""),
        ("Miropol, Sumy", "Miropol, Sumy"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_events_csv_quotes_neutralises_and_uses_crlf() -> None:
    text = events_csv(EVENTS)
    assert text.endswith("\r\n")
    assert text.count("\r\n") > len(EVENTS)  # rows plus the line breaks inside quoted cells
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["event_id"] for r in rows] == ["e1", "e2", "e3", "e4"]
    assert rows[1]["location"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["latitude"] == "-1.5"  # a plain negative number stays a number
    assert rows[3]["location"] == NOWHERE.name  # comma, quotes and a newline survive quoting
    assert rows[0]["sources"] == "Attack, on Miropol (Herald) | @Second | title"
    assert rows[0]["source_sentences"] == f"{SENTENCE} | +380 people left."  # duplicates once
    assert rows[0]["surfaces"] == "Miropol | Myropillia"
    assert rows[0]["location_uk"] == "Миропілля"
    assert (rows[3]["latitude"], rows[3]["longitude"]) == ("", "")


def test_events_csv_reads_back_with_pandas() -> None:
    frame = pd.read_csv(io.StringIO(events_csv(EVENTS)), keep_default_na=False, na_values=[""])
    assert tuple(frame.columns) == EVENT_COLUMNS
    assert frame["latitude"].tolist()[:3] == [51.023312, -1.5, 50.9]
    assert pd.isna(frame["latitude"].iloc[3])
    assert frame["n_claims"].dtype.kind == "i"
    assert frame["geo_precision"].tolist() == [1, 1, 3, 2]
    assert frame["confidence"].tolist() == [0.877] * 4
    assert frame["location"].iloc[3] == NOWHERE.name
    assert frame["source_sentences"].iloc[0].startswith(SENTENCE)


def test_events_geojson_is_rfc7946() -> None:
    collection = events_geojson(EVENTS)
    json.dumps(collection, allow_nan=False)  # serialisable as strict JSON
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["type"] for f in features] == ["Feature"] * 4
    assert [f["id"] for f in features] == ["e1", "e2", "e3", "e4"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [35.2636, 51.023312]}
    assert features[1]["geometry"]["coordinates"] == [-70.25, -1.5]  # [lon, lat]
    assert features[2]["geometry"] is None  # precision 3: a region, not a point
    assert features[3]["geometry"] is None  # no coordinates
    assert tuple(features[1]["properties"]) == EVENT_COLUMNS
    assert features[1]["properties"]["location"] == SOUTH.name  # JSON is not neutralised
    assert events_geojson([]) == {"type": "FeatureCollection", "features": []}


RESOLVED = Resolution(
    Mention("a1", 24, 31, "Miropol", "settlement", "miropol"),
    MYROPILLIA,
    0.93456,
    1,
    "sumy",
    "variant match, closest to the article's other places",
    runners_up=(Candidate(SECTOR, 0.41, "fuzzy"), Candidate(SOUTH, 0.2, "derived")),
)
UNRESOLVED = Resolution(
    Mention("a2", 0, 7, "=Kursk", "unknown", "kursk"), None, 0.0, 0, "unresolved", "no match"
)
ARTICLES = {"a1": Article("a1", "Attack on Miropol", SENTENCE)}


def test_mention_rows_and_csv() -> None:
    rows = mention_rows([RESOLVED, UNRESOLVED], articles=ARTICLES)
    assert all(tuple(r) == MENTION_COLUMNS for r in rows)
    assert rows[0]["article"] == "Attack on Miropol"
    assert rows[1]["article"] == "a2"  # not at hand: its id
    assert rows[0]["runners_up"] == (
        "Sumy direction [sector:sumy] 0.41 | =cmd|' /C calc'!A0 [geonames:1] 0.20"
    )
    assert (rows[1]["place_id"], rows[1]["lat"], rows[1]["precision"]) == ("", None, 0)
    parsed = list(
        csv.DictReader(io.StringIO(mentions_csv([RESOLVED, UNRESOLVED], articles=ARTICLES)))
    )
    assert tuple(parsed[0]) == MENTION_COLUMNS
    assert parsed[0]["mention_id"] == "a1:24:31"
    assert parsed[0]["confidence"] == "0.935"
    assert parsed[1]["surface"] == "'=Kursk"
    assert SENTENCE[int(parsed[0]["start"]) : int(parsed[0]["end"])] == parsed[0]["surface"]


def test_mentions_jsonl() -> None:
    text = mentions_jsonl([RESOLVED, UNRESOLVED], articles=ARTICLES)
    lines = text.splitlines()
    assert len(lines) == 2
    assert text.endswith("\n")
    first, second = (json.loads(line) for line in lines)
    assert tuple(first) == MENTION_COLUMNS
    assert first["runners_up"][0] == {
        "place_id": "sector:sumy",
        "name": "Sumy direction",
        "score": 0.41,
        "match": "fuzzy",
    }
    assert first["name_uk"] == "Миропілля"
    assert second["surface"] == "=Kursk"
    assert second["lat"] is None
    assert mentions_jsonl([], articles={}) == ""


def test_dates_are_exported_with_acled_names() -> None:
    night = dataclasses.replace(
        claim(), date="2025-06-04", date_end="2025-06-05", date_precision=1,
        date_text="у ніч на 5 червня",
    )  # fmt: skip
    plain = dataclasses.replace(claim("Another."), date="2025-06-05", date_precision=2)
    dated = event("d1", MYROPILLIA, claims=(night, plain), date="2025-06-04",
                  date_end="2025-06-05", time_precision=1)  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(events_csv([dated]))))
    assert (row["event_date"], row["time_precision"], row["start_date"], row["end_date"]) == (
        "2025-06-04", "1", "2025-06-04", "2025-06-05",
    )  # fmt: skip
    assert row["claim_dates"] == (
        '2025-06-04..2025-06-05 p1 "у ніч на 5 червня" | 2025-06-05 p2 (publication date)'
    )
    [feature] = events_geojson([dated])["features"]
    assert feature["properties"]["event_date"] == "2025-06-04"
    assert feature["properties"]["time_precision"] == 1
    [undated] = list(csv.DictReader(io.StringIO(events_csv([event("u1", MYROPILLIA)]))))
    assert (undated["event_date"], undated["time_precision"], undated["claim_dates"]) == (
        "",
        "",
        "",
    )


def test_source_url_joins_the_articles_links_and_is_formula_safe() -> None:
    linked = dataclasses.replace(
        EVENTS[0], source_urls=("https://t.me/dsns_sumy/12", "https://t.me/dsns_sumy/12", "=x")
    )
    [row] = event_rows([linked])
    assert row["source_url"] == "https://t.me/dsns_sumy/12 | =x"
    assert "'https://t.me/dsns_sumy/12 | =x" not in events_csv([linked])
    assert events_geojson([linked])["features"][0]["properties"]["source_url"] == row["source_url"]
    assert event_rows([EVENTS[1]])[0]["source_url"] == ""
