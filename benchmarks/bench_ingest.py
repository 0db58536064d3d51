"""Ingest throughput and peak memory: 1,000 synthetic ~4 KB articles into a fresh database.

    python benchmarks/bench_ingest.py [--n 1000] [--db /tmp/bench.db]

Writes the articles to a temporary directory, then runs the same code path as
``claimmap ingest DIR --offline`` (with its progress bar on stderr), and prints articles per
second, peak resident memory, and the database size. Offline: the geocoder is not asked.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from synthetic import articles

from claimmap.cli import _progress_bar
from claimmap.pipeline import Pipeline


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--db", help="database file (default: in a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        total = 0
        for name, text in articles(args.n):
            (folder / name).write_text(text, encoding="utf-8")
            total += len(text.encode())
        db = args.db or str(Path(tmp) / "bench.db")
        start = time.perf_counter()
        pipeline = Pipeline.open(db=db, offline=True)
        pipeline.resolver.keys  # noqa: B018 (load the gazetteers before timing the ingest)
        loaded = time.perf_counter()
        rss_loaded = peak_mib()
        summary = pipeline.ingest_paths([folder], progress=_progress_bar())
        done = time.perf_counter()
        seconds = done - loaded
        events = pipeline.store.events()
        size = Path(db).stat().st_size / 2**20
    print(summary.describe().splitlines()[0], file=sys.stderr)
    print(
        f"articles: {args.n:,} ({total / 2**20:.1f} MiB of text, "
        f"{total / args.n / 1024:.1f} KiB each)"
    )
    print(f"gazetteer load: {loaded - start:.2f} s, peak RSS after load {rss_loaded:.0f} MiB")
    print(
        f"ingest: {seconds:.1f} s = {args.n / seconds:.1f} articles/s "
        f"({total / seconds / 2**20:.2f} MiB/s), events: {len(events):,}"
    )
    print(f"peak RSS: {peak_mib():.0f} MiB; database: {size:.1f} MiB")


if __name__ == "__main__":
    main()
