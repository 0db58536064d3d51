"""How long until the markers show: build_map on synthetic events, then headless Chromium.

    $ python benchmarks/bench_map.py            # 100, 1,000 and 10,000 events
    $ python benchmarks/bench_map.py 500 5000   # other sizes

For each size, with popups on and the whole base map (boundaries, 1,488 settlement dots and town
names from the Sumy gazetteer): the time to build the folium map and render its HTML in Python,
the page size, the time from navigation until the first event marker (or marker cluster) is
visible in headless Chromium, until every marker is in (clustering adds them in chunks; the map
then sets ``data-cm-loaded``), and how long a click takes to open a marker's popup (built in the
browser) after zooming to it. The page and its vendored assets are served from
localhost and every other request is blocked. Targets: under 3 s and under 5 MB for 10,000
events.
"""

from __future__ import annotations

import functools
import http.server
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimmap.claims.claims import EVENT_TYPES  # noqa: E402
from claimmap.places.gazetteer import load_sumy  # noqa: E402
from claimmap.records import Article, Claim, Event, Place  # noqa: E402
from claimmap.views.mapview import build_map  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SENTENCE = (
    "Russian forces have made significant advances on the Sumy direction, capturing the "
    "strategic town of {name} and launching a fierce assault, according to a source."
)


def synthetic(n: int, *, seed: int = 7) -> tuple[list[Event], dict[str, Article]]:
    """``n`` events at random points in Sumy oblast, a tenth of them areas (precision 3); each
    claim from one of 200 articles, each sentence naming its own place (no shared snippets)."""
    rng = random.Random(seed)
    types = [t for t in EVENT_TYPES if t != "mention"]
    title = "Benchmark article number {} on the Sumy front"
    articles = {
        f"bench{k}": Article(f"bench{k}", title.format(k), "...", source=f"Outlet {k % 17}",
                             published=f"2025-06-{k % 28 + 1:02d}")
        for k in range(200)
    }  # fmt: skip
    events = []
    for i in range(n):
        area = i % 10 == 9
        name = f"Place {i}"
        place = Place(
            f"P{i}",
            "sector" if area else "settlement",
            name,
            name_uk=f"Місце {i}",
            lat=rng.uniform(50.2, 52.3),
            lon=rng.uniform(32.9, 35.6),
        )
        event_type = rng.choice(types)
        claims = tuple(
            Claim(
                f"bench{rng.randrange(200)}",
                0,
                len(SENTENCE.format(name=name)) + j,
                SENTENCE.format(name=name) + " " * j,
                event_type,
                "Russian forces",
                "claimed",
                "",
                place.place_id,
                "location",
                10,
                20,
                name,
                3 if area else 1,
                0.8,
            )
            for j in range(rng.randint(1, 3))
        )
        origins = rng.randint(1, len(claims))
        events.append(
            Event(
                f"{i:012x}",
                event_type,
                "Russian forces",
                "claimed",
                place,
                3 if area else 1,
                claims,
                len(claims),
                len(claims),
                origins,
            )
        )
    return events, articles


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    settlements = [p for p in load_sumy().places if p.kind == "settlement" and p.has_point]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "static").symlink_to(ROOT / "static")
        (site / "favicon.ico").write_bytes(b"")
        server, port = serve(site)
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for n in sizes:
                events, articles = synthetic(n)
                t0 = time.perf_counter()
                fmap = build_map(
                    events, articles=articles, settlements=settlements, asset_base="/static"
                )
                t1 = time.perf_counter()
                html = fmap.get_root().render()
                t2 = time.perf_counter()
                (site / f"map{n}.html").write_text(html, encoding="utf-8")
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                page.route(
                    "**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort()
                )
                t3 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/map{n}.html", wait_until="commit")
                page.locator(".cm-marker, .marker-cluster").first.wait_for(timeout=60_000)
                t4 = time.perf_counter()
                page.locator("[data-cm-loaded]").wait_for(state="attached", timeout=120_000)
                t5 = time.perf_counter()
                shown = page.locator(".cm-marker, .marker-cluster").count()
                popup = open_popup(page, events)
                page.close()
                rows.append((n, t1 - t0, t2 - t1, len(html) / 1e6, t4 - t3, t5 - t3, popup, shown))
            browser.close()
        server.shutdown()
    print(
        f"{'events':>7} {'build s':>8} {'render s':>9} {'HTML MB':>8} {'markers s':>10} "
        f"{'all in s':>8} {'popup s':>8} {'icons':>6}"
    )
    for n, build, render, size, visible, loaded, popup, shown in rows:
        print(
            f"{n:>7,} {build:>8.2f} {render:>9.2f} {size:>8.2f} {visible:>10.2f} "
            f"{loaded:>8.2f} {popup:>8.2f} {shown:>6}"
        )


def open_popup(page, events: list[Event]) -> float:  # type: ignore[no-untyped-def]
    """Zoom to the first point event (below it markers cluster), click it, time its popup."""
    event = next(e for e in events if e.precision != 3)
    page.evaluate(
        "([lat, lon]) => { const m = Object.keys(window).find(k => k.startsWith('map_'));"
        " window[m].setView([lat, lon], 14, {animate: false}); }",
        [event.place.lat, event.place.lon],
    )
    marker = page.locator(f'.cm-marker[data-event-id="{event.event_id}"]')
    marker.wait_for(timeout=30_000)
    t0 = time.perf_counter()
    marker.click()
    page.locator(f'.cm-popup[data-event-id="{event.event_id}"]').wait_for(timeout=30_000)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1_000, 10_000])
