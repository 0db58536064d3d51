"""Two ingest processes and a reader (standing in for the dashboard) on one database at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from synthetic import write_articles

from claimmap.claims.events import build_events
from claimmap.inputs.files import read_path
from claimmap.store.base import open_store

# What dashboard.py does through claimmap.store.sqlite, over and over, until the stop file appears.
READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from claimmap.store.base import open_store
    db, stop = sys.argv[1], Path(sys.argv[2])
    reads = 0
    deadline = time.monotonic() + 120
    while not stop.exists() and time.monotonic() < deadline:
        with open_store(db) as store:
            events, articles = store.events(), store.articles()
            assert all(e.n_claims == len(e.claims) for e in events)
            assert len({a.article_id for a in articles}) == len(articles)
        reads += 1
    print(reads)
    """
)


@pytest.mark.parametrize("fresh", [True, False], ids=["new-database", "existing-database"])
def test_two_ingests_and_a_reader_at_once(tmp_path: Path, fresh: bool) -> None:
    first = write_articles(tmp_path / "first", 60, prefix="a", seed=1, size=2000)
    second = write_articles(tmp_path / "second", 60, prefix="b", seed=2, size=2000)
    for path in first[30:]:  # the batches overlap: 30 articles are in both
        shutil.copy(path, tmp_path / "second" / path.name)
    db = tmp_path / "shared.db"
    if not fresh:
        with open_store(db):
            pass
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ingests = [
        subprocess.Popen(
            [sys.executable, "-m", "claimmap", "ingest", str(d), "--db", str(db), "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CLAIMMAP_OFFLINE": "1"},
        )
        for d in (tmp_path / "first", tmp_path / "second")
    ]
    results = [p.communicate(timeout=150) for p in ingests]
    stop.touch()
    reads, reader_err = reader.communicate(timeout=150)
    for proc, (_, err) in zip(ingests, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert "failed 0" in err
    assert reader.returncode == 0, reader_err
    assert int(reads) >= 1

    expected = {read_path(p).article_id for p in [*first, *second]}
    with open_store(db) as store:
        stored = [a.article_id for a in store.articles()]
        assert len(stored) == len(set(stored))
        assert set(stored) == expected  # the union of both inputs, nothing lost
        claims = store.claims()
        assert {c.article_id for c in claims} == expected
        # The events stored are what all the stored claims make: no rebuild saw a stale set.
        articles = {a.article_id: a for a in store.articles()}
        places = {r.place.place_id: r.place for r in store.resolutions() if r.place}
        rebuilt = build_events(claims, articles=articles, places=places)
        assert [(e.event_id, e.n_claims) for e in store.events()] == [
            (e.event_id, e.n_claims) for e in rebuilt
        ]
