"""Ingest cost as the store grows: per-article CPU time at 100, 1,000, 10,000 and 30,000
articles, peak memory, and adding 10 articles to the store of each size.

    python benchmarks/bench_scale.py [--sizes 100,1000,10000,30000] [--workers 1]

One process, one database (in a temporary directory unless ``--db``): the synthetic articles
(benchmarks/synthetic.py: distinct ~4 KB reports) are ingested in batches of ``--batch``
through ``Pipeline.ingest_items`` (the path of ``claimmap ingest --offline``: analysis, near-
duplicate search, store, claims, incremental event merge). When the store reaches each size,
the next ``--probe`` articles are timed as one batch (CPU time of this process and its workers,
and wall time), then 10 more as "add 10". Peak RSS is this process's (``ru_maxrss``) and, with
``--workers`` > 1, the largest worker's. Targets (issue 15): per-article cost flat (at most 1.2x
from 100 to 30,000), add 10 articles < 1 s, peak RSS < 500 MiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from synthetic import articles

from claimmap.inputs.files import read_text
from claimmap.pipeline import Pipeline


def rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def cpu() -> float:
    """CPU seconds of this process and its finished children (the analysis workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,30000")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--probe", type=int, default=100, help="articles timed at each size")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", help="database file (default: in a temporary directory)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    total = sizes[-1] + (args.probe + 10) * len(sizes)
    source = ((name, read_text(text, title="")) for name, text in articles(total))
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "scale.db")
        pipeline = Pipeline.open(db=db, offline=True)
        pipeline.workers = args.workers
        start = time.perf_counter()
        pipeline.resolver.keys  # noqa: B018 (load the gazetteers before timing)
        print(f"gazetteer load: {time.perf_counter() - start:.2f} s, RSS {rss_mib():.0f} MiB")
        print(f"database: {db}; workers: {args.workers}; batch: {args.batch}")
        print("| stored | ms/article (CPU) | ms/article (wall) | add 10 (wall s) | peak RSS MiB |")
        print("|---:|---:|---:|---:|---:|")
        stored = 0
        for size in sizes:
            while stored < size:
                n = min(args.batch, size - stored)
                summary = pipeline.ingest_items(next(source) for _ in range(n))
                stored += len(summary.ingested)
            timed = []
            for n in (args.probe, 10):
                c0, w0 = cpu(), time.perf_counter()
                summary = pipeline.ingest_items(next(source) for _ in range(n))
                timed.append((cpu() - c0, time.perf_counter() - w0))
                stored += len(summary.ingested)
                if len(summary.ingested) != n:
                    sys.exit(f"only {len(summary.ingested)} of {n} stored: {summary.describe()}")
            (probe_cpu, probe_wall), (_, add_wall) = timed
            peak = max(rss_mib(), rss_mib(resource.RUSAGE_CHILDREN))
            print(
                f"| {size:,} | {probe_cpu / args.probe * 1000:.1f} | "
                f"{probe_wall / args.probe * 1000:.1f} | {add_wall:.2f} | {peak:.0f} |",
                flush=True,
            )
        events = len(pipeline.store.events())
        size_mib = Path(db).stat().st_size / 2**20
    print(f"stored {stored:,} articles, {events:,} events, database {size_mib:.0f} MiB")


if __name__ == "__main__":
    main()
