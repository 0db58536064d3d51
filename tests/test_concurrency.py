"""Several ingest processes and readers (standing in for dashboards) on one database at once, on
every back end (the ``db`` fixture: a SQLite file, PostgreSQL without and with PostGIS)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from synthetic import write_articles

from claimmap.claims.curation import claim_id
from claimmap.claims.events import build_events
from claimmap.inputs.files import read_path
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.records import Event
from claimmap.store.base import open_store

# What dashboard.py does through the store, over and over, until the stop file appears. Each
# read must be whole: events agree with their claims, no article twice, no article lost
# between two reads, and once there are events the table is never seen empty.
READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from claimmap.store.base import open_store
    db, stop = sys.argv[1], Path(sys.argv[2])
    reads, seen, had_events = 0, set(), False
    deadline = time.monotonic() + 600
    with open_store(db) as store:
        while not stop.exists() and time.monotonic() < deadline:
            events, articles = store.events(), store.articles()
            assert all(e.n_claims == len(e.claims) for e in events)
            ids = {a.article_id for a in articles}
            assert len(ids) == len(articles), "an article twice"
            assert seen <= ids, "an article went missing"
            assert events or not had_events, "the events table was seen empty"
            seen, had_events = ids, had_events or bool(events)
            reads += 1
    print(reads)
    """
)


def start_reader(db: str, stop: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", READER, db, str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_ingest(directory: Path, db: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "claimmap", "ingest", str(directory), "--db", db, "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CLAIMMAP_OFFLINE": "1"},
    )


def finish(
    ingests: list[subprocess.Popen[str]], readers: list[subprocess.Popen[str]], stop: Path
) -> None:
    """Wait for the ingests (hang guard: 15 minutes), then stop the readers; all must be clean."""
    results = [p.communicate(timeout=900) for p in ingests]
    stop.touch()
    for proc, (_, err) in zip(ingests, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert "failed 0" in err, err
    for reader in readers:
        reads, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        assert int(reads) >= 1


def canonical(event: Event) -> Event:
    """An event with its order-of-storage lists sorted (claims come in the order articles were
    stored, which concurrent ingests do not fix)."""
    return dataclasses.replace(
        event,
        claims=tuple(sorted(event.claims, key=claim_id)),
        surfaces=tuple(sorted(event.surfaces)),
        sources=tuple(sorted(event.sources)),
        source_urls=tuple(sorted(event.source_urls)),
    )


@pytest.mark.parametrize("fresh", [True, False], ids=["new-database", "existing-database"])
def test_two_ingests_and_a_reader_at_once(tmp_path: Path, db: str, fresh: bool) -> None:
    first = write_articles(tmp_path / "first", 60, prefix="a", seed=1, size=2000)
    second = write_articles(tmp_path / "second", 60, prefix="b", seed=2, size=2000)
    for path in first[30:]:  # the batches overlap: 30 articles are in both
        shutil.copy(path, tmp_path / "second" / path.name)
    if not fresh:
        with open_store(db):
            pass
    stop = tmp_path / "stop"
    reader = start_reader(db, stop)
    ingests = [start_ingest(tmp_path / d, db) for d in ("first", "second")]
    finish(ingests, [reader], stop)

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


#: four ingest processes of 200 articles each; each batch shares 40 with the next
PROCESSES, PER_PROCESS, SHARED = 4, 200, 40


@pytest.fixture(scope="module")
def team_batches(
    tmp_path_factory: pytest.TempPathFactory, resolver: Resolver
) -> tuple[list[Path], list[Event]]:
    """The four batch directories, and the events one serial ingest of them all makes."""
    top = tmp_path_factory.mktemp("team")
    own = [
        write_articles(top / f"own{k}", PER_PROCESS - SHARED, prefix=f"p{k}", seed=10 + k,
                       size=2000)
        for k in range(PROCESSES)
    ]  # fmt: skip
    batches = []
    for k in range(PROCESSES):
        batch = top / f"batch{k}"
        batch.mkdir()
        for path in [*own[k], *own[(k + 1) % PROCESSES][:SHARED]]:
            shutil.copy(path, batch / path.name)
        batches.append(batch)
    with open_store(":memory:") as store:
        Pipeline(store=store, resolver=resolver).ingest_paths([top / f"own{k}" for k in
                                                               range(PROCESSES)])  # fmt: skip
        serial = store.events()
    return batches, serial


def test_four_ingests_and_two_readers_store_every_article_once_and_the_serial_events(
    tmp_path: Path, db: str, team_batches: tuple[list[Path], list[Event]]
) -> None:
    batches, serial = team_batches
    assert all(len(list(b.glob("*.txt"))) == PER_PROCESS for b in batches)
    stop = tmp_path / "stop"
    readers = [start_reader(db, stop) for _ in range(2)]
    ingests = [start_ingest(batch, db) for batch in batches]
    finish(ingests, readers, stop)

    expected = {read_path(p).article_id for b in batches for p in b.glob("*.txt")}
    assert len(expected) == PROCESSES * (PER_PROCESS - SHARED)
    with open_store(db) as store:
        stored = [a.article_id for a in store.articles()]
        assert len(stored) == len(set(stored))  # every article once
        assert set(stored) == expected  # and none lost
        assert {c.article_id for c in store.claims()} == expected
        events = store.events()
    assert [e.event_id for e in events] == [e.event_id for e in serial]  # no duplicate event
    assert [canonical(e) for e in events] == [canonical(e) for e in serial]  # no stale merge
