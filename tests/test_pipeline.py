"""The pipeline end to end on real files: seeds, duplicates, broken files, corrections; on every
back end (the ``db`` fixture), then a full disk and a read-only file (SQLite's)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS
from synthetic import write_articles

from claimmap.claims.curation import claim_id as curation_id
from claimmap.inputs.files import read_path
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.store.base import open_store
from claimmap.store.sqlite import SQLiteStore

EXPECTED = {  # the four settlement events the seeds report
    "UA59080170090050969": ("territorial_capture", "Russian forces"),  # Oleksandriia
    "UA59080170010043659": ("assault", "Russian forces"),  # Myropillia
    "UA59080310010046655": ("armed_clash", None),  # Yunakivka
    "UA59080290080084186": ("armed_clash", None),  # Kindrativka
}


@pytest.fixture
def pipeline(resolver: Resolver, db: str) -> Iterator[Pipeline]:
    with open_store(db) as store:
        yield Pipeline(store=store, resolver=resolver)


def test_seeds_make_four_settlement_events_from_one_origin(pipeline: Pipeline) -> None:
    summary = pipeline.ingest_paths(SEEDS)
    assert summary.ingested == tuple(p.name for p in SEEDS)
    events = pipeline.store.events()
    settlements = [e for e in events if e.place.kind == "settlement"]
    assert {e.place.place_id for e in settlements} == set(EXPECTED)
    for event in settlements:
        event_type, actor = EXPECTED[event.place.place_id]
        assert event.event_type == event_type
        if actor:
            assert event.actor == actor
        assert event.precision == 1
        assert (event.n_articles, event.n_origins) == (2, 1)
        assert event.claims
        for claim in event.claims:
            text = pipeline.store.article(claim.article_id).text
            assert text[claim.sentence_start : claim.sentence_end] == claim.sentence
    areas = [e for e in events if e.place.kind != "settlement"]
    assert areas, "the battalion desertion on the Sumy front is a region-level event"
    assert all(e.precision == 3 for e in areas)
    assert not [e for e in events if e.place.kind == "country"]


def test_capture_sentence_is_kept_verbatim(pipeline: Pipeline) -> None:
    pipeline.ingest_paths(SEEDS)
    capture = next(e for e in pipeline.store.events() if e.event_type == "territorial_capture")
    sentences = " ".join(c.sentence for c in capture.claims)
    assert "Russian troops have seized control of the strategic town of Alexandria" in sentences


def test_reingest_is_a_no_op(pipeline: Pipeline) -> None:
    pipeline.ingest_paths(SEEDS)
    before = pipeline.store.events()
    again = pipeline.ingest_paths(SEEDS)
    assert again.ingested == ()
    assert len(again.duplicates) == len(SEEDS)
    assert pipeline.store.events() == before


def test_a_batch_with_broken_files_ingests_the_rest(pipeline: Pipeline, tmp_path: Path) -> None:
    for seed in SEEDS:
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 \xff\xfe broken \x00 bytes".encode("latin-1"))
    summary = pipeline.ingest_paths([tmp_path])
    assert set(summary.ingested) == {p.name for p in SEEDS}
    failed = dict(summary.failed)
    assert {"empty.txt", "image.txt", "latin1.txt"} <= set(failed)
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["image.txt"]
    assert len(pipeline.store.articles()) == len(SEEDS)
    assert "failed 3" in summary.describe()


def test_pasted_text_and_uploads(pipeline: Pipeline) -> None:
    pasted = pipeline.ingest_text(
        "Russian forces captured Yunakivka, DeepState reported.", title="Pasted update"
    )
    assert pasted.ingested == ("Pasted update",)
    uploads = pipeline.ingest_uploads([(SEEDS[0].name, SEEDS[0].read_bytes()), ("bad.txt", b"")])
    assert uploads.ingested == (SEEDS[0].name,)
    assert uploads.failed[0][0] == "bad.txt"


def test_override_persists_and_moves_the_event(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.ingest_paths(SEEDS[:1])
    resolution = next(r for r in pipeline.store.resolutions() if r.mention.surface == "Alexandria")
    other = "UA59080170010043659"
    pipeline.override(resolution.mention.mention_id, other)
    moved = pipeline.store.resolution(resolution.mention.mention_id)
    assert moved.place is not None
    assert moved.place.place_id == other
    assert "override" in moved.flags
    capture = next(e for e in pipeline.store.events() if e.event_type == "territorial_capture")
    assert capture.place.place_id == other


def test_override_is_reapplied_when_the_database_is_reopened(resolver: Resolver, db: str) -> None:
    first = Pipeline(store=open_store(db), resolver=resolver)
    first.ingest_paths(SEEDS[:1])
    mention_id = next(
        r.mention.mention_id
        for r in first.store.resolutions()
        if r.mention.surface == "Kondratovka"
    )
    first.override(mention_id, "UA59080310010046655")
    first.store.close()
    again = Pipeline(store=open_store(db), resolver=resolver)
    assert again.store.overrides()[mention_id].place_id == "UA59080310010046655"
    assert again.store.resolution(mention_id).place.place_id == "UA59080310010046655"  # type: ignore[union-attr]
    again.ingest_paths(SEEDS[1:])  # a rebuild re-applies it
    assert again.store.resolution(mention_id).place.place_id == "UA59080310010046655"  # type: ignore[union-attr]
    again.store.close()


def test_search_places_offers_homonyms(pipeline: Pipeline) -> None:
    found = pipeline.search_places("Oleksandrivka")
    assert len({p.place_id for p in found}) >= 3
    assert all("Oleksandrivka" in p.name for p in found[:3])


def test_override_covers_the_same_spelling_in_the_article(pipeline: Pipeline) -> None:
    pipeline.ingest_paths(SEEDS[1:])  # "Alexandria" three times: headline twice, then the body
    alexandria = [r for r in pipeline.store.resolutions() if r.mention.surface == "Alexandria"]
    assert len(alexandria) == 3
    pipeline.override(alexandria[-1].mention.mention_id, "UA59080170010043659")
    moved = [pipeline.store.resolution(r.mention.mention_id) for r in alexandria]
    assert {r.place.place_id for r in moved} == {"UA59080170010043659"}  # type: ignore[union-attr]
    miropol = [r for r in pipeline.store.resolutions() if r.mention.surface == "Miropol"]
    assert {r.place.place_id for r in miropol} == {"UA59080170010043659"}  # type: ignore[union-attr]
    assert not any("override" in r.flags for r in miropol)  # other names are left alone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Oleks", "Oleksandrivka"),
        ("kondrat", "Kindrativka"),
        ("Vorozhna", "Vorozhba"),
    ],
)
def test_search_places_takes_prefixes_and_typos(
    pipeline: Pipeline, query: str, expected: str
) -> None:
    assert expected in [p.name for p in pipeline.search_places(query)]


def test_a_full_disk_keeps_the_report_and_maps_what_is_stored(
    resolver: Resolver, tmp_path: Path
) -> None:
    """SQLite's ``max_page_count`` gives the same SQLITE_FULL as a full disk (issue 14)."""
    write_articles(tmp_path / "in", 40, prefix="a")
    store = SQLiteStore(tmp_path / "full.db")
    store._conn.execute("PRAGMA max_page_count = 150")
    pipeline = Pipeline(store=store, resolver=resolver)
    summary = pipeline.ingest_paths([tmp_path / "in"])
    stored = {Path(a.path).name: a.article_id for a in store.articles()}
    assert stored
    assert set(summary.ingested) == set(stored)  # the report says exactly what was stored
    assert len(summary.ingested) + len(summary.failed) == 40  # and about every file
    reasons = dict(summary.failed)
    assert any("disk is full" in why for why in reasons.values())
    events = store.events()
    assert events  # never an empty map
    assert {c.article_id for e in events for c in e.claims} == set(stored.values())
    assert "failed" in summary.describe()


def test_a_read_only_database_reports_every_file_and_keeps_its_events(
    resolver: Resolver, tmp_path: Path
) -> None:
    path = tmp_path / "ro.db"
    with SQLiteStore(path) as store:
        Pipeline(store=store, resolver=resolver).ingest_paths(SEEDS[:1])
    with SQLiteStore(path, read_only=True) as store:
        before = store.events()
        summary = Pipeline(store=store, resolver=resolver).ingest_paths(SEEDS)
        assert summary.duplicates == (SEEDS[0].name,)
        assert "writes are off" in summary.failed[0][1]
        assert "events not rebuilt" in summary.events_error
        assert store.events() == before


def test_a_given_publication_date_dates_claims_and_never_overrides_the_files_own(
    pipeline: Pipeline,
) -> None:
    text = "Вчора ворог атакував Кіндратівку."
    pipeline.ingest_text(text, title="uk", published="2025-06-10")
    pipeline.ingest_text(
        "Date: 2025-07-01\n\nRussian forces attacked Yunakivka.", published="2025-06-10"
    )
    by_title = {a.title: a for a in pipeline.store.articles()}
    assert by_title["uk"].published == "2025-06-10"
    assert "2025-07-01" in {a.published for a in pipeline.store.articles()}
    dates = {c.surface: (c.date, c.date_precision, c.date_text) for c in pipeline.store.claims()}
    assert dates["Кіндратівку"] == ("2025-06-09", 1, "Вчора")
    assert dates["Yunakivka"] == ("2025-07-01", 2, "")
    with pytest.raises(ValueError, match="not a date"):
        pipeline.ingest_text(text, published="31/31/2025")


def test_claims_stored_before_dates_existed_are_dated_when_events_are_rebuilt(
    pipeline: Pipeline,
) -> None:
    pipeline.ingest_text("Russian forces captured Kindrativka on Sunday.", published="2025-06-09")
    [article] = [a for a in pipeline.store.articles() if a.published]
    claims = pipeline.store.claims(article.article_id)
    undated = [replace(c, date="", date_end="", date_precision=0, date_text="") for c in claims]
    pipeline.store.replace_claims(article.article_id, undated, [])
    assert all(c.date_precision == 0 for c in pipeline.store.claims(article.article_id))
    events = pipeline.rebuild_events()
    [capture] = [e for e in events if e.event_type == "territorial_capture" and e.date]
    assert (capture.date, capture.time_precision) == ("2025-06-08", 1)
    assert capture.claims[0].date_text == "on Sunday"


def test_merging_only_the_changed_groups_gives_the_events_of_a_full_rebuild(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Batches, an override, dismissals, a correction and restores each re-merge only their
    (place, family) groups; the events are always those a rebuild from all claims gives."""
    for batch in range(3):
        folder = write_articles(tmp_path / f"b{batch}", 6, seed=batch)[0].parent
        pipeline.ingest_paths([folder])
        assert pipeline.store.events() == pipeline.rebuild_events()
    store = pipeline.store
    claims = store.claims()
    article = claims[0].article_id
    pipeline.dismiss("article", article)
    assert store.events() == pipeline.rebuild_events()
    claim = next(c for c in claims if c.article_id != article and c.event_type != "mention")
    pipeline.correct_claim(curation_id(claim), event_type="shelling", actor="Ukrainian forces")
    assert store.events() == pipeline.rebuild_events()
    pipeline.restore("article", article)
    pipeline.restore("claim", curation_id(claim))
    assert store.events() == pipeline.rebuild_events()
    event = store.events()[0]
    pipeline.dismiss("event", event.event_id)
    assert store.events() == pipeline.rebuild_events()
    pipeline.restore("event", event.event_id)
    assert store.events() == pipeline.rebuild_events()


def test_groups_stored_but_not_merged_are_merged_by_the_next_run(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """What a kill between storing an article and merging its events leaves is merged later."""
    [path] = write_articles(tmp_path, 1)
    analysis = pipeline.analyse(read_path(path))
    assert pipeline.store.save_analysis(analysis)  # stored, as if killed before the merge
    assert pipeline.store.events() == []
    assert pipeline.merge_events() > 0
    assert pipeline.store.events() == pipeline.rebuild_events() != []
    assert pipeline.merge_events() == 0  # nothing left waiting


def test_analysis_in_worker_processes_stores_what_a_serial_run_stores(
    resolver: Resolver, tmp_path: Path
) -> None:
    """A batch big enough for the workers (two chunks) gives the same articles in the same
    order, the same resolutions, claims and events as one process, and the same report."""
    folder = write_articles(tmp_path / "in", 70, seed=3)[0].parent
    shutil.copy(SEEDS[0], folder / "zz_seed.txt")
    (folder / "zz_seed_again.txt").write_text(SEEDS[0].read_text("utf-8"), encoding="utf-8")
    runs = []
    for workers in (1, 2):
        pipeline = Pipeline(store=SQLiteStore(":memory:"), resolver=resolver)
        pipeline.workers = workers
        summary = pipeline.ingest_paths([folder])
        store = pipeline.store
        stored = (store.articles(), store.resolutions(), store.claims(), store.events())
        runs.append((summary, *stored))
    assert runs[0] == runs[1]
    assert len(runs[0][0].ingested) == 71
    assert runs[0][0].duplicates == ("zz_seed_again.txt",)
