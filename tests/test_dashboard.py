"""dashboard.py under streamlit's AppTest: real pipeline, real SQLite in tmp_path, no network."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from claimmap.pipeline import Pipeline
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
    for name in POINTS:
        assert f"{name} — " in args["script"]  # each settlement event has a tooltip


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


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Keep what st.download_button stored, by URL, so a test can read the exported files."""
    files: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            url = self.get_url(file_id)
            files[url] = self.get_file(url.rsplit("/", 1)[1]).content
            return file_id

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return files


def _download(at: AppTest, files: dict[str, bytes], key: str) -> str:
    [button] = [b for b in at.download_button if b.key == key]
    return files[button.proto.url].decode("utf-8")


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


def test_correcting_the_place_moves_the_event(monkeypatch, tmp_path):
    db = tmp_path / "override.db"
    at = _app(monkeypatch, db)
    event_id = _select(at, "Oleksandriia", "territorial_capture")
    at.text_input(key=f"cm_fix_q_{event_id}_0").input("Yunakivka").run()
    picker = at.selectbox(key=f"cm_fix_p_{event_id}_0")
    assert picker.options[0].startswith("Yunakivka / Юнаківка (settlement")
    picker.select_index(0).run()
    at.button(key=f"cm_fix_go_{event_id}_0").click().run()
    assert not at.exception
    assert _messages(at.success)[0].startswith("Moved 3 mentions to Yunakivka")  # the top flash
    table = _table(at)
    assert "Oleksandriia" not in set(table.location)
    assert "territorial_capture" in set(table[table.location == "Yunakivka"].event_type)
    overrides = Pipeline.open(db=db, offline=True).store.overrides()
    assert {p.name for p in overrides.values()} == {"Yunakivka"}
    assert len(overrides) == 4  # every "Alexandria" of both articles, headline copies too


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
