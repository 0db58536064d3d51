"""How long until the markers show: build_map on synthetic events, then headless Chromium.

    $ python benchmarks/bench_map.py            # 100, 1,000 and 10,000 events
    $ python benchmarks/bench_map.py 500 5000   # other sizes

For each size: the time to build the folium map and render its HTML in Python, the page size,
and the time from navigation until the first event marker (or marker cluster) is visible in
headless Chromium, with the page and its vendored assets served from localhost and every other
request (map tiles) blocked. Target: under 3 s for 10,000 events.
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
    """``n`` events at random points in Sumy oblast, a tenth of them areas (precision 3)."""
    rng = random.Random(seed)
    types = [t for t in EVENT_TYPES if t != "mention"]
    article = Article("bench", "Benchmark article", SENTENCE.format(name="X"), source="bench")
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
        sentence = SENTENCE.format(name=name)
        event_type = rng.choice(types)
        claims = tuple(
            Claim(
                "bench",
                0,
                len(sentence),
                sentence,
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
            for _ in range(rng.randint(1, 3))
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
    return events, {"bench": article}


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
                fmap = build_map(events, articles=articles, asset_base="/static")
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
                page.wait_for_load_state("load")
                t5 = time.perf_counter()
                shown = page.locator(".cm-marker, .marker-cluster").count()
                page.close()
                rows.append((n, t1 - t0, t2 - t1, len(html) / 1e6, t4 - t3, t5 - t3, shown))
            browser.close()
        server.shutdown()
    print(
        f"{'events':>7} {'build s':>8} {'render s':>9} {'HTML MB':>8} {'markers s':>10} "
        f"{'load s':>7} {'icons':>6}"
    )
    for n, build, render, size, visible, loaded, shown in rows:
        print(
            f"{n:>7,} {build:>8.2f} {render:>9.2f} {size:>8.2f} {visible:>10.2f} "
            f"{loaded:>7.2f} {shown:>6}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1_000, 10_000])
