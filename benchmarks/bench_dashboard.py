"""How long the dashboard takes to show ~10,000 events: first run, reruns, peak memory.

    $ python benchmarks/bench_dashboard.py                          # build a database, 5 rounds
    $ python benchmarks/bench_dashboard.py --db /tmp/dash.db --rounds 7   # reuse one

Builds (unless ``--db`` names one that exists) a database of synthetic reports
(``synthetic.py``, ingested offline like ``claimmap ingest``) until it holds ``--events``
events, then runs ``dashboard.py`` under streamlit's AppTest with ``CLAIMMAP_DB`` pointing at
it, each round in a fresh process (streamlit's caches live in the process, so a fresh one is a
server's first page view). Per round: the first run, then a plain rerun (what every widget
change costs before its own work), a rerun that narrows a filter, and one that selects an
event. Each is timed from the start to the end of the script (a wrapper runs dashboard.py and
keeps the times in the session state), as CPU time of the whole process
(``time.process_time``: the script thread and any other) and wall time; "AppTest" adds
AppTest's own work around the first run (it scans the installed packages for components, as a
server does once at start). Then the peak RSS of the process. Prints medians over the rounds.
The gazetteer index cache is warm (building the database loads it). The geocoder is configured
as a user has it (not offline) unless ``--offline``; nothing is resolved, so it is never asked.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
STEPS = ("first run", "rerun", "filter", "select")
WRAPPER = """
import runpy, time
import streamlit as st
cpu, wall = time.process_time(), time.perf_counter()
try:
    runpy.run_path({path!r}, run_name="__main__")
finally:
    st.session_state["bench_times"] = [time.process_time() - cpu, time.perf_counter() - wall]
"""


def build(db: Path, events: int) -> None:
    """Ingest synthetic articles in batches of 20 until the database holds ``events`` events."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import articles

    from claimmap.pipeline import Pipeline

    pipeline = Pipeline.open(db=db, offline=True)
    start = time.perf_counter()
    batch: list[tuple[str, bytes]] = []
    for name, text in articles(100_000):
        batch.append((name, text.encode()))
        if len(batch) < 20:
            continue
        pipeline.ingest_uploads(batch)
        batch = []
        n = len(pipeline.store.events())
        print(f"  {n:,} events ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
        if n >= events:
            break
    pipeline.store.close()


def child(db: str) -> None:
    """One round in this (fresh) process; prints a JSON object of figures."""
    import resource

    from streamlit.testing.v1 import AppTest

    out: dict[str, list[float]] = {}

    def timed(name: str, action) -> None:  # type: ignore[no-untyped-def]
        cpu = time.process_time()
        action()
        out[name] = at.session_state["bench_times"]
        if name == "first run":
            out["AppTest"] = [time.process_time() - cpu]

    wrapper = Path(tempfile.mkdtemp()) / "timed_dashboard.py"
    wrapper.write_text(WRAPPER.format(path=DASHBOARD), encoding="utf-8")
    at = AppTest.from_file(str(wrapper), default_timeout=600)
    timed("first run", at.run)
    assert not at.exception, [e.value for e in at.exception]
    timed("rerun", at.run)
    types = at.multiselect(key="cm_f_event_types")
    timed("filter", types.select(types.options[0]).run)
    types = at.multiselect(key="cm_f_event_types")
    types.unselect(types.value[0]).run()
    picker = at.selectbox(key="cm_pick")
    timed("select", picker.select(picker.options[len(picker.options) // 2]).run)
    assert not at.exception, [e.value for e in at.exception]
    caption = at.caption[0].value
    wrapper.unlink()
    wrapper.parent.rmdir()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"times": out, "rss": rss, "caption": caption}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to use (built there when missing)")
    parser.add_argument("--events", type=int, default=10_000, help="events to build (10,000)")
    parser.add_argument("--rounds", type=int, default=5, help="fresh processes (5)")
    parser.add_argument("--offline", action="store_true", help="CLAIMMAP_OFFLINE=1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db or Path(tmp) / "dash.db")
        if not db.exists():
            print(f"building {db} ...", file=sys.stderr)
            build(db, args.events)
        env = dict(os.environ, CLAIMMAP_DB=str(db))
        env.pop("CLAIMMAP_OFFLINE", None)
        if args.offline:
            env["CLAIMMAP_OFFLINE"] = "1"
        rounds = []
        for n in range(args.rounds):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(db)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"round {n + 1} failed:\n{done.stderr[-3000:]}")
            rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  round {n + 1}: {rounds[-1]['times']}", file=sys.stderr)
    command = "python benchmarks/bench_dashboard.py " + shlex.join(sys.argv[1:])
    load = os.getloadavg()[0]
    print(f"$ {command.strip()}")
    print(f"{rounds[0]['caption']}; {len(rounds)} rounds, medians; load average {load:.1f}")
    print(f"{'step':<10} {'CPU s':>7} {'wall s':>7}   (min-max CPU)")
    app = [r["times"]["AppTest"][0] for r in rounds]
    spread = f"({min(app):.2f}-{max(app):.2f})"
    print(f"{'AppTest':<10} {statistics.median(app):>7.2f} {'':>7}   {spread}  first run + AppTest")
    for step in STEPS:
        cpu = [r["times"][step][0] for r in rounds]
        wall = [r["times"][step][1] for r in rounds]
        print(
            f"{step:<10} {statistics.median(cpu):>7.2f} {statistics.median(wall):>7.2f}"
            f"   ({min(cpu):.2f}-{max(cpu):.2f})"
        )
    rss = [r["rss"] for r in rounds]
    print(f"peak RSS   {statistics.median(rss):>7.0f} MiB (min-max {min(rss):.0f}-{max(rss):.0f})")


if __name__ == "__main__":
    main()
