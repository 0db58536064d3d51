"""PostgreSQL (with and without PostGIS) beside SQLite: ingest throughput and the dashboard's
first run, for the same 1,000 synthetic articles. Run by hand, not a test.

    python benchmarks/bench_postgres.py [--n 1000] [--url postgresql://user@host/db]

Without ``--url`` a throw-away server is started from Debian's PostgreSQL binaries
(``tests/pgserver.py``: initdb in a temporary directory; as ``nobody`` when run as root) with
two empty databases, one with ``CREATE EXTENSION postgis``; with ``--url`` that (empty)
database is used as the only PostgreSQL one. For each back end: the ingest of the articles
(offline, the gazetteers loaded before the clock starts), the reads the dashboard makes on its
first run (events, articles, resolutions, curations), a bounding-box and a radius query, and
the dashboard's whole first run under streamlit's AppTest in a fresh process (gazetteer load,
the store's reads, the map, every tab). Note that the server's test settings (no fsync) make
its commits cheaper than a production server's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))  # pgserver (after benchmarks/: both have a synthetic.py)

from synthetic import articles  # noqa: E402

from claimmap.pipeline import Pipeline  # noqa: E402

FIRST_RUN = textwrap.dedent(
    """
    import sys, time
    from streamlit.testing.v1 import AppTest
    started = time.perf_counter()
    at = AppTest.from_file(sys.argv[1], default_timeout=600)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    print(f"{time.perf_counter() - started:.2f}")
    """
)


def measure(name: str, db: str, folder: Path, n: int) -> dict[str, float]:
    pipeline = Pipeline.open(db=db, offline=True)
    pipeline.resolver.keys  # noqa: B018 (load the gazetteers before the clock starts)
    started = time.perf_counter()
    summary = pipeline.ingest_paths([folder])
    ingest = time.perf_counter() - started
    assert len(summary.ingested) == n, summary.describe()
    store = pipeline.store
    started = time.perf_counter()
    events, _, _, _ = store.events(), store.articles(), pipeline.resolutions(), store.curations()
    reads = time.perf_counter() - started
    started = time.perf_counter()
    in_box = store.events_in_bbox(33.0, 50.0, 35.5, 51.5)
    near = store.events_near(50.91, 34.80, 50)
    spatial = time.perf_counter() - started
    store.close()
    env = {**os.environ, "CLAIMMAP_DB": db, "CLAIMMAP_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(ROOT / "dashboard.py")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{name}: the dashboard failed: {done.stderr[-2000:]}")
    first_run = float(done.stdout.strip().splitlines()[-1])
    print(
        f"{name:<22} ingest {ingest:6.1f} s = {n / ingest:5.1f} articles/s | events {len(events):,}"
        f" | dashboard reads {reads:5.2f} s | bbox+radius {spatial * 1000:6.1f} ms "
        f"({len(in_box)}, {len(near)} events) | dashboard first run {first_run:5.1f} s",
        flush=True,
    )
    return {"ingest": ingest, "reads": reads, "first_run": first_run}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--url", help="an empty PostgreSQL database to use (default: start one)")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for name, text in articles(args.n):
            (folder / name).write_text(text, encoding="utf-8")
        targets = [("SQLite", str(Path(tmp) / "bench.db"))]
        if args.url:
            targets.append(("PostgreSQL (--url)", args.url))
        else:
            from pgserver import PgServer, find_bindir

            bindir, why = find_bindir()
            if bindir is None:
                raise SystemExit(why)
            server = PgServer.start(bindir)
            targets.append(("PostgreSQL", server.create_database()))
            if server.postgis:
                targets.append(("PostgreSQL + PostGIS", server.create_database(postgis=True)))
        print(f"{args.n:,} synthetic articles, offline; load average {os.getloadavg()[0]:.1f}")
        try:
            for name, db in targets:
                measure(name, db, folder, args.n)
        finally:
            if server is not None:
                server.stop()
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
