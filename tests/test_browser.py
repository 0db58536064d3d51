"""End to end in headless Chromium: `streamlit run dashboard.py` with every non-local request
blocked, so the map must render from the vendored assets alone."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from claimmap.pipeline import Pipeline
from claimmap.store.base import open_store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
     if p and os.access(p, os.X_OK)),
    None,
)  # fmt: skip
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SENTENCE = "Russian troops have seized control of the strategic town of Alexandria"
EVIL = "<img src=x onerror=alert(1)>"
LOCAL = ("127.0.0.1", "localhost")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard on a free port, with its own database and no geocoder."""
    db = tmp_path_factory.mktemp("browser") / "browser.db"
    port = _free_port()
    env = {**os.environ, "CLAIMMAP_DB": str(db), "CLAIMMAP_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    log = (tmp_path_factory.getbasetemp() / "streamlit.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log.name}") from None
                time.sleep(0.3)
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser_page(server):
    if CHROMIUM is None:
        if os.environ.get("CI"):  # .ci/run installs chromium: missing there is a failure
            pytest.fail("CI=true but no chromium executable found")
        pytest.skip("no chromium executable found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)  # fmt: skip
        page = context.new_page()
        seen = SimpleNamespace(page=page, blocked=[], dialogs=[], served=[])

        def route(route):
            if urlsplit(route.request.url).hostname in LOCAL:
                seen.served.append(route.request.url)
                route.continue_()
            else:
                seen.blocked.append(route.request.url)
                route.abort()

        def dialog(dialog):
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.route("**/*", route)
        page.on("dialog", dialog)
        page.goto(server[0])
        yield seen
        browser.close()


def _map(page):
    return page.frame_locator('iframe[title="streamlit_folium.st_folium"]')


def _marker(page, event_id: str):
    return _map(page).locator(f'.cm-marker[data-event-id="{event_id}"]')


def _seed_event(server, name: str):
    events = Pipeline.open(db=server[1], offline=True).store.events()
    return next(e for e in events if e.place.name == name)


def test_the_base_map_and_the_events_render_with_no_network(browser_page):
    page = browser_page.page
    frame = _map(page)
    frame.locator(".cm-marker").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)  # chunked clustering, labels
    markers, clusters = frame.locator(".cm-marker").count(), frame.locator(".marker-cluster")
    in_clusters = sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count()))
    assert markers + in_clusters == 4  # every point event, overlapping ones clustered
    assert frame.locator("path.cm-area").count() >= 1  # the sector, as an area
    outlines = frame.locator(".leaflet-cm-lines-pane path")
    assert outlines.count() >= 51 + 5 + 5  # hromadas, raions, the state border lines
    assert frame.locator(".cm-town", has_text="Sumy").count() >= 1  # city names at this zoom
    assert frame.get_by_text("OpenStreetMap").count() >= 1  # the ODbL credit
    served = " ".join(browser_page.served)
    for asset in ("leaflet-1.9.4/leaflet.js", "fontawesome-free-6.2.0/css/all.min.css",
                  "fontawesome-free-6.2.0/webfonts/fa-solid-900.woff2"):  # fmt: skip
        assert f"/app/static/vendor/{asset}" in served
    assert browser_page.blocked == []  # no tiles: nothing wanted the network


def test_a_marker_popup_lists_its_claims_and_opens_the_full_sources(browser_page, server):
    page = browser_page.page
    _map(page).locator(".cm-marker").first.wait_for(timeout=120_000)  # the seeds are in
    event = _seed_event(server, "Oleksandriia")
    marker = _marker(page, event.event_id)
    for _ in range(3):  # a cluster zooms in when clicked
        if marker.count():
            break
        _map(page).locator(".marker-cluster").first.click()
        page.wait_for_timeout(1200)
    marker.click()
    popup = _map(page).locator(f'.cm-popup[data-event-id="{event.event_id}"]')
    popup.wait_for(timeout=30_000)
    text = popup.inner_text()
    assert "Oleksandriia" in text
    assert "Олександрія" in text
    assert "territorial capture · Russian forces" in text
    assert f"{event.n_claims} claims · {event.n_articles} articles" in text
    assert SENTENCE[:40] in text  # a claim's snippet, with its source
    assert "Russian Advances in Sumy" in text
    assert "[event:" not in text
    popup.get_by_role("button", name="Full sources in the panel").click()
    highlight = page.locator("mark", has_text=SENTENCE).first
    highlight.wait_for(timeout=30_000)
    assert highlight.is_visible()
    # The README's picture: the page from its top, the map at the border near Oleksandriia
    # (hromada outlines, the state border, town names) with the popup open beside the panel.
    page.set_viewport_size({"width": 1800, "height": 1000})  # a wider map for the picture
    page.get_by_role("heading", name="claimmap · Sumy oblast").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    frame = page.locator('iframe[title="streamlit_folium.st_folium"]').element_handle()
    frame.content_frame().evaluate(
        "([lat, lon]) => { window.map.closePopup();"
        " window.map.setView([lat, lon], 9.75, {animate: false}); }",
        [event.place.lat + 0.2, event.place.lon - 0.2],
    )
    page.wait_for_timeout(1000)
    marker.click()  # opens the popup again, panned into view
    popup.wait_for(timeout=30_000)
    page.mouse.move(5, 990)  # no hover tooltip in the picture
    page.wait_for_timeout(1500)  # let the selection ring, the labels and the fonts settle
    shot = page.screenshot()
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("CLAIMMAP_UPDATE_SCREENSHOT"):  # the README's picture, on request
        (ROOT / "docs" / "screenshot.png").write_bytes(shot)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _events_csv(page) -> list[dict[str, str]]:
    page.get_by_role("tab", name="Export").click()
    page.wait_for_timeout(1500)  # a rerun after a change replaces the file behind the button
    for attempt in range(3):  # a rerun landing as the button is pressed swallows the click
        try:
            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name="Events (CSV)").click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.wait_for_timeout(2000)
    return list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))


def test_dismissing_an_event_takes_it_off_the_map_and_the_csv_and_restore_brings_it_back(
    browser_page, server
):
    page = browser_page.page
    event = _seed_event(server, "Oleksandriia")
    page.get_by_role("button", name="Dismiss this event").click()
    page.get_by_role("button", name="Dismiss the event").click()
    page.get_by_text("Dismissed Oleksandriia — territorial capture").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert _marker(page, event.event_id).count() == 0
    assert "Oleksandriia" not in {r["location"] for r in _events_csv(page)}
    page.get_by_role("tab", name="Curation").click()
    page.get_by_role("button", name="Restore").first.click()
    page.get_by_text("Restored event Oleksandriia — territorial capture").wait_for(timeout=60_000)
    assert "Oleksandriia" in {r["location"] for r in _events_csv(page)}
    page.get_by_role("tab", name="Map").click()
    page.wait_for_timeout(1500)
    frame = _map(page)
    clusters = frame.locator(".marker-cluster")
    in_clusters = sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count()))
    assert frame.locator(".cm-marker").count() + in_clusters == 4


def test_correcting_a_claims_actor(browser_page, server):
    page = browser_page.page
    page.get_by_role("tab", name="Map").click()
    picker = page.get_by_role("combobox", name="Event", exact=True)
    picker.click()
    page.get_by_role("option", name="Kindrativka — armed clash (claimed)").click()
    page.locator("h3", has_text="Kindrativka").wait_for(timeout=30_000)  # the panel's rerun
    page.wait_for_timeout(1500)
    box = page.get_by_test_id("stExpander").filter(has_text="Correct or dismiss these claims")
    box.first.get_by_text("Correct or dismiss these claims, or the article").click()
    actor = box.first.get_by_role("combobox", name="Actor").first  # not the sidebar's filter
    option = page.get_by_role("option", name="Ukrainian forces")
    for _ in range(3):  # a late rerun can close the list as it opens
        actor.click()
        try:
            option.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.wait_for_timeout(1000)
    box.first.get_by_role("button", name="Save correction").first.click()
    page.get_by_text("Corrected claim").wait_for(timeout=60_000)
    [standing] = Pipeline.open(db=server[1], offline=True).store.curations()
    assert standing.kind == "claim"
    assert json.loads(standing.value) == {"actor": "Ukrainian forces"}


def test_the_events_csv_downloads_and_parses(browser_page):
    rows = _events_csv(browser_page.page)
    assert {"Oleksandriia", "Myropillia", "Yunakivka", "Kindrativka"} <= {
        r["location"] for r in rows
    }
    alexandria = next(r for r in rows if r["location"] == "Oleksandriia")
    assert alexandria["event_type"] == "territorial_capture"
    assert SENTENCE in alexandria["source_sentences"]


def test_pasted_markup_is_shown_as_text_and_never_runs(browser_page):
    page = browser_page.page
    page.get_by_role("tab", name="Add articles").click()
    page.get_by_label("Title (optional; else the first line)").fill(f"Strike {EVIL}")
    page.get_by_label("Article text").fill(
        f"Drone strike on Vorozhba\n\nA drone hit Vorozhba overnight. {EVIL} <script>x()</script>"
    )
    page.get_by_role("button", name="Add pasted text").click()
    page.get_by_text(f"Added 1: Strike {EVIL}").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Add articles").click()
    literal = page.get_by_text(EVIL, exact=False).last
    literal.wait_for(timeout=30_000)
    assert literal.is_visible()
    page.wait_for_timeout(1000)
    assert browser_page.dialogs == []
    assert page.locator('img[src="x"]').count() == 0


def test_an_area_event_is_selectable_on_the_map(browser_page):
    page = browser_page.page
    page.get_by_role("tab", name="Map").click()
    _map(page).locator('.leaflet-container[data-cm-loaded="1"]').wait_for(timeout=60_000)
    areas = _map(page).locator("path.cm-area")
    assert areas.count() >= 1
    popup = _map(page).locator(".cm-popup", has_text="area; not a precise location")
    for attempt in range(3):  # a rerun that redraws the map as it is clicked closes the popup
        areas.last.click()
        try:
            popup.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.wait_for_timeout(2000)
    popup.get_by_role("button", name="Full sources in the panel").click()
    page.get_by_text("area, not a precise point").wait_for(timeout=30_000)


# -- time (issue 12) ---------------------------------------------------------------------------


def _paste_dated(page, title: str, text: str, published: str) -> None:
    page.get_by_role("tab", name="Add articles").click()
    page.get_by_label("Title (optional; else the first line)").fill(title)
    page.get_by_label("Article text").fill(text)
    label = "Published (optional; else the date the text gives)"
    for part, value in zip(("year", "month", "day"), published.split("-"), strict=True):
        page.get_by_role("spinbutton", name=f"{part}, {label}").click()
        page.keyboard.type(value)
    page.get_by_role("button", name="Add pasted text").click()
    page.get_by_text(f"Added 1: {title}").wait_for(timeout=60_000)


def _event_id(db: Path, place: str, event_type: str, day: str) -> str:
    """The id of the event, once the dashboard's process has merged it (a paste is stored
    first and its events are rebuilt right after: poll for a while)."""
    deadline = time.monotonic() + 60
    while True:
        with open_store(db) as store:
            events = store.events()
        found = [
            e.event_id
            for e in events
            if (e.place.name, e.event_type, e.date) == (place, event_type, day)
        ]
        if found or time.monotonic() > deadline:
            assert found, [(e.place.name, e.event_type, e.date) for e in events]
            return found[0]
        time.sleep(0.5)


def _wait_for_markers(page, ready, what: str) -> list[str]:
    """Poll the laid-out map's event ids until ``ready(ids)``: every event drawn, in a cluster
    or not (the map lists them in ``data-cm-events``); during a rerun the old map may stand
    beside the new one (width -1) for a moment, so each read is of one frame, at once."""
    live = page.frame_locator('iframe[title="streamlit_folium.st_folium"]:not([width="-1"])')
    deadline = time.monotonic() + 60
    ids: list[str] = []
    while time.monotonic() < deadline:
        try:
            ids = live.first.locator("body").evaluate(
                "b => ((b.querySelector('[data-cm-events]') || {dataset: {}}).dataset.cmEvents"
                " || '').split(' ').filter(Boolean)",
                timeout=5_000,
            )
        except PlaywrightError:  # the frame went away under us: read again
            ids = []
        if ready(ids):
            return ids
        page.wait_for_timeout(250)
    raise AssertionError(f"the map never showed {what}: {ids}")


def _shown_dates(page) -> tuple[str, ...]:
    """The sidebar date range as the reader sees it, as ISO days."""
    groups = page.get_by_role("group", name="Happened between")
    groups.first.wait_for(timeout=30_000)
    text = re.sub(r"\s", "", " ".join(g.inner_text() for g in groups.all()))
    return tuple(f"{y}-{m}-{d}" for y, m, d in re.findall(r"(\d{4})/(\d{2})/(\d{2})", text))


def _caption_counts(page) -> tuple[int, int]:
    caption = page.get_by_text(re.compile(r"\d+ events · \d+ match the filters")).first
    caption.wait_for(timeout=30_000)
    m = re.search(r"(\d+) events · (\d+) match", caption.inner_text())
    assert m
    return int(m[1]), int(m[2])


def test_a_new_article_past_the_shown_dates_appears_on_the_map(browser_page, server):
    """The issue's stale filter: 06-10..06-15 on screen, an article of 06-20 pasted."""
    page = browser_page.page
    _paste_dated(page, "June 10", "Russian forces attacked Yunakivka.", "2025-06-10")
    _paste_dated(page, "June 15", "Russian forces shelled Myropillia.", "2025-06-15")
    assert _shown_dates(page) == ("2025-06-10", "2025-06-15")
    _paste_dated(page, "June 20", "Russian forces captured Kindrativka.", "2025-06-20")
    page.get_by_role("tab", name="Map").click()
    event_id = _event_id(server[1], "Kindrativka", "territorial_capture", "2025-06-20")
    _wait_for_markers(page, lambda ids: event_id in ids, "the 06-20 capture")
    assert _shown_dates(page) == ("2025-06-10", "2025-06-20")
    total, matching = _caption_counts(page)
    assert total == matching


def test_dragging_the_timeline_filters_the_map(browser_page, server):
    page = browser_page.page
    page.get_by_role("tab", name="Map").click()
    early = _event_id(server[1], "Yunakivka", "assault", "2025-06-10")
    late = _event_id(server[1], "Kindrativka", "territorial_capture", "2025-06-20")
    before = len(_wait_for_markers(page, lambda ids: late in ids, "the 06-20 capture"))
    chart = page.locator('[data-testid="stVegaLiteChart"] canvas, '
                         '[data-testid="stVegaLiteChart"] svg').first  # fmt: skip
    chart.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * 0.4
    # from just inside the plot (past the y axis, before the first day's bar) to a third across
    page.mouse.move(box["x"] + 72, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=8)
    page.mouse.up()
    page.get_by_text("Map and table show 2025-06-").wait_for(timeout=60_000)
    ids = _wait_for_markers(
        page, lambda ids: early in ids and late not in ids, "only the brushed days"
    )
    assert 0 < len(ids) < before, (ids, before)
