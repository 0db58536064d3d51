"""Control layers: dated polygons the test makes, and where capture claims lay in them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from claimmap.claims.events import build_events
from claimmap.errors import ControlLayerError
from claimmap.records import Article, Claim, Place
from claimmap.views.control import check_claims, load_control_layer, where_on

#: A square of about 14 x 22 km north of Sumy, held from June 10; shrunk on July 28.
JUNE = [[35.0, 51.0], [35.2, 51.0], [35.2, 51.2], [35.0, 51.2], [35.0, 51.0]]
JULY = [[35.0, 51.0], [35.05, 51.0], [35.05, 51.05], [35.0, 51.05], [35.0, 51.0]]


def feature(day: str, ring: list, **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": {"date": day, **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def layer_text(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


LAYER = load_control_layer(
    layer_text(feature("2025-07-28", JULY), feature("2025-06-10", JUNE, name="RU-held"))
)


def test_the_layer_is_read_oldest_first() -> None:
    assert [(a.date, a.names) for a in LAYER] == [("2025-06-10", ("RU-held",)), ("2025-07-28", ())]


def test_inside_near_outside_and_no_layer_on_the_day() -> None:
    assert where_on(LAYER, lat=51.1, lon=35.1, day="2025-06-12").verdict == "inside"
    near = where_on(LAYER, lat=51.1, lon=35.23, day="2025-06-12")  # ~2.1 km east of the edge
    assert near.verdict == "near"
    assert 1.9 < near.distance_km < 2.3
    assert where_on(LAYER, lat=51.1, lon=35.5, day="2025-06-12").verdict == "outside"
    assert where_on(LAYER, lat=51.1, lon=35.1, day="2025-06-01").verdict == "no layer"
    later = where_on(LAYER, lat=51.1, lon=35.1, day="2025-07-30")  # the July layer is smaller
    assert (later.verdict, later.layer_date) == ("outside", "2025-07-28")


def test_capture_claims_are_checked_on_their_own_dates() -> None:
    place = Place("UA-kin", "settlement", "Kindrativka", lat=51.1, lon=35.1)
    base = Claim(
        "a", 0, 10, "s", "territorial_capture", "Russian forces", "claimed", "", "UA-kin",
        "location", 0, 1, "K", 1, 0.8, date="2025-06-12", date_precision=1,
    )  # fmt: skip
    claims = [
        base,
        replace(base, event_type="recapture", date="2025-07-30", actor="Ukrainian forces"),
        replace(base, event_type="assault"),
        replace(base, sentence_start=20, date="", date_precision=0),
    ]
    articles = {"a": Article("a", "t", "x" * 50, published="2025-08-01")}
    events = build_events(claims, articles=articles, places={"UA-kin": place})
    checks = check_claims(events, LAYER)
    assert [(c.claim.event_type, c.placement.verdict) for c in checks] == [
        ("territorial_capture", "inside"),
        ("recapture", "outside"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
        (layer_text(feature("", JUNE)), "feature 0 has no 'date' property"),
        (layer_text(feature("June", JUNE)), "feature 0 has no 'date' property"),
        (
            layer_text(
                {
                    "type": "Feature",
                    "properties": {"date": "2025-06-01"},
                    "geometry": {"type": "Point", "coordinates": [35, 51]},
                }
            ),
            "not a Polygon",
        ),
        (layer_text(feature("2025-06-01", [[35, 51], [35.1, 51]])), "broken geometry"),
    ],
)
def test_a_bad_file_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ControlLayerError, match=message) as caught:
        load_control_layer(text, name="areas.geojson")
    assert str(caught.value).startswith("areas.geojson: ")
    assert "\n" not in str(caught.value)
