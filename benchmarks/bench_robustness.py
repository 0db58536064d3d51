"""Time and peak memory of ingesting hostile articles: 10 MB of text, 100,000 capitalised words.

    $ python benchmarks/bench_robustness.py          # both cases
    $ python benchmarks/bench_robustness.py words    # one case: big | words | line

Each case runs in a fresh process (read, analyse, store, rebuild events, offline): the wall time
of each stage, the peak resident set size (``resource.getrusage``) against the size after the
gazetteers are loaded, and the peak of Python allocations while analysing (``tracemalloc``, in a
second run, since tracing slows the code down). tests/test_robustness.py asserts generous bounds
(60 s per file, 1.5 GB per batch); docs/RELIABILITY.md records the measured figures.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimmap.inputs.files import read_path  # noqa: E402
from claimmap.pipeline import Pipeline  # noqa: E402

NAMES = ("Kondratovka", "Sumy", "Yunakivka", "Myropillia", "Alexandria", "Shostka", "Khotin")


def make(case: str, path: Path) -> None:
    seeds = "\n\n".join(p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    if case == "big":  # 10 MB: the seeds over and over, in paragraphs
        text = (seeds + "\n\n") * (10 * 1024 * 1024 // len(seeds.encode()))
    elif case == "line":  # one 1 MB line
        line = " ".join(seeds.split())
        text = " ".join([line] * (1024 * 1024 // len(line.encode()) + 1))
    else:  # 100,000 capitalised words on one line, half of them gazetteer names
        rng = random.Random(7)
        text = " ".join(
            rng.choice(NAMES)
            if rng.random() < 0.5
            else "Q" + "".join(rng.choices("aeikrtvno", k=7))
            for _ in range(100_000)
        )
    path.write_text(text, encoding="utf-8")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(case: str, *, trace: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{case}.txt"
        make(case, path)
        pipeline = Pipeline.open(db=Path(tmp) / "bench.db", offline=True)
        pipeline.resolver.resolve_text("Sumy")  # load everything lazy before measuring
        baseline = rss_mb()
        t0 = time.perf_counter()
        article = read_path(path)
        t1 = time.perf_counter()
        if trace:
            tracemalloc.start()
        analysis = pipeline.analyse(article)
        traced = tracemalloc.get_traced_memory()[1] / 1e6 if trace else 0.0
        tracemalloc.stop()
        t2 = time.perf_counter()
        pipeline.store.save_analysis(analysis)
        t3 = time.perf_counter()
        pipeline.rebuild_events()
        t4 = time.perf_counter()
        return {
            "bytes": path.stat().st_size,
            "mentions": len(analysis.mentions),
            "claims": len(analysis.claims),
            "read_s": round(t1 - t0, 2),
            "analyse_s": round(t2 - t1, 2),
            "store_s": round(t3 - t2, 2),
            "events_s": round(t4 - t3, 2),
            "total_s": round(t4 - t0, 2),
            "baseline_rss_mb": round(baseline),
            "peak_rss_mb": round(rss_mb()),
            "traced_peak_mb": round(traced),
        }


def main(cases: list[str]) -> None:
    for case in cases:
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--child", case, flag],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for flag in ("plain", "trace")
        ]
        plain, traced = runs
        print(
            f"{case:>5}: {plain['bytes'] / 1e6:5.1f} MB, {plain['mentions']:,} mentions, "
            f"{plain['claims']:,} claims; read {plain['read_s']} s, analyse {plain['analyse_s']} s,"
            f" store {plain['store_s']} s, events {plain['events_s']} s = {plain['total_s']} s; "
            f"peak RSS {plain['peak_rss_mb']} MB (gazetteers: {plain['baseline_rss_mb']} MB);"
            f" tracemalloc peak while analysing {traced['traced_peak_mb']} MB"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2], trace=sys.argv[3] == "trace")))
    else:
        main(sys.argv[1:] or ["big", "words", "line"])
