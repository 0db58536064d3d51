"""claimmap.views.mapview: pure map building, escaping and offline assets (no browser here)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimmap.claims.claims import EVENT_TYPES
from claimmap.errors import ClaimMapError, MapError
from claimmap.records import Article, Claim, Event, Place
from claimmap.views import basemap
from claimmap.views.mapscript import OPEN_PREFIX
from claimmap.views.mapview import (
    FULL_POPUPS_UP_TO,
    POPUP_CLAIMS,
    POPUP_FIELDS,
    ROW_FIELDS,
    SNIPPET_CHARS,
    VENDORED_CSS,
    VENDORED_JS,
    asset_url,
    build_map,
    event_id_from_click,
    event_styles,
    event_tooltip,
    highlight_html,
    marker_size,
    snippet,
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


R = {name: i for i, name in enumerate(ROW_FIELDS)}
P = {name: i for i, name in enumerate(POPUP_FIELDS)}


def _data(fmap) -> dict:
    """The events layer's JSON as the page gets it: rows, string tables, styles."""
    [layer] = [c for c in fmap._children.values() if type(c).__name__ == "_EventLayer"]
    return json.loads(layer.tables_json)


def _popup(data: dict, row: list) -> dict:
    """A row's popup decoded into names, with its claims as (snippet, source row, date)."""
    popup = dict(zip(POPUP_FIELDS, row[R["popup"]], strict=True))
    popup["claims"] = [(data["snippets"][c[0]], data["sources"][c[1]], c[2])
                       for c in popup["claims"]]  # fmt: skip
    return popup


def test_popup_data_holds_the_facts_and_the_first_claims():
    event = _event(sentence=f"They said {EVIL}")
    event = Event(**{**{f: getattr(event, f) for f in Event.__slots__},
                     "first_reported": "2025-06-10", "last_reported": "2025-06-12"})  # fmt: skip
    data = _data(build_map([event], articles={"a1": ARTICLE}))
    [row] = data["points"]
    popup = _popup(data, row)
    assert (popup["name"], popup["name_uk"]) == ("Oleksandriia", "Олександрія")
    assert data["actors"][popup["actor"]] == "Russian forces"
    assert data["styles"][row[R["style"]]]["label"] == "territorial capture"
    assert (popup["first_reported"], popup["last_reported"]) == ("2025-06-10", "2025-06-12")
    assert (popup["n_claims"], popup["n_articles"], popup["n_origins"]) == (1, 1, 1)
    [(text, source, _date)] = popup["claims"]
    assert text == f"They said {EVIL}"  # raw in JSON; the page escapes it (esc) before HTML
    assert source == [f"Title {EVIL}", "Outlet", ""]
    assert popup["more"] == 0


def test_popups_list_the_first_few_claims_and_count_the_rest():
    event = _event(precision=3, kind="sector", name="Sumy direction")
    many = Event(**{**{f: getattr(event, f) for f in Event.__slots__},
                    "claims": event.claims * 7, "n_claims": 7})  # fmt: skip
    data = _data(build_map([many], articles={"a1": ARTICLE}))
    popup = _popup(data, data["areas"][0])
    assert len(popup["claims"]) == POPUP_CLAIMS[0]
    assert popup["more"] == 7 - POPUP_CLAIMS[0]
    assert len(data["snippets"]) == 1  # the same sentence is stored once
    bare = _data(build_map([many], articles={}, popups=False))
    assert bare["areas"][0][R["popup"]][P["claims"]] == []


def test_snippets_keep_the_place_in_view():
    long = "Word " * 60 + "the strike on Alexandria was confirmed " + "and more " * 40
    claim = _event().claims[0]
    start = long.index("Alexandria")
    claim = Claim(**{**{f: getattr(claim, f) for f in Claim.__slots__}, "sentence": long,
                     "sentence_start": 100, "mention_start": 100 + start})  # fmt: skip
    cut = snippet(claim, 100)
    assert "Alexandria" in cut
    assert len(cut) <= 102
    assert cut.startswith("…")
    assert cut.endswith("…")
    assert snippet(claim, 10_000) == " ".join(long.split())


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


@given(event_id=st.from_regex(r"[0-9a-f]{12}", fullmatch=True))
def test_the_popup_button_value_gives_the_event_id(event_id):
    assert event_id_from_click(OPEN_PREFIX + event_id) == event_id


@pytest.mark.parametrize(
    "text", [None, "", "Oleksandriia — capture", "cm-open:", "cm-open:a b", "x cm-open:abc"]
)
def test_other_click_values_give_none(text):
    assert event_id_from_click(text) is None


def test_tooltips_name_the_place_and_event_only():
    assert event_tooltip(_event()) == "Oleksandriia — territorial capture"
    area = _event(precision=3, kind="sector", name="Sumy direction", event_type="advance")
    assert event_tooltip(area) == "Sumy direction (area) — advance"


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


def test_map_has_one_marker_per_event_and_areas_as_polygons_or_circles():
    sumskyi = "UA59080000000057897"  # a raion in the boundaries: drawn as its polygon
    events = [
        _event(1),
        _event(2, name="Myropillia", event_type="assault", lat=51.02, lon=35.25),
        _event(3, name="Sumy direction", kind="sector", precision=3, lat=51.0, lon=34.8),
        _event(4, name="Sumskyi", kind="raion", precision=3, lat=50.95, lon=34.7),
    ]
    raion = Place(sumskyi, "raion", "Sumskyi", lat=50.95, lon=34.7)
    events[3] = Event(**{**{f: getattr(events[3], f) for f in Event.__slots__}, "place": raion})
    data = _data(build_map(events, articles={"a1": ARTICLE}))
    points, areas = data["points"], data["areas"]
    assert [r[R["event_id"]] for r in points] == [events[0].event_id, events[1].event_id]
    assert [r[R["event_id"]] for r in areas] == [events[2].event_id, events[3].event_id]
    assert [r[R["boundary_id"]] for r in areas] == ["", sumskyi]  # the sector stays a circle
    assert areas[0][R["radius_m"]] == 30_000
    html = build_map(events, articles={}).get_root().render()
    assert "L.polygon(shape.latlngs, opts)" in html
    assert "L.circle([d[0], d[1]]" in html


def test_map_escapes_everything_from_articles():
    event = _event(name="Evil <b>town</b>", sentence=f"</script><script>alert(9)</script> {EVIL}")
    fmap = build_map([event], articles={"a1": ARTICLE})
    html = fmap.get_root().render()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>town" not in html
    assert "</script><script>" not in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(9)" in html  # JSON-escaped
    assert "esc(p[0])" in html  # and escaped in the page before it becomes HTML
    assert "esc(t.snippets[c[0]])" in html


def test_template_syntax_in_articles_is_text_not_jinja():
    """branca compiled every macro's output as a new Jinja template: a place named
    ``{{ 6*7 }} town`` was drawn as "42 town", and this sentence made the whole map fail."""
    event = _event(name="{{ 6*7 }} town", sentence="They said {% raw %} {{ 7*7 }} there")
    fmap = build_map([event], articles={"a1": replace(ARTICLE, title="Title {{ 7*7 }}")})
    html = fmap.get_root().render()
    assert "{{ 6*7 }} town" in html
    assert "Title {{ 7*7 }}" in html
    assert "{% raw %} {{ 7*7 }} there" in html
    assert "42 town" not in html


def test_map_references_no_cdn_and_credits_openstreetmap():
    events = [_event(i, lat=51 + i / 100, lon=34 + i / 100) for i in range(60)]
    settlements = [Place("s1", "settlement", "Sumy", name_uk="Суми", lat=50.9, lon=34.8)]
    bare = build_map(events, articles={}, settlements=settlements).get_root().render()
    assert re.findall(r"https?://([^/\"'\\]+)", bare) == ["www.openstreetmap.org"]  # the credit
    assert "contributors (ODbL)" in bare
    tiled = build_map(events, articles={}, tiles="OpenStreetMap").get_root().render()
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


def test_markers_cluster_where_they_overlap_at_any_zoom_below_13():
    fmap = build_map([_event(i) for i in range(3)], articles={})
    html = fmap.get_root().render()
    assert "L.markerClusterGroup({chunkedLoading: true" in html
    assert "maxClusterRadius: 28, disableClusteringAtZoom: 13" in html
    assert "leaflet.markercluster.js" in html


def test_large_maps_get_fewer_shorter_snippets():
    long = "Russian troops have seized control of the strategic town of Alexandria " * 5
    events = [_event(i, sentence=long) for i in range(FULL_POPUPS_UP_TO + 1)]
    events = [Event(**{**{f: getattr(e, f) for f in Event.__slots__},
                       "claims": e.claims * 4, "n_claims": 4}) for e in events]  # fmt: skip
    data = _data(build_map(events, articles={"a1": ARTICLE}))
    assert len(data["points"]) == FULL_POPUPS_UP_TO + 1
    popup = _popup(data, data["points"][0])
    assert len(popup["claims"]) == POPUP_CLAIMS[1]
    assert popup["more"] == 4 - POPUP_CLAIMS[1]
    assert max(len(x) for x in data["snippets"]) <= SNIPPET_CHARS[1] + 2
    small = _data(build_map(events[:2], articles={"a1": ARTICLE}))
    assert len(_popup(small, small["points"][0])["claims"]) == POPUP_CLAIMS[0]


def test_events_without_coordinates_are_counted_not_drawn():
    fmap = build_map([_event(1), _event(2, lat=None, lon=None)], articles={})
    assert len(_data(fmap)["points"]) == 1
    assert "1 event(s) without coordinates" in fmap.get_root().render()


def test_selected_event_gets_a_ring_and_unknown_selection_is_an_error():
    events = [_event(1), _event(2, lat=51.5, lon=35.0)]
    html = build_map(events, articles={}, selected=events[1].event_id).get_root().render()
    assert "L.circleMarker([51.5,35.0], {radius: 18.0" in html
    with pytest.raises(ClaimMapError, match="selected event 'nope' is not among the 2 events"):
        build_map(events, articles={}, selected="nope")


def test_town_names_come_by_rank_and_are_toggleable():
    places = [Place("s1", "settlement", "A<b>", name_uk="Б", lat=50.9, lon=34.8,
                    settlement_type="city"),
              Place("s2", "settlement", "Village", lat=51.0, lon=34.0, settlement_type="village"),
              Place("s3", "settlement", "No point")]  # fmt: skip
    assert basemap.town_rows(places) == [[50.9, 34.8, "A<b>", "Б", 0],
                                         [51.0, 34.0, "Village", "", 2]]  # fmt: skip
    html = build_map([], articles={}, settlements=places).get_root().render()
    assert "A\\u003cb\\u003e" in html  # JSON-escaped; esc() before it becomes HTML
    assert "No point" not in html
    for layer in ("Hromada outlines", "Raion outlines", "Settlements", "Town names", "Events"):
        assert f'overlays["{layer}"]' in html  # an entry in the layer control


def test_the_boundaries_decode_to_their_geojson_within_a_metre_or_ten():
    layers = basemap.compact_boundaries()
    assert {len(layers[k]) for k in ("raion", "hromada", "oblast", "border")} == {5, 51, 1}
    assert len(layers["neighbours"]) == 6
    raw = basemap.load_boundaries()["hromada"]["features"][0]["geometry"]["coordinates"][0]
    flat = layers["hromada"][0]["g"][0][0]
    x = y = 0
    decoded = []
    for i in range(0, len(flat), 2):
        x, y = x + flat[i], y + flat[i + 1]
        decoded.append((x / 1e4, y / 1e4))
    assert decoded[0] == pytest.approx(tuple(raw[0]), abs=6e-5)
    assert decoded[-1] == pytest.approx(tuple(raw[-1]), abs=6e-5)
    gazetteer_hromadas = {"UA59020010000024157", "UA59080000000057897"}
    assert gazetteer_hromadas <= basemap.boundary_ids()
    provenance = Path(basemap.__file__).parent / "boundaries" / "PROVENANCE.txt"
    assert "ODbL" in provenance.read_text(encoding="utf-8")


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
    rows = _data(build_map(events, articles={}))["areas"]
    assert [r[R["radius_m"]] for r in rows] == [30_000, 24_000, 18_000]
    assert [r[R["area_label"]] for r in rows] == ["Sumy direction (area)", "", ""]


def test_the_view_is_the_oblast_and_far_events_do_not_set_it():
    kursk = _event(2, name="Kursk", kind="oblast", precision=3, lat=51.73, lon=36.19)
    html = build_map([_event(1, lat=51.0, lon=34.0), kursk], articles={}).get_root().render()
    (south, west), (north, east) = basemap.oblast_bounds()
    view = [[round(south - 0.08, 5), round(west - 0.08, 5)],
            [round(north + 0.08, 5), round(east + 0.08, 5)]]  # fmt: skip
    [found] = re.findall(r"view = (\[\[[^;]*\]\]);", html)
    assert [x for corner in json.loads(found) for x in corner] == pytest.approx(
        [x for corner in view for x in corner]
    )
    assert "1 event(s) outside this view" in html  # Kursk: reachable with "show all"
    assert "new ResizeObserver(" in html  # refits when a hidden tab becomes visible
    assert "\\u003cdetails open\\u003e\\u003csummary\\u003eLegend" in html  # collapsible


def test_source_links_are_escaped_and_http_only():
    import dataclasses

    linked = dataclasses.replace(ARTICLE, url='https://t.me/c/77/5?a=1&b="x"')
    out = source_link_html(linked)
    assert 'href="https://t.me/c/77/5?a=1&amp;b=&quot;x&quot;"' in out
    assert 'target="_blank" rel="noopener noreferrer"' in out
    assert source_link_html(dataclasses.replace(ARTICLE, url="javascript:alert(1)")) == ""
