"""dashboard.py under streamlit's AppTest: real pipeline, real SQLite in tmp_path, no network."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS
from nominatim_server import HOSTILE_NAMES, NominatimStandIn, serve
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from claimmap.pipeline import Pipeline
from claimmap.places.geocode import NominatimTier
from claimmap.places.resolve import Resolver
from claimmap.store.base import open_store
from claimmap.views.export import EVENT_COLUMNS, MENTION_COLUMNS

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SENTENCE = "Russian troops have seized control of the strategic town of Alexandria"
EVIL = "<img src=x onerror=alert(1)>"
POINTS = {"Oleksandriia", "Myropillia", "Yunakivka", "Kindrativka"}


def _app(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv("CLAIMMAP_DB", str(db))
    monkeypatch.setenv("CLAIMMAP_OFFLINE", "1")
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dash") / "seeded.db"


def _plain(markdown: str) -> str:
    """A message as the reader sees it: without the backslashes that keep Markdown literal."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _messages(elements) -> list[str]:
    return [_plain(e.value) for e in elements]


def _table(at: AppTest):
    [table] = [d for d in at.dataframe if d.key == "cm_table"]
    return table.value


def _select(at: AppTest, location: str, event_type: str) -> str:
    table = _table(at)
    row = table[(table.location == location) & (table.event_type == event_type)]
    event_id = row.event_id.iloc[0]
    at.selectbox(key="cm_pick").select(event_id).run()
    assert not at.exception
    return event_id


def test_starts_on_the_seed_articles(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)
    assert seeded_db.is_file()
    assert at.caption[0].value.startswith("2 articles · ")
    assert set(_table(at).location) >= POINTS
    assert at.title[0].value == "claimmap · Sumy oblast"


def test_the_map_loads_only_vendored_assets(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    links = args["js_links"] + args["css_links"]
    assert "/app/static/vendor/leaflet-1.9.4/leaflet.js" in links
    assert all(link.startswith("/app/static/vendor/") for link in links), links
    assert "://" not in args["header"]
    script = args["script"]
    for name in POINTS:
        assert f'"{name}"' in script  # each settlement event's popup data
    assert "[event:" not in script  # tooltips carry no internal id
    assert "OpenStreetMap" in script  # the base map's credit (ODbL)
    assert "contributors (ODbL)" in script
    assert "UA59080000000057897" in script  # Sumskyi raion's outline (KATOTTG id)
    assert "tile.openstreetmap.org" not in script  # no tiles unless asked for


def test_filters_narrow_the_table_and_the_caption(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)
    total = len(_table(at))
    at.multiselect(key="cm_f_event_types").select("territorial_capture").run()
    assert list(_table(at).location) == ["Oleksandriia"]
    assert at.caption[0].value.endswith("· 1 match the filters")
    at.multiselect(key="cm_f_event_types").unselect("territorial_capture").run()
    at.text_input(key="cm_f_text").input("myropillia").run()
    assert set(_table(at).location) == {"Myropillia"}
    at.text_input(key="cm_f_text").input("Юнаківка").run()
    assert set(_table(at).location) == {"Yunakivka"}
    at.text_input(key="cm_f_text").input("").run()
    at.slider(key="cm_f_conf").set_value(0.9).run()
    table = _table(at)
    assert 0 < len(table) < total
    assert (table.confidence >= 0.9).all()
    at.slider(key="cm_f_conf").set_value(0.0).run()
    at.multiselect(key="cm_f_actors").select("Ukrainian forces").run()
    table = _table(at)
    assert 0 < len(table) < total
    assert set(table.actor) == {"Ukrainian forces"}


def test_selecting_an_event_shows_its_sentences_and_why(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)
    [before] = at.get("component_instance")
    _select(at, "Oleksandriia", "territorial_capture")
    [after] = at.get("component_instance")
    assert after.proto.id == before.proto.id  # the map is not rebuilt, only the ring is added
    ring = json.loads(after.proto.json_args)["feature_group"]
    assert "L.circleMarker([51.05" in ring
    assert "interactive: false" in ring
    html = "\n".join(h.value for h in at.html)
    assert f"<mark>Recent reports indicate that {SENTENCE}" in html
    assert "Russian Advances in Sumy Intensify Conflict" in html  # the article title
    assert "Reason:</b> &#x27;Alexandria&#x27; -&gt; Oleksandriia" in html
    labels = [e.label for e in at.expander]
    assert any(label.startswith("“Alexandria” → Oleksandriia") for label in labels)


@dataclass
class Downloads:
    files: dict[str, bytes] = field(default_factory=dict)  #: by URL
    managers: list[MediaFileManager] = field(default_factory=list)  #: one per run


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """Keep what st.download_button stored, by URL, so a test can read the exported files.
    The dashboard makes its files when a button is pressed (a callable as ``data``): the
    test presses it as the browser does, through the last run's media file manager."""
    kept = Downloads()
    files, managers = kept.files, kept.managers

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            url = self.get_url(file_id)
            files[url] = self.get_file(url.rsplit("/", 1)[1]).content
            return file_id

    class Keeping(MediaFileManager):
        def __init__(self, storage: MemoryMediaFileStorage) -> None:
            super().__init__(storage)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    monkeypatch.setattr(app_test_module, "MediaFileManager", Keeping)
    return kept


def _download(at: AppTest, downloads: Downloads, key: str) -> str:
    [button] = [b for b in at.download_button if b.key == key]
    url = button.proto.url or downloads.managers[-1].execute_deferred(button.proto.deferred_file_id)
    return downloads.files[url].decode("utf-8")


def test_exports_hold_the_filtered_events_and_all_mentions(monkeypatch, seeded_db, downloads):
    at = _app(monkeypatch, seeded_db)
    rows = list(csv.DictReader(io.StringIO(_download(at, downloads, "cm_dl_events_csv"))))
    assert tuple(rows[0]) == EVENT_COLUMNS
    assert {r["event_id"] for r in rows} == set(_table(at).event_id)
    alexandria = next(r for r in rows if r["location"] == "Oleksandriia")
    assert SENTENCE in alexandria["source_sentences"]
    geo = json.loads(_download(at, downloads, "cm_dl_events_geojson"))
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == len(rows)
    for feature in geo["features"]:
        area = feature["properties"]["geo_precision"] == 3
        assert (feature["geometry"] is None) == area
    mentions = list(csv.DictReader(io.StringIO(_download(at, downloads, "cm_dl_mentions_csv"))))
    assert tuple(mentions[0]) == MENTION_COLUMNS
    assert {"Alexandria", "Miropol", "Yunakivka", "Kondratovka"} <= {m["surface"] for m in mentions}
    at.multiselect(key="cm_f_event_types").select("assault").run()
    rows = list(csv.DictReader(io.StringIO(_download(at, downloads, "cm_dl_events_csv"))))
    assert [r["location"] for r in rows] == ["Myropillia"]


def test_correcting_the_place_starts_at_it_and_the_panel_follows_the_move(monkeypatch, tmp_path):
    db = tmp_path / "override.db"
    at = _app(monkeypatch, db)
    event_id = _select(at, "Oleksandriia", "territorial_capture")
    picker = at.selectbox(key=f"cm_fix_p_{event_id}_0")
    assert picker.options[0].startswith("Oleksandriia / Олександрія (settlement")
    assert picker.options[0].endswith("· current")
    assert picker.value == picker.options[0] or picker.index == 0
    runners = [o for o in picker.options if o.endswith("· runner-up")]
    assert runners == picker.options[1 : 1 + len(runners)]  # the runners-up come next
    assert at.button(key=f"cm_fix_go_{event_id}_0").disabled  # nothing to move yet
    at.text_input(key=f"cm_fix_q_{event_id}_0").input("Yunakivka").run()
    picker = at.selectbox(key=f"cm_fix_p_{event_id}_0")
    assert picker.options[0].endswith("· current")  # still first after a search
    hit = next(i for i, o in enumerate(picker.options) if o.startswith("Yunakivka / Юнаківка"))
    picker.select_index(hit).run()
    at.button(key=f"cm_fix_go_{event_id}_0").click().run()
    assert not at.exception
    assert _messages(at.success)[0].startswith("Moved 3 mentions to Yunakivka")  # the top flash
    table = _table(at)
    assert "Oleksandriia" not in set(table.location)
    assert "territorial_capture" in set(table[table.location == "Yunakivka"].event_type)
    followed = at.session_state["cm_selected"]
    row = table[table.event_id == followed]
    assert list(row.location) == ["Yunakivka"]
    assert list(row.event_type) == ["territorial_capture"]
    assert any("<h3" in h.value and "Yunakivka" in h.value for h in at.html)  # the panel
    overrides = Pipeline.open(db=db, offline=True).store.overrides()
    assert {p.name for p in overrides.values()} == {"Yunakivka"}
    assert len(overrides) == 4  # every "Alexandria" of both articles, headline copies too


def test_dismissing_an_event_hides_it_everywhere_and_the_curation_tab_restores_it(
    monkeypatch, tmp_path, downloads
):
    monkeypatch.setenv("CLAIMMAP_USER", "dash-analyst")
    at = _app(monkeypatch, tmp_path / "curate.db")
    event_id = _select(at, "Myropillia", "assault")
    at.selectbox(key=f"cm_edis_r_{event_id}").select("not an event").run()
    at.button(key=f"cm_edis_{event_id}").click().run()
    assert not at.exception
    assert "Myropillia" not in set(_table(at).location)
    rows = list(csv.DictReader(io.StringIO(_download(at, downloads, "cm_dl_events_csv"))))
    assert "Myropillia" not in {r["location"] for r in rows}
    assert _messages(at.success)[0].startswith("Dismissed Myropillia — assault")
    [audit] = [d for d in at.dataframe if "action" in d.value.columns]
    assert list(audit.value.action) == ["dismiss"]
    assert list(audit.value.who) == ["dash-analyst"]
    [restore] = [b for b in at.button if b.key and b.key.startswith("cm_restore_")]
    restore.click().run()
    assert not at.exception
    assert "Myropillia" in set(_table(at).location)
    [audit] = [d for d in at.dataframe if "action" in d.value.columns]
    assert list(audit.value.action) == ["restore", "dismiss"]


def test_correcting_a_claims_actor_in_the_panel(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "actor.db")
    event_id = _select(at, "Kindrativka", "armed_clash")
    [key] = [s.key for s in at.selectbox if s.key and s.key.startswith(f"cm_ca_{event_id}_")][:1]
    at.selectbox(key=key).select("Ukrainian forces").run()
    at.button(key=key.replace("cm_ca_", "cm_cfix_")).click().run()
    assert not at.exception
    assert _messages(at.success)[0].startswith("Corrected claim ")
    [standing] = Pipeline.open(db=tmp_path / "actor.db", offline=True).store.curations()
    assert json.loads(standing.value) == {"actor": "Ukrainian forces"}
    assert at.session_state["cm_selected"] == event_id  # same place, type and date: same event
    at.selectbox(key=key.replace("cm_ca_", "cm_ct_")).select("shelling").run()
    at.button(key=key.replace("cm_ca_", "cm_cfix_")).click().run()
    assert not at.exception
    table = _table(at)
    followed = table[table.event_id == at.session_state["cm_selected"]]
    assert list(followed.location) == ["Kindrativka"]  # the panel follows the claim
    assert list(followed.event_type) == ["shelling"]


def test_reset_filters_and_go_to_a_place(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)
    total = len(_table(at))
    at.multiselect(key="cm_f_event_types").select("assault").run()
    at.text_input(key="cm_f_text").input("Myro").run()
    assert len(_table(at)) == 1
    at.button(key="cm_f_reset").click().run()
    assert len(_table(at)) == total
    assert at.text_input(key="cm_f_text").value == ""
    at.text_input(key="cm_goto_q").input("Суми").run()
    picked = at.selectbox(key="cm_goto_p")
    assert picked.options[0].startswith("Sumy / Суми (settlement")
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert args["zoom"] == 11
    assert [round(x, 1) for x in args["center"]] == [50.9, 34.8]
    event_id = _select(at, "Myropillia", "assault")  # choosing an event goes there instead
    assert at.text_input(key="cm_goto_q").value == ""
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    events = Pipeline.open(db=seeded_db, offline=True).store.events()
    place = next(e.place for e in events if e.event_id == event_id)
    assert args["center"] == [place.lat, place.lon]


def test_adding_articles_reports_each_bad_file_and_keeps_the_rest(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "add.db")
    good = b"Shelling of Shostka\n\nRussian artillery shelled Shostka on Monday, officials said."
    at.file_uploader(key="cm_upload").set_value(
        [
            ("shostka.txt", good, "text/plain"),
            ("empty.txt", b"", "text/plain"),
            ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
            ("![t](http://evil.example/p.png).txt", b"", "text/plain"),
        ]
    ).run()
    at.button(key="cm_upload_go").click().run()
    assert not at.exception
    assert "Added 1: shostka.txt" in _messages(at.success)
    errors = {e.split(":")[0]: e for e in _messages(at.error)}
    assert set(errors) == {"empty.txt", "photo.png", "![t](http"}
    assert "PNG" in errors["photo.png"]
    raw = next(e.value for e in at.error if "evil" in e.value)
    assert raw.startswith("\\!\\[t\\]\\(http\\://evil")  # Markdown kept literal: no image
    assert at.caption[0].value.startswith("3 articles · ")
    assert "Shostka" in set(_table(at).location)


def test_pasted_html_is_shown_as_text(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "paste.db")
    text = (
        f"Drone strike on Vorozhba\n\nA drone hit Vorozhba, a post said {EVIL} <script>x</script>."
    )
    at.text_area(key="cm_paste_text").input(text)
    at.text_input(key="cm_paste_title").input(f"Title {EVIL}")
    [submit] = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:cm_paste_form")]
    submit.click().run()
    assert not at.exception
    assert f"Added 1: Title {EVIL}" in _messages(at.success)
    shown = [h.value for h in at.html if "Vorozhba" in h.value and "<h4>" in h.value]
    assert shown, "the pasted article is displayed"
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown[0]
    assert "<img" not in shown[0]
    assert "<script>" not in shown[0]
    assert "<mark>Vorozhba</mark>" in shown[0]


def test_a_broken_database_is_reported_not_crashed(monkeypatch, tmp_path):
    db = tmp_path / "not-a-db.db"
    db.write_bytes(b"this is not sqlite at all" * 10)
    monkeypatch.setenv("CLAIMMAP_DB", str(db))
    monkeypatch.setenv("CLAIMMAP_OFFLINE", "1")
    at = AppTest.from_file(DASHBOARD, default_timeout=180).run()
    assert not at.exception
    [message] = _messages(at.error)
    assert message.startswith("claimmap cannot start: ")
    assert str(db) in message
    assert db.read_bytes() == b"this is not sqlite at all" * 10  # nothing lost


# --- hostile strings from the geocoder and the article (issue 14) ---------------------------

HOSTILE_TEXT = (
    "Shelling of Zzyzxivka ![t](http://evil.example/t.png) http://evil.example/title\n"
    "Source: [outlet](http://evil.example/o) www.evil.example\n\n"
    "Russian troops shelled the village of Zzyzxivka near Sumy on Monday, officials said.\n"
)
#: What must never stand unescaped in text streamlit renders as Markdown.
MARKUP = ("](", "![", "<img", "://", "www.evil", "**", "`code`", "a@evil", "\n")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "hostile.db"
    with serve(NominatimStandIn(mode=["hostile"] * 5)) as state:
        store = open_store(db)
        tier = NominatimTier(domain=state.domain, scheme="http", min_delay_seconds=0.0, cache=store)
        pipeline = Pipeline(store=store, resolver=Resolver.offline(fallback=tier))
        pipeline.ingest_paths(SEEDS)
        summary = pipeline.ingest_text(HOSTILE_TEXT)
        assert summary.ingested
        store.close()
    return db


def _markdown_texts(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error")
             for e in at.get(kind)]  # fmt: skip
    return texts + [e.label for e in at.expander]


def _check_page(at: AppTest) -> None:
    for text in _markdown_texts(at):
        if not re.search("evil|img|bold|code", text):
            continue  # the page's own Markdown ("**How the place was resolved**")
        live = re.sub(r"\\.", "\0", text)  # what Markdown still reads as markup
        for mark in MARKUP:
            assert mark not in live, (mark, text)
    for block in at.html:
        assert "<img" not in block.value
        assert "<a " not in block.value
    [component] = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert "<img" not in script
    assert "\\u003cimg" not in script  # a tag JSON-escaped is still a tag in the tooltip


def test_hostile_geocoder_and_article_text_is_never_markup(monkeypatch, hostile_db):
    at = _app(monkeypatch, hostile_db)
    _check_page(at)
    table = _table(at)
    hostile = table[table.location.str.contains("evil", regex=False)]
    assert len(hostile), "the geocoder's place is on the map"
    at.selectbox(key="cm_pick").select(hostile.event_id.iloc[0]).run()  # the Map tab's panel
    assert not at.exception
    at.slider(key="cm_review_threshold").set_value(1.0).run()  # every mention in Review
    assert not at.exception
    _check_page(at)
    texts = [_plain(t) for t in _markdown_texts(at)]
    candidates = [t for t in texts if t.startswith("Candidates: ")]
    assert any(HOSTILE_NAMES[1] in t for t in candidates), candidates  # shown, as text
    labels = [_plain(e.label) for e in at.expander]
    assert any(HOSTILE_NAMES[0] in label for label in labels)
    assert any("http://evil.example/title" in h.value for h in at.html)  # the title, escaped


def _dashboard_module():
    spec = importlib.util.spec_from_file_location("claimmap_dashboard", DASHBOARD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # defines the functions; main() runs only as a script
    return module


def test_a_reload_during_a_paste_waits_for_it_and_shows_it(tmp_path):
    """Streamlit starts the Reload's run at once, beside the run still ingesting the paste
    (here: held 1.5 s by a slow geocoder). That run must read after the paste is stored."""
    dash = _dashboard_module()
    text = "Late report\n\nRussian troops shelled the village of Zzyzxivka near Sumy."
    with serve(NominatimStandIn(mode=["hang"], hang_seconds=1.5)) as state:
        store = open_store(tmp_path / "reload.db")
        tier = NominatimTier(domain=state.domain, scheme="http", min_delay_seconds=0.0, cache=store)
        s = dash.Shared(Pipeline(store=store, resolver=Resolver.offline(fallback=tier)), "x")
        done: dict = {}
        paste = threading.Thread(
            target=lambda: done.update(summary=dash.ingest_pasted(s, text, title="", source=""))
        )
        paste.start()
        waited = 0.0
        while not state.requests and paste.is_alive() and waited < 30:  # the paste is being
            time.sleep(0.01)  # analysed: its geocoder call hangs
            waited += 0.01
        assert state.requests, "the paste never reached the geocoder"
        key = s.settled()  # what every run does before it reads (the Reload's run too)
        titles = [a.title for a in s.pipeline.store.articles()]
        paste.join()
    assert done["summary"].ingested == ("pasted text",)
    assert "Late report" in titles  # the Reload's run sees the paste
    assert key == s.key == ("x", 1)  # and reads with the version the paste bumped


# -- time (issue 12) ---------------------------------------------------------------------------


def _paste(at: AppTest, text: str, published: str, title: str) -> None:
    at.text_area(key="cm_paste_text").input(text)
    at.text_input(key="cm_paste_title").input(title)
    at.date_input(key="cm_paste_published").set_value(date.fromisoformat(published))
    [submit] = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:cm_paste_form")]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Added 1: {title}" in _messages(at.success)


def _counts(at: AppTest) -> tuple[int, int]:
    m = re.search(r"· (\d+) events · (\d+) match the filters", at.caption[0].value)
    assert m, at.caption[0].value
    return int(m[1]), int(m[2])


def test_the_date_filter_is_there_disabled_until_something_is_dated(monkeypatch, seeded_db):
    at = _app(monkeypatch, seeded_db)  # the seed articles carry no date
    [off] = [d for d in at.date_input if d.key == "cm_f_dates_off"]
    assert off.disabled
    assert any("No event is dated yet" in c.value for c in at.sidebar.caption)


def test_a_new_article_past_the_date_range_is_never_hidden(monkeypatch, tmp_path):
    """The issue's stale filter: range 06-10..06-15 on screen, an article of 06-20 pasted."""
    at = _app(monkeypatch, tmp_path / "stale.db")
    _paste(at, "Russian forces attacked Yunakivka.", "2025-06-10", "June 10")
    _paste(at, "Russian forces shelled Myropillia.", "2025-06-15", "June 15")
    assert at.date_input(key="cm_f_dates").value == (date(2025, 6, 10), date(2025, 6, 15))
    total, matching = _counts(at)
    assert total == matching
    _paste(at, "Russian forces captured Kindrativka.", "2025-06-20", "June 20")
    assert at.date_input(key="cm_f_dates").value == (date(2025, 6, 10), date(2025, 6, 20))
    total, matching = _counts(at)
    assert total == matching
    table = _table(at)
    row = table[(table.location == "Kindrativka") & (table.event_type == "territorial_capture")]
    assert list(row.event_date) == ["2025-06-20"]


def test_a_narrowed_range_says_what_it_hides(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "narrow.db")
    _paste(at, "Russian forces attacked Yunakivka.", "2025-06-10", "June 10")
    _paste(at, "Russian forces shelled Myropillia.", "2025-06-15", "June 15")
    at.date_input(key="cm_f_dates").set_value((date(2025, 6, 10), date(2025, 6, 12))).run()
    assert set(_table(at).event_date) == {"2025-06-10", ""}  # and the undated seeds
    _paste(at, "Russian forces captured Kindrativka.", "2025-06-20", "June 20")
    assert at.date_input(key="cm_f_dates").value == (date(2025, 6, 10), date(2025, 6, 12))
    [warning] = [w.value for w in at.sidebar.warning]
    assert warning.startswith("2 dated event(s) outside these dates are hidden")
    at.button(key="cm_f_dates_all").click().run()
    assert at.date_input(key="cm_f_dates").value == (date(2025, 6, 10), date(2025, 6, 20))
    assert {"2025-06-15", "2025-06-20"} <= set(_table(at).event_date)


def test_history_and_what_changed(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "history.db")
    _paste(at, "Russian forces captured Kindrativka on Sunday.", "2025-06-09", "MoD June")
    _paste(at, "Ukrainian forces liberated Kindrativka on July 27.", "2025-07-28", "GS July")
    table = _table(at)
    kin = table[(table.location == "Kindrativka") & (table.event_date != "")]
    assert list(zip(kin.event_type, kin.event_date, strict=True)) == [
        ("territorial_capture", "2025-06-08"),
        ("recapture", "2025-07-27"),
    ]
    at.date_input(key="cm_f_dates").set_value((date(2025, 6, 8), date(2025, 6, 30))).run()
    table = _table(at)
    assert list(table[table.event_date != ""].event_type) == ["territorial_capture"]
    at.date_input(key="cm_f_dates").set_value((date(2025, 7, 1), date(2025, 7, 27))).run()
    table = _table(at)
    assert list(table[table.event_date != ""].event_type) == ["recapture"]
    at.button(key="cm_f_dates_all").click().run()
    _select(at, "Kindrativka", "recapture")
    [history] = [d.value for d in at.dataframe if "when" in d.value.columns]
    dated = history[history.when != "undated"]  # the seeds' undated clashes come last
    assert list(dated.when) == ["2025-06-08", "2025-07-27"]
    assert list(dated.words) == ["on Sunday", "on July 27"]
    assert list(dated.source) == ["MoD June", "GS July"]
    assert set(history.when[len(dated) :]) <= {"undated"}
    text = " ".join(m.value for m in at.markdown)
    assert "Places that changed hands** (1)" in text
    assert "Kindrativka: territorial capture by Russian forces (2025-06-08) → recapture" in text


def test_a_control_layer_places_each_capture_claim(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "control.db")
    _paste(at, "Russian forces captured Kindrativka on Sunday.", "2025-06-09", "MoD June")
    kindrativka = next(
        p for p in Pipeline.open(db=tmp_path / "control.db", offline=True).store.events()
        if p.place.name == "Kindrativka" and p.date
    ).place  # fmt: skip
    lat, lon = kindrativka.lat, kindrativka.lon
    ring = [[lon - 0.05, lat - 0.05], [lon + 0.05, lat - 0.05], [lon + 0.05, lat + 0.05],
            [lon - 0.05, lat + 0.05], [lon - 0.05, lat - 0.05]]  # fmt: skip
    layer = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"date": "2025-06-05"},
             "geometry": {"type": "Polygon", "coordinates": [ring]}},
        ],
    }  # fmt: skip
    upload = at.file_uploader(key="cm_control_file")
    upload.set_value(("areas.geojson", json.dumps(layer).encode(), "application/geo+json"))
    at.run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "where" in d.value.columns]
    assert list(zip(table["place"], table["where"], table["layer of"], strict=True)) == [
        ("Kindrativka", "inside", "2025-06-05")
    ]
    at.file_uploader(key="cm_control_file").set_value(("bad.geojson", b"{}", "application/json"))
    at.run()
    assert "bad.geojson: not a GeoJSON FeatureCollection" in _messages(at.error)


def test_uploading_a_telegram_export_and_a_feed_links_every_article(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "tg.db")
    export = {"name": "DSNS Sumy", "type": "public_channel", "id": 77, "messages": [
        {"id": 5, "type": "message", "date": "2025-06-03T08:15:00", "date_unixtime": "1748927700",
         "text": "Russian artillery shelled Shostka on Monday, officials said."},
        {"id": 6, "type": "service", "date": "2025-06-03T08:16:00", "action": "pin_message"},
    ]}  # fmt: skip
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title><item>'
        b"<title>Drone strike on Vorozhba</title><link>https://herald.example/v</link>"
        b"<description>A drone hit Vorozhba, officials said.</description></item></channel></rss>"
    )
    at.file_uploader(key="cm_upload").set_value(
        [
            ("result.json", json.dumps(export).encode(), "application/json"),
            ("herald.xml", feed, "application/rss+xml"),
        ]
    ).run()
    at.button(key="cm_upload_go").click().run()
    assert not at.exception
    assert "Added 2: https://t.me/c/77/5, https://herald.example/v" in _messages(at.success)
    infos = " ".join(_messages(at.info))
    assert "1 service" in infos
    assert "names no username" in infos
    at.selectbox(key="cm_article").select_index(0).run()
    links = [h.value for h in at.html if "cm-source" in h.value]
    assert any('href="https://t.me/c/77/5"' in v or 'href="https://herald.example/v"' in v
               for v in links)  # fmt: skip


def test_add_by_url_offline_fails_at_once(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "url.db")
    at.text_area(key="cm_urls").input("http://127.0.0.1:9/page")
    [submit] = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:cm_url_form")]
    submit.click().run()
    assert not at.exception
    assert any("Offline" in m and "nothing is fetched" in m for m in _messages(at.error))
