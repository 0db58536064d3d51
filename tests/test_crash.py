"""Crash safety: ``kill -9`` the ingest of 200 articles at random points, then check the database.

An article is *whole* when the database holds exactly what ``Pipeline.analyse`` derives from it:
its ``articles`` row, one ``mentions`` row per extracted mention (same ids, offsets, surface), one
``resolutions`` row per mention (same place), and its ``claims`` rows numbered ``seq`` 0..n-1
(same count). Nothing may belong to an article that is not stored (no orphan rows).

The trials are chained: each ingest is killed after a random delay and the next trial is the
re-run, which must skip what is stored and go on; when a chain reaches 200 articles a final
re-run must leave the same articles and events as one uninterrupted ingest, and the next chain
starts from an empty database. On every back end (the ``new_db`` fixture): on PostgreSQL a killed
client's open transaction is rolled back by the server.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from synthetic import write_articles

from claimmap.inputs.files import read_path
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.store.base import open_store

N_ARTICLES = 200
TRIALS = {"sqlite": 20, "postgres": 12, "postgis": 12}


def is_sqlite(db: str) -> bool:
    return "://" not in db


def exists(db: str) -> bool:
    """A SQLite file is made by the first ingest; a PostgreSQL database is made empty first."""
    return Path(db).exists() if is_sqlite(db) else True


def raw(db: str, sql: str) -> list[tuple]:
    """Rows of a query, straight from the database (not through the store)."""
    if is_sqlite(db):
        with sqlite3.connect(db) as conn:
            rows = conn.execute(sql).fetchall()
        conn.close()
        return rows
    with psycopg.connect(db) as pg:
        return pg.execute(sql).fetchall()  # type: ignore[arg-type]


def ingest_command(directory: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "claimmap", "ingest", str(directory), "--db", db, "-q"]


def run_ingest(directory: Path, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ingest_command(directory, db), "--offline"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def killed_ingest(directory: Path, db: str, delay: float) -> int | None:
    """Start the ingest, SIGKILL it after ``delay`` seconds; its return code if it ended first."""
    proc = subprocess.Popen(
        [*ingest_command(directory, db), "--offline"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def expected_rows(
    article_id: str, expected: dict[str, tuple[list[str], list[str], int]], pipeline: Pipeline
) -> tuple[list[str], list[str], int]:
    """Mention ids, resolved place ids (by mention) and claim count that analyse() gives."""
    if article_id not in expected:
        analysis = pipeline.analyse(pipeline.store.article(article_id))
        expected[article_id] = (
            [m.mention_id for m in analysis.mentions],
            [r.place.place_id if r.place else "" for r in analysis.resolutions],
            len(analysis.claims),
        )
    return expected[article_id]


def check_whole(
    db: str, expected: dict[str, tuple[list[str], list[str], int]], resolver: Resolver
) -> int:
    """Assert the database is sound and every stored article whole; return the article count."""
    if is_sqlite(db):
        assert raw(db, "PRAGMA integrity_check") == [("ok",)]
        assert raw(db, "PRAGMA foreign_key_check") == []  # PostgreSQL enforces its keys
    else:
        open_store(db).close()  # the tables, if no ingest got as far as making them
    orphans = raw(
        db,
        "SELECT (SELECT count(*) FROM mentions WHERE article_id NOT IN "
        "(SELECT article_id FROM articles)) + (SELECT count(*) FROM claims WHERE article_id "
        "NOT IN (SELECT article_id FROM articles)) + (SELECT count(*) FROM resolutions WHERE "
        "mention_id NOT IN (SELECT mention_id FROM mentions))",
    )[0][0]
    assert orphans == 0
    seqs: dict[str, list[int]] = {}
    for aid, seq in raw(db, "SELECT article_id, seq FROM claims ORDER BY article_id, seq"):
        seqs.setdefault(aid, []).append(seq)
    with open_store(db) as store:
        pipeline = Pipeline(store=store, resolver=resolver)
        articles = store.articles()
        for article in articles:
            aid = article.article_id
            mention_ids, place_ids, n_claims = expected_rows(aid, expected, pipeline)
            resolutions = store.resolutions(aid)
            assert [r.mention.mention_id for r in resolutions] == mention_ids, aid
            assert [r.place.place_id if r.place else "" for r in resolutions] == place_ids, aid
            assert [m.mention_id for m in store.mentions(aid)] == mention_ids, aid
            assert seqs.get(aid, []) == list(range(n_claims)), aid
            assert n_claims > 0, aid  # the synthetic articles all make claims
    return len(articles)


def event_summary(db: str) -> list[tuple[str, str, str, int, int]]:
    with open_store(db) as store:
        return sorted(
            (e.event_id, e.event_type, e.place.place_id, e.n_claims, e.n_articles)
            for e in store.events()
        )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("articles")
    write_articles(directory, N_ARTICLES, size=4000)
    return directory


def test_synthetic_articles_are_distinct_and_about_4_kb(corpus: Path) -> None:
    articles = [read_path(p) for p in sorted(corpus.glob("*.txt"))]
    assert len({a.article_id for a in articles}) == N_ARTICLES
    assert all(3500 < len(a.text) < 5500 for a in articles)


def test_kill_9_at_random_points_leaves_only_whole_articles(
    corpus: Path, new_db: Callable[[], str], backend: str, resolver: Resolver
) -> None:
    trials = TRIALS[backend]
    reference = new_db()
    started = time.monotonic()
    done = run_ingest(corpus, reference)
    full_run = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    expected: dict[str, tuple[list[str], list[str], int]] = {}
    assert check_whole(reference, expected, resolver) == N_ARTICLES
    reference_events = event_summary(reference)
    assert reference_events

    rng = random.Random(20250603)
    db, history = new_db(), []
    for trial in range(trials):
        # From before the gazetteer is loaded to past the last article and the event rebuild.
        delay = rng.uniform(0.3, full_run * 0.8)
        before = check_whole(db, expected, resolver) if exists(db) else 0
        code = killed_ingest(corpus, db, delay)
        stored = check_whole(db, expected, resolver) if exists(db) else 0
        assert stored >= before  # a kill never takes back a committed article
        history.append((trial, round(delay, 2), before, stored, code))
        if stored == N_ARTICLES or code is not None:
            rerun = run_ingest(corpus, db)  # re-running completes the rest, duplicates skipped
            assert rerun.returncode == 0, rerun.stderr
            assert check_whole(db, expected, resolver) == N_ARTICLES
            ids = [row[0] for row in raw(db, "SELECT article_id FROM articles")]
            assert not [aid for aid, n in Counter(ids).items() if n > 1]
            assert event_summary(db) == reference_events, history
            db = new_db()
    if exists(db):  # the last, unfinished chain is completed too
        assert run_ingest(corpus, db).returncode == 0
        assert check_whole(db, expected, resolver) == N_ARTICLES
        assert event_summary(db) == reference_events
    killed_mid_batch = [h for h in history if h[4] is None and 0 < h[3] < N_ARTICLES]
    assert len(history) == trials
    assert len(killed_mid_batch) >= trials // 4, history  # the kills did land mid-ingest


def test_rerun_merges_articles_a_killed_run_stored_but_did_not_merge(
    corpus: Path, db: str, resolver: Resolver
) -> None:
    """The window between the last article's commit and the event rebuild: the re-run finds
    only duplicates and must still rebuild the events."""
    files = sorted(corpus.glob("*.txt"))[:3]
    with open_store(db) as store:
        pipeline = Pipeline(store=store, resolver=resolver)
        for path in files:  # what the killed run got done: articles saved, no rebuild
            assert store.save_analysis(pipeline.analyse(read_path(path)))
        assert store.events() == []
        summary = pipeline.ingest_paths(files)
        assert summary.duplicates == tuple(p.name for p in files)
        assert store.events()
