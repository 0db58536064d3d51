"""claimmap.views.mapview: pure map building, escaping and offline assets (no browser here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimmap.claims.claims import EVENT_TYPES
from claimmap.errors import ClaimMapError, MapError
from claimmap.records import Article, Claim, Event, Place
from claimmap.views.mapview import (
    CLUSTER_ABOVE,
    FULL_POPUPS_UP_TO,
    VENDORED_CSS,
    VENDORED_JS,
    asset_url,
    build_map,
    event_id_from_tooltip,
    event_styles,
    event_tooltip,
    highlight_html,
    marker_size,
    popup_html,
    source_link_html,
)

STATIC = Path(__file__).resolve().parent.parent / "static"
EVIL = "<img src=x onerror=alert(1)> and <script>alert(2)</script> `${alert(3)}` \\u0041"
TEXT = (
    "Russian Advances in Sumy\n\n"
    "Recent reports indicate that Russian troops have seized control of the strategic town of "
    "Alexandria and launched a brutal assault on Miropol.\n\n"
    f"A quoted post said {EVIL} there.\n\n"
    "Active combat continues in Yunakivka and Kondratovka."
)
ARTICLE = Article("a1", f"Title {EVIL}", TEXT, source="Outlet")


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _event(i: int = 1, *, name: str = "Oleksandriia", event_type: str = "territorial_capture",
           precision: int = 1, kind: str = "settlement", lat: float | None = 51.27,
           lon: float | None = 34.35, origins: int = 1, status: str = "claimed",
           sentence: str | None = None) -> Event:  # fmt: skip
    place = Place(f"UA{i}", kind, name, name_uk="Олександрія", lat=lat, lon=lon)
    start, end = _span("Russian troops have seized control of the strategic town of Alexandria")
    claim = Claim("a1", start, end, sentence or TEXT[start:end], event_type, "Russian forces",
                  status, "", place.place_id, "location", end - 10, end, "Alexandria", precision,
                  0.8)  # fmt: skip
    return Event(f"{i:012x}", event_type, "Russian forces", status, place, precision, (claim,),
                 max(origins, 1), max(origins, 1), origins)  # fmt: skip


def _layers(fmap) -> dict[str, dict]:
    """The event layers of a map by name, with their data rows decoded."""
    out = {}
    for child in fmap._children.values():
        if type(child).__name__ == "_EventLayer":
            out[child.layer_name] = {"rows": json.loads(child.data_json), "js": child.group_js}
    return out


def test_popup_escapes_article_text_and_shows_the_facts():
    event = _event(sentence=f"They said {EVIL}")
    out = popup_html(event, articles={"a1": ARTICLE})
    assert "<img" not in out
    assert "<script" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in out
    assert "Oleksandriia" in out
    assert "Олександрія" in out
    assert "territorial capture" in out
    assert "Russian forces" in out
    assert "claimed" in out
    assert "1 claims · 1 articles · 1 origins" in out
    assert "Title &lt;img" in out  # the article title, escaped


def test_popup_marks_areas_and_limits_claims():
    event = _event(precision=3, kind="sector", name="Sumy direction")
    assert "area; not a precise location" in popup_html(event, articles={})
    many = Event(**{**{f: getattr(event, f) for f in Event.__slots__},
                    "claims": event.claims * 7, "n_claims": 7})  # fmt: skip
    out = popup_html(many, articles={"a1": ARTICLE}, max_claims=5)
    assert out.count("<li>") == 5
    assert "and 2 more" in out
    assert "<li>" not in popup_html(many, articles={}, max_claims=0)


def test_highlight_marks_the_span_inside_its_paragraph_only():
    out = highlight_html(ARTICLE, [_span("Russian troops have seized control")])
    assert out.startswith("<p>Recent reports indicate that ")
    assert "<mark>Russian troops have seized control</mark> of the strategic town" in out
    assert "Yunakivka" not in out
    assert "Russian Advances" not in out
    assert out.count("<p>") == 1


def test_highlight_escapes_merges_and_marks_gaps():
    spans = [_span("<img src=x onerror=alert(1)>"), _span("Yunakivka"), _span("Yunakivka and")]
    out = highlight_html(ARTICLE, spans)
    assert "<img" not in out
    assert "<script" not in out
    assert "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>" in out
    assert "<mark>Yunakivka and</mark>" in out  # overlapping spans merged
    assert '<p class="cm-gap">' not in out  # paragraphs 3 and 4 are adjacent
    out = highlight_html(ARTICLE, [_span("Alexandria"), _span("Kondratovka")])
    assert '<p class="cm-gap">…</p>' in out  # paragraph 3 left out between them


@pytest.mark.parametrize("span", [(-1, 3), (5, 5), (10, 4), (0, len(TEXT) + 1)])
def test_highlight_rejects_spans_outside_the_text(span):
    with pytest.raises(MapError, match=r"article a1: span .* outside its text"):
        highlight_html(ARTICLE, [span])


@given(
    name=st.text(min_size=1, max_size=40), event_id=st.from_regex(r"[0-9a-f]{12}", fullmatch=True)
)
def test_tooltip_round_trips_the_event_id(name, event_id):
    event = _event(name=f"{name} [event:deadbeef0000]")
    event = Event(**{**{f: getattr(event, f) for f in Event.__slots__}, "event_id": event_id})
    assert event_id_from_tooltip(event_tooltip(event)) == event_id


@pytest.mark.parametrize("text", [None, "", "Sumy / Суми", "Sumy [event:]", "x [event:a b]"])
def test_tooltip_without_an_id_gives_none(text):
    assert event_id_from_tooltip(text) is None


def test_every_event_type_has_its_own_style():
    styles = event_styles()
    drawn = [name for name in EVENT_TYPES if name != "mention"]
    assert list(styles) == drawn
    assert len({s.colour for s in styles.values()}) == len(drawn)
    css = (STATIC / VENDORED_CSS["fontawesome_css"][2]).read_text()
    for style in styles.values():
        assert f".fa-{style.icon}:" in css, style


def test_marker_size_grows_with_corroboration_and_is_bounded():
    sizes = [marker_size(_event(origins=n)) for n in (1, 2, 4, 100)]
    assert sizes == sorted(sizes)
    assert sizes[0] == 22
    assert sizes[-1] <= 46


def test_map_has_one_marker_per_event_and_an_area_for_precision_3():
    events = [
        _event(1),
        _event(2, name="Myropillia", event_type="assault", lat=51.02, lon=35.25),
        _event(3, name="Sumy direction", kind="sector", precision=3, lat=51.0, lon=34.8),
    ]
    fmap = build_map(events, articles={"a1": ARTICLE})
    layers = _layers(fmap)
    points, areas = layers["Events"]["rows"], layers["Areas (precision 3)"]["rows"]
    assert [r[7] for r in points] == [events[0].event_id, events[1].event_id]
    assert [r[7] for r in areas] == [events[2].event_id]
    assert areas[0][8] == 3
    assert areas[0][9] == 30_000
    html = fmap.get_root().render()
    assert "L.circle([d[0], d[1]], {radius: d[9]" in html
    for event in events:
        tip = next(r[5] for r in points + areas if r[7] == event.event_id)
        assert event_id_from_tooltip(tip) == event.event_id


def test_map_escapes_everything_from_articles():
    event = _event(name="Evil <b>town</b>", sentence=f"</script><script>alert(9)</script> {EVIL}")
    fmap = build_map([event], articles={"a1": ARTICLE})
    html = fmap.get_root().render()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>town" not in html
    assert "</script><script>" not in html
    [row] = _layers(fmap)["Events"]["rows"]  # the data is JSON; its HTML strings are escaped
    assert "&lt;/script&gt;&lt;script&gt;alert(9)" in row[6]
    assert "Evil &lt;b&gt;town" in row[5]


def test_map_references_no_cdn_except_the_tile_layer():
    events = [_event(i, lat=51 + i / 100, lon=34 + i / 100) for i in range(CLUSTER_ABOVE + 1)]
    settlements = [Place("s1", "settlement", "Sumy", name_uk="Суми", lat=50.9, lon=34.8)]
    bare = build_map(events, articles={}, settlements=settlements, tiles=None)
    assert re.findall(r"https?://", bare.get_root().render()) == []
    tiled = build_map(events, articles={}, settlements=settlements).get_root().render()
    hosts = {re.sub(r"^www\.", "", h) for h in re.findall(r"https?://([^/\"'\\]+)", tiled)}
    assert hosts == {"tile.openstreetmap.org", "openstreetmap.org"}  # tiles and attribution
    for src in re.findall(r'<script src="([^"]+)"', tiled) + re.findall(r'href="([^"]+)"', tiled):
        assert src.startswith("/app/static/vendor/"), src


def test_every_vendored_file_and_what_its_css_points_to_exists():
    for _package, _dist, local in [*VENDORED_JS.values(), *VENDORED_CSS.values()]:
        path = STATIC / local
        assert path.is_file(), path
        assert path.stat().st_size > 500, path
        if path.suffix == ".css":
            for ref in re.findall(r"url\(([^)#]+)\)", path.read_text()):
                assert (path.parent / ref.strip("'\"")).is_file(), (path, ref)
    for licence in ("leaflet-1.9.4/LICENSE", "leaflet.markercluster-1.5.3/MIT-LICENCE.txt",
                    "fontawesome-free-6.2.0/LICENSE.txt"):  # fmt: skip
        assert (STATIC / "vendor" / licence).is_file()


def test_asset_base_none_pins_the_same_versions_on_the_cdn():
    assert asset_url("leaflet", asset_base=None) == (
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
    )
    assert asset_url("leaflet_css", asset_base="/x/") == "/x/vendor/leaflet-1.9.4/leaflet.css"
    with pytest.raises(MapError, match="no vendored web asset named 'jquery'"):
        asset_url("jquery", asset_base="/app/static")


def test_clusters_only_when_crowded():
    few = _layers(build_map([_event(i) for i in range(3)], articles={}))
    assert few["Events"]["js"] == "L.featureGroup()"
    many = build_map([_event(i) for i in range(CLUSTER_ABOVE + 1)], articles={})
    assert _layers(many)["Events"]["js"].startswith("L.markerClusterGroup(")
    assert "leaflet.markercluster.js" in many.get_root().render()


def test_large_maps_get_short_popups():
    events = [_event(i) for i in range(FULL_POPUPS_UP_TO + 1)]
    rows = _layers(build_map(events, articles={"a1": ARTICLE}))["Events"]["rows"]
    assert len(rows) == FULL_POPUPS_UP_TO + 1
    assert all("<li>" not in r[6] for r in rows)
    rows = _layers(build_map(events[:2], articles={"a1": ARTICLE}))["Events"]["rows"]
    assert all("<li>" in r[6] for r in rows)


def test_events_without_coordinates_are_counted_not_drawn():
    fmap = build_map([_event(1), _event(2, lat=None, lon=None)], articles={})
    assert len(_layers(fmap)["Events"]["rows"]) == 1
    assert "1 event(s) without coordinates" in fmap.get_root().render()


def test_selected_event_gets_a_ring_and_unknown_selection_is_an_error():
    events = [_event(1), _event(2, lat=51.5, lon=35.0)]
    html = build_map(events, articles={}, selected=events[1].event_id).get_root().render()
    assert "L.circleMarker([51.5,35.0], {radius: 18.0" in html
    with pytest.raises(ClaimMapError, match="selected event 'nope' is not among the 2 events"):
        build_map(events, articles={}, selected="nope")


def test_settlement_layer_is_toggleable_and_escaped():
    places = [Place("s1", "settlement", "A<b>", name_uk="Б", lat=50.9, lon=34.8),
              Place("s2", "settlement", "No point")]  # fmt: skip
    html = build_map([], articles={}, settlements=places).get_root().render()
    assert "A\\u0026lt;b\\u0026gt; / Б" in html
    assert "No point" not in html
    assert '"Settlements"' in html  # an entry in the layer control


def test_areas_at_one_place_nest_and_are_labelled_once():
    kinds = ("advance", "withdrawal", "strategic_development")
    events = [
        _event(
            i, name="Sumy direction", kind="sector", precision=3, event_type=t, lat=50.9, lon=34.8
        )
        for i, t in enumerate(kinds)
    ]
    events = [Event(**{**{f: getattr(e, f) for f in Event.__slots__},
                       "place": events[0].place}) for e in events]  # fmt: skip
    rows = _layers(build_map(events, articles={}))["Areas (precision 3)"]["rows"]
    assert [r[9] for r in rows] == [30_000, 24_000, 18_000]
    assert [r[10] for r in rows] == ["Sumy direction (area)", "", ""]


def test_the_view_fits_the_events_even_when_first_drawn_hidden():
    html = build_map([_event(1, lat=51.0, lon=34.0), _event(2, lat=52.0, lon=35.0)],
                     articles={}).get_root().render()  # fmt: skip
    assert "bounds = [[50.85,33.85],[52.15,35.15]]" in html
    assert "new ResizeObserver(" in html  # refits when a hidden tab becomes visible


def test_popup_links_each_claim_to_its_source():
    import dataclasses

    linked = dataclasses.replace(ARTICLE, url='https://t.me/c/77/5?a=1&b="x"')
    out = popup_html(_event(), articles={"a1": linked})
    assert 'href="https://t.me/c/77/5?a=1&amp;b=&quot;x&quot;"' in out
    assert 'target="_blank" rel="noopener noreferrer"' in out
    assert "cm-source" not in popup_html(_event(), articles={"a1": ARTICLE})
    assert source_link_html(dataclasses.replace(ARTICLE, url="javascript:alert(1)")) == ""
