"""A full disk: how many of 200 articles an 8 MB filesystem takes, and whether the map shows them.

    $ python benchmarks/bench_disk_full.py            # needs root: it mounts an 8 MB tmpfs
    $ python benchmarks/bench_disk_full.py 16 400     # 16 MB, 400 articles

The tests simulate a full disk with SQLite's ``max_page_count`` (the same SQLITE_FULL); this
measures the real thing, where the write-ahead log takes its share of the disk. It prints the
articles stored, those reported, and whether the stored events cover exactly the stored
articles (docs/RELIABILITY.md records the figures). The tmpfs is unmounted at the end.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import write_articles  # noqa: E402

from claimmap.pipeline import Pipeline  # noqa: E402
from claimmap.places.resolve import Resolver  # noqa: E402
from claimmap.store.base import open_store  # noqa: E402


def main(megabytes: int = 8, count: int = 200) -> None:
    source = Path(tempfile.mkdtemp(prefix="claimmap-full-src-"))
    write_articles(source, count, prefix="a")
    mount = Path(tempfile.mkdtemp(prefix="claimmap-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"cannot mount a tmpfs (run as root): {done.stderr.strip()}")
    store = None
    try:
        store = open_store(mount / "full.db")
        pipeline = Pipeline(store=store, resolver=Resolver.offline())
        started = time.monotonic()
        summary = pipeline.ingest_paths([source])
        took = time.monotonic() - started
        stored = {a.article_id for a in store.articles()}
        mapped = {c.article_id for e in store.events() for c in e.claims}
        full = sum("disk is full" in why for _, why in summary.failed)
        removed = sum("taken out again" in why for _, why in summary.failed)
        print(f"{megabytes} MB, {count} articles, {took:.1f} s")
        print(f"stored {len(stored)}, reported ingested {len(summary.ingested)}")
        print(f"reported not stored (disk full) {full}, taken out again for the events {removed}")
        print(f"events {len(store.events())}, cover the stored articles: {mapped == stored}")
        print(f"events error: {summary.events_error or '-'}")
    finally:
        if store is not None:
            store.close()  # else the mount is busy
        subprocess.run(["umount", str(mount)], check=False)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
