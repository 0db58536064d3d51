"""Curation (issue 13): dismiss and restore mentions, claims, events and articles, correct claims;
persisted in real databases (every back end: the seeded SQLite file is copied into each with
``claimmap.store.transfer``), audited, applied on every rebuild, and the same from the CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEEDS

from claimmap.claims.curation import apply_to_claims, claim_id, current_user, mention_of
from claimmap.cli import main
from claimmap.errors import CurationError, NotFoundError
from claimmap.pipeline import Pipeline
from claimmap.records import Claim, Curation
from claimmap.store.sqlite import MIGRATIONS, SCHEMA_VERSION
from claimmap.store.transfer import copy_store
from claimmap.views.export import events_csv, mentions_csv


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("curation") / "seeded.db"
    pipeline = Pipeline.open(db=db, offline=True)
    pipeline.ingest_paths(SEEDS)
    pipeline.store.close()  # checkpoints the WAL, so a copy of the file holds everything
    return db


@pytest.fixture
def pipeline(seeded: Path, db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pipeline]:
    monkeypatch.setenv("CLAIMMAP_USER", "analyst-1")
    copy_store(seeded, db)
    opened = Pipeline.open(db=db, offline=True)
    yield opened
    opened.store.close()


def _event(pipeline: Pipeline, name: str):
    return next(e for e in pipeline.store.events() if e.place.name == name)


def _names(pipeline: Pipeline) -> set[str]:
    return {e.place.name for e in pipeline.store.events()}


def test_claim_ids_are_stable_and_corrections_apply_before_merging():
    sentence = "Ukrainian drones hit artillery near Tetkino."
    claim = Claim("a1", 5, 30, sentence, "shelling", "Russian forces", "claimed", "", "P1",
                  "location", 20, 27, "Tetkino", 1, 0.8)  # fmt: skip
    assert claim_id(claim) == "a1:5:20:27"
    assert mention_of(claim) == "a1:20:27"
    fix = Curation("claim", "a1:5:20:27", "correct", '{"actor": "Ukrainian forces"}')
    [fixed] = apply_to_claims([claim], [fix])
    assert (fixed.actor, fixed.event_type) == ("Ukrainian forces", "shelling")
    for kind, target in (("claim", "a1:5:20:27"), ("mention", "a1:20:27"), ("article", "a1")):
        assert apply_to_claims([claim], [Curation(kind, target, "dismiss", "")]) == []
    assert apply_to_claims([claim], [Curation("mention", "a1:0:4", "dismiss", "")]) == [claim]
    with pytest.raises(CurationError, match="fields must be among"):
        apply_to_claims([claim], [Curation("claim", "a1:5:20:27", "correct", '{"place": "x"}')])


def test_who_is_claimmap_user_else_the_os_user(monkeypatch):
    monkeypatch.setenv("CLAIMMAP_USER", "  reviewer  ")
    assert current_user() == "reviewer"
    monkeypatch.delenv("CLAIMMAP_USER")
    assert current_user()  # the OS login name (or "unknown")


def test_dismissing_an_event_takes_it_off_the_map_and_the_csv_until_restored(pipeline):
    event = _event(pipeline, "Oleksandriia")
    label = pipeline.dismiss("event", event.event_id, reason="dateline, not a capture")
    assert label == "Oleksandriia — territorial capture"
    assert "Oleksandriia" not in _names(pipeline)
    assert "Oleksandriia" not in events_csv(pipeline.store.events())
    with pytest.raises(CurationError, match="already dismissed"):
        pipeline.dismiss("event", event.event_id)
    pipeline.rebuild_events()  # a rebuild keeps it dismissed
    assert "Oleksandriia" not in _names(pipeline)
    pipeline.restore("event", event.event_id)
    assert _event(pipeline, "Oleksandriia") == event
    with pytest.raises(CurationError, match="neither dismissed nor corrected"):
        pipeline.restore("event", event.event_id)
    [restore, dismiss] = pipeline.store.audit()[:2]
    assert (dismiss.action, dismiss.kind, dismiss.target) == ("dismiss", "event", event.event_id)
    assert (dismiss.old_value, dismiss.new_value) == ("shown", "dismissed: dateline, not a capture")
    assert (restore.action, restore.old_value, restore.new_value) == (
        "restore",
        "dismissed",
        "shown",
    )
    assert {dismiss.who, restore.who} == {"analyst-1"}
    assert dismiss.at <= restore.at
    assert dismiss.label == label


def test_dismissing_a_mention_drops_its_claims_and_its_row_in_the_mentions_export(pipeline):
    event = _event(pipeline, "Myropillia")
    mentions = {mention_of(c) for c in event.claims}
    for mention_id in mentions:
        pipeline.dismiss("mention", mention_id, reason="not a place")
    assert "Myropillia" not in _names(pipeline)
    kept = pipeline.resolutions()
    assert not mentions & {r.mention.mention_id for r in kept}
    articles = {a.article_id: a for a in pipeline.store.articles()}
    assert len(mentions_csv(kept, articles=articles).splitlines()) == (
        len(mentions_csv(pipeline.store.resolutions(), articles=articles).splitlines())
        - len(mentions)
    )
    for mention_id in mentions:
        pipeline.restore("mention", mention_id)
    assert "Myropillia" in _names(pipeline)


def test_dismissing_a_claim_recounts_its_event(pipeline):
    event = _event(pipeline, "Oleksandriia")
    first = event.claims[0]
    pipeline.dismiss("claim", claim_id(first), reason="not an event")
    after = next(e for e in pipeline.store.events() if e.event_id == event.event_id)
    assert after.n_claims == event.n_claims - 1
    assert claim_id(first) not in {claim_id(c) for c in after.claims}


def test_dismissing_an_article_removes_its_claims_everywhere_and_survives_reingest(pipeline, db):
    article = pipeline.store.articles()[0]
    pipeline.dismiss("article", article.article_id, reason="duplicate")
    events = pipeline.store.events()
    assert all(c.article_id != article.article_id for e in events for c in e.claims)
    summary = pipeline.ingest_paths(SEEDS)  # re-ingest: duplicates, events rebuilt
    assert len(summary.duplicates) == len(SEEDS)
    assert pipeline.store.events() == events
    again = Pipeline.open(db=db, offline=True)  # another process
    assert [c.target for c in again.store.curations()] == [article.article_id]
    again.restore("article", article.article_id)
    assert any(c.article_id == article.article_id for e in again.store.events() for c in e.claims)


def test_correcting_a_claim_changes_its_event_and_can_be_undone(pipeline):
    event = _event(pipeline, "Oleksandriia")
    claim = pipeline.claim(claim_id(event.claims[0]))
    entry = pipeline.correct_claim(claim_id(claim), event_type="armed_clash",
                                   actor="Ukrainian forces", status="confirmed")  # fmt: skip
    assert json.loads(entry.old_value) == {
        "event_type": claim.event_type, "actor": claim.actor, "status": claim.status}  # fmt: skip
    new = {"event_type": "armed_clash", "actor": "Ukrainian forces", "status": "confirmed"}
    assert json.loads(entry.new_value) == new
    moved = [e for e in pipeline.store.events()
             if claim_id(claim) in {claim_id(c) for c in e.claims}]  # fmt: skip
    assert [(e.place.name, e.event_type, e.status) for e in moved] == [
        ("Oleksandriia", "armed_clash", "confirmed")]  # fmt: skip
    [fixed] = [c for c in moved[0].claims if claim_id(c) == claim_id(claim)]
    assert fixed.actor == "Ukrainian forces"
    assert pipeline.claim(claim_id(claim)) == claim  # the stored claim is as extracted
    pipeline.correct_claim(claim_id(claim), event_type=claim.event_type)  # back: one field left
    [standing] = pipeline.store.curations()
    assert json.loads(standing.value) == {"actor": "Ukrainian forces", "status": "confirmed"}
    with pytest.raises(CurationError, match="nothing to change"):
        pipeline.correct_claim(claim_id(claim), actor="Ukrainian forces")
    pipeline.restore("claim", claim_id(claim))
    assert pipeline.store.curations() == []
    assert _event(pipeline, "Oleksandriia") == event


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda p: p.dismiss("place", "x"), CurationError, "unknown kind 'place'"),
        (lambda p: p.dismiss("event", "nope"), NotFoundError, "event 'nope' is not on the map"),
        (lambda p: p.dismiss("mention", "a:1:2"), NotFoundError, "mention 'a:1:2'"),
        (lambda p: p.dismiss("article", "zz"), NotFoundError, "article 'zz'"),
        (lambda p: p.correct_claim("a:1:2:3", actor="Ukrainian forces"), NotFoundError,
         "claim 'a:1:2:3'"),
        (lambda p: p.restore("claim", "a:1:2:3"), CurationError, "neither dismissed"),
    ],
)  # fmt: skip
def test_bad_curation_is_one_clear_error_and_changes_nothing(pipeline, call, error, message):
    before = pipeline.store.events()
    with pytest.raises(error, match=message):
        call(pipeline)
    assert pipeline.store.events() == before
    assert pipeline.store.audit() == []


def test_a_bad_correction_value_is_refused(pipeline):
    cid = claim_id(_event(pipeline, "Oleksandriia").claims[0])
    with pytest.raises(CurationError, match="unknown actor 'Belarus'"):
        pipeline.correct_claim(cid, actor="Belarus")
    with pytest.raises(CurationError, match="unknown event_type 'picnic'"):
        pipeline.correct_claim(cid, event_type="picnic")


def test_a_version_2_database_gains_the_curation_tables(tmp_path):
    db = tmp_path / "v2.db"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    pipeline = Pipeline.open(db=db, offline=True)
    assert pipeline.store.schema_version == SCHEMA_VERSION >= 3
    assert pipeline.store.curations() == []
    assert pipeline.store.audit() == []


def test_the_cli_dismisses_restores_corrects_and_lists_the_audit(pipeline, db, capsys):
    event = _event(pipeline, "Yunakivka")
    assert main(["dismiss", "event", event.event_id, "--reason", "unit name", "--db", db]) == 0
    assert "dismissed event" in capsys.readouterr().err
    assert main(["events", "--db", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert "Yunakivka" not in {r["location"] for r in rows}
    assert main(["restore", "event", event.event_id, "--db", db]) == 0
    cid = claim_id(event.claims[0])
    assert main(["correct-claim", cid, "--actor", "Ukrainian forces", "--db", db]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", db]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(x[2], x[3]) for x in lines] == [("correct", "claim"), ("restore", "event"),
                                             ("dismiss", "event")]  # fmt: skip
    assert lines[0][1] == "analyst-1"
    assert main(["dismiss", "event", "nope", "--db", db]) == 1
    assert capsys.readouterr().err.startswith("claimmap: error: event 'nope' is not on the map")
    assert main(["correct-claim", cid, "--event-type", "picnic", "--db", db]) == 1
    assert "unknown event_type 'picnic'" in capsys.readouterr().err


def test_the_store_keeps_one_standing_curation_per_target_and_every_audit_entry(tmp_path):
    from claimmap.store.base import open_store

    with open_store(tmp_path / "s.db") as store:
        change = Curation("event", "e1", "dismiss", "duplicate", "Sumy — assault", who="ana")
        first = store.curate(change, remove=False, audit_action="dismiss", old_value="shown",
                             new_value="dismissed")  # fmt: skip
        store.curate(change, remove=False, audit_action="dismiss", old_value="shown",
                     new_value="dismissed")  # fmt: skip
        [standing] = store.curations()
        assert (standing.kind, standing.target, standing.value, standing.who) == (
            "event", "e1", "duplicate", "ana")  # fmt: skip
        store.curate(change, remove=True, audit_action="restore", old_value="dismissed",
                     new_value="shown")  # fmt: skip
        assert store.curations() == []
        audit = store.audit()
        assert [a.action for a in audit] == ["restore", "dismiss", "dismiss"]
        assert audit[-1] == first
        assert store.audit(limit=1) == audit[:1]
