"""``claimmap migrate`` (claimmap.store.transfer): a whole store copied between back ends.

A 1,000-article SQLite store, with overrides, curation and its audit, geocoder answers, the
near-duplicate index and groups waiting for a merge, goes to each back end (the ``db`` fixture)
and back to SQLite: every table comes back row for row, and the store reads the same records."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from synthetic import write_articles

from claimmap.cli import main
from claimmap.errors import StorageError
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.records import event_family
from claimmap.store.base import Store, open_store
from claimmap.store.rows import TABLES
from claimmap.store.transfer import copy_store

N_ARTICLES = 1000


@pytest.fixture(scope="module")
def team_store(tmp_path_factory: pytest.TempPathFactory, resolver: Resolver) -> Path:
    """1,000 ingested articles, an override, curation (dismissal, correction, restore), an audit
    of them and geocoder answers, in a SQLite file."""
    top = tmp_path_factory.mktemp("transfer")
    write_articles(top / "in", N_ARTICLES, prefix="t", seed=7, size=1500)
    db = top / "team.db"
    with open_store(db) as store:
        pipeline = Pipeline(store=store, resolver=resolver)
        assert len(pipeline.ingest_paths([top / "in"]).ingested) == N_ARTICLES
        mention = store.resolutions()[0].mention.mention_id
        pipeline.override(mention, "UA59080310010046655")
        events = store.events()
        pipeline.dismiss("event", events[0].event_id, reason="duplicate", who="olena")
        claim = events[1].claims[0]
        cid = f"{claim.article_id}:{claim.sentence_start}:{claim.mention_start}:{claim.mention_end}"
        pipeline.correct_claim(cid, actor="Ukrainian forces", who="mark")
        pipeline.restore("event", events[0].event_id, who="mark")
        store.cache_put("nominatim:Miropol", '{"lat": 51.0233, "lon": 35.2636}')
        store.cache_put("nominatim:Нікуди", "[]")
        # groups stored but not merged yet (a run killed before its merge): copied as such
        store.mark_groups({(e.place.place_id, event_family(e.event_type)) for e in events[2:5]})
    return db


def everything(store: Store) -> dict[str, object]:
    """What the store holds, through its own reads and as raw rows (sorted: rows of tables
    without an order of their own may come in any order)."""
    return {
        "articles": store.articles(),
        "mentions": store.mentions(),
        "resolutions": store.resolutions(),
        "claims": store.claims(),
        "events": store.events(),
        "overrides": store.overrides(),
        "curations": store.curations(),
        "audit": store.audit(),
        "cache": store.cache_get("nominatim:Нікуди"),
        **{f"rows:{t}": sorted(store.table_rows(t), key=repr) for t in TABLES},
    }


def test_a_1000_article_store_round_trips_exactly(
    team_store: Path, db: str, tmp_path: Path
) -> None:
    with open_store(team_store) as store:
        before = everything(store)
        counts = store.counts()
    assert counts["articles"] == N_ARTICLES
    assert all(counts[t] > 0 for t in TABLES), counts  # every table has something to copy
    assert copy_store(team_store, db) == counts
    with open_store(db) as there:
        assert everything(there) == before
    back = tmp_path / "back.db"
    assert copy_store(db, back) == counts
    with open_store(back) as store:
        assert everything(store) == before
        # the copy is a working store: the audit goes on numbering, articles are still new
        entry = store.curate(
            dataclasses.replace(store.curations()[0], who="ana", at=""), remove=True,
            audit_action="restore", old_value="x", new_value="y",
        )  # fmt: skip
        assert entry.seq == max(a.seq for a in before["audit"]) + 1  # type: ignore[attr-defined]


def test_migrate_refuses_a_store_that_is_not_empty_and_changes_nothing(
    team_store: Path, db: str
) -> None:
    with open_store(db) as store:
        store.cache_put("mine", "kept")
        Pipeline(store=store, resolver=Resolver.offline()).ingest_text(
            "Russian forces attacked Yunakivka.", title="mine"
        )
        before = store.counts()
    with pytest.raises(StorageError, match="is not empty; migrate copies into an empty store"):
        copy_store(team_store, db)
    with open_store(db) as store:
        assert store.counts() == before


def test_the_cli_copies_and_says_what(team_store: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "copy.db"
    assert main(["migrate", "--from", str(team_store), "--to", str(target)]) == 0
    err = capsys.readouterr().err
    assert f"articles {N_ARTICLES}," in err
    assert err.strip().endswith("counts verified")
    assert main(["migrate", "--from", str(team_store), "--to", str(target)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("claimmap: error: ")
    assert "is not empty" in line
    assert main(["migrate", "--from", str(target), "--to", str(target)]) == 1
    assert "the same store" in capsys.readouterr().err
