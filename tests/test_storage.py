"""Tests of the stores on real databases: round trips, atomicity, concurrency, overrides and the
geocoder cache on every back end (the ``store`` and ``db`` fixtures: SQLite files, PostgreSQL
without and with PostGIS), then what only SQLite files have: migrations of old files, damage,
locking, a full disk, read-only files. PostgreSQL's own cases are in test_postgres.py."""

from __future__ import annotations

import dataclasses
import random
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from unprivileged import run_as_nobody

from claimmap.errors import (
    DatabaseCorruptError,
    MapError,
    NotFoundError,
    ReadOnlyStoreError,
    SchemaVersionError,
    StorageError,
    StorageFullError,
)
from claimmap.inputs.files import read_path
from claimmap.inputs.text import NEAR_DUPLICATE_THRESHOLD, similarity
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.records import (
    Article,
    ArticleAnalysis,
    Candidate,
    Claim,
    Curation,
    Event,
    Mention,
    Place,
    Resolution,
)
from claimmap.store import neardup
from claimmap.store.base import Store, default_db_path, open_store
from claimmap.store.rows import haversine_km
from claimmap.store.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore

SEEDS = sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))
DATA = Path(__file__).parent / "data" / "ingest"

MYROPILLIA = Place(
    place_id="UA59080170010038467",
    kind="settlement",
    name="Myropillia",
    name_uk="Миропілля",
    name_ru="Мирополье",
    lat=51.0233,
    lon=35.2636,
    coord_source="geonames",
    population=3128,
    admin1="Sumy",
    admin2="Sumskyi",
    admin3="Myropilska",
    geonames_id=702569,
    settlement_type="selyshche",
    variants=("Miropol", "Myropillya", "Мирополье"),
)
SECTOR = Place("sector:sumy", "sector", "Sumy direction", tier="sumy")


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    with open_store(db) as opened:
        yield opened


def analysis(
    article_id: str = "a1", text: str = "Russian forces attacked Miropol today."
) -> ArticleAnalysis:
    article = Article(article_id, "Attack on Miropol", text, "Herald", "2025-06-03", "en", "x.txt")
    start = text.index("Miropol")
    mention = Mention(article_id, start, start + 7, "Miropol", "settlement", "miropol")
    other = Mention(article_id, 0, 7, "Russian", "unknown", "russian")
    resolved = Resolution(
        mention,
        MYROPILLIA,
        0.93,
        1,
        "sumy",
        "variant match in Sumy oblast",
        runners_up=(Candidate(SECTOR, 0.2, "fuzzy", "sumy"),),
        flags=("far_from_article",),
    )
    unresolved = Resolution(other, None, 0.0, 0, "unresolved", "no gazetteer entry")
    claim = Claim(
        article_id, 0, len(text), text, "assault", "Russian forces", "claimed", "",
        MYROPILLIA.place_id, "location", start, start + 7, "Miropol", 1, 0.8,
        date="2025-06-03", date_precision=1, date_text="today",
    )  # fmt: skip
    return ArticleAnalysis(
        dataclasses.replace(article, origin_id=article_id),
        (mention, other),
        (resolved, unresolved),
        (claim, dataclasses.replace(claim, role="target", confidence=0.5)),
    )


def test_resolutions_below_a_confidence_are_the_unresolved_and_the_unsure(store: Store) -> None:
    """What the Review tab reads: unresolved mentions and those less sure than the threshold,
    of one article or all, in the order of the full list."""
    store.save_analysis(analysis())
    store.save_analysis(analysis("a2", "Drone strike on Miropol again, said the Russian MoD."))
    every = store.resolutions()
    assert len(every) == 4
    for below in (0.0, 0.5, 0.93, 0.94, 1.0):
        want = [r for r in every if r.place is None or r.confidence < below]
        assert store.resolutions(below=below) == want
        assert store.resolutions("a2", below=below) == [
            r for r in want if r.mention.article_id == "a2"
        ]
    assert [r.place for r in store.resolutions(below=0.5)] == [None, None]
    assert len(store.resolutions(below=0.94)) == 4


def test_every_record_type_round_trips(store: Store) -> None:
    a = analysis()
    assert store.save_analysis(a) is True
    assert store.articles() == [a.article]
    assert store.article("a1") == a.article
    assert store.has_article("a1")
    assert store.mentions() == sorted(a.mentions, key=lambda m: m.start)
    assert store.resolutions("a1") == sorted(a.resolutions, key=lambda r: r.mention.start)
    assert store.resolution("a1:24:31") == a.resolutions[0]
    assert store.resolution("a1:24:31").runners_up[0].place == SECTOR
    assert store.claims() == list(a.claims)
    event = Event(
        "e1", "assault", "Russian forces", "claimed", MYROPILLIA, 1, a.claims, 2, 1, 1,
        "2025-06-03", "2025-06-03", 0.8, ("Miropol",), ("Attack on Miropol (Herald)",),
        date="2025-06-02", date_end="2025-06-03", time_precision=1,
    )  # fmt: skip
    store.replace_events([event, dataclasses.replace(event, event_id="e2", place=SECTOR)])
    assert store.events() == [event, dataclasses.replace(event, event_id="e2", place=SECTOR)]
    store.replace_events([event])
    assert store.events() == [event]


def test_filters_and_not_found(store: Store) -> None:
    store.save_analysis(analysis("a1"))
    store.save_analysis(analysis("a2", "Fighting continues near Miropol."))
    assert [m.article_id for m in store.mentions("a2")] == ["a2", "a2"]
    assert {c.article_id for c in store.claims("a1")} == {"a1"}
    assert len(store.resolutions()) == 4
    assert store.claims("zz") == []
    with pytest.raises(NotFoundError, match="article 'zz' is not in "):
        store.article("zz")
    with pytest.raises(NotFoundError, match="mention 'a1:0:1' has no resolution"):
        store.resolution("a1:0:1")


def test_duplicate_save_is_a_no_op(store: Store) -> None:
    assert store.save_analysis(analysis()) is True
    changed = dataclasses.replace(analysis(), claims=())
    assert store.save_analysis(changed) is False
    assert len(store.articles()) == 1
    assert len(store.claims()) == 2


@pytest.mark.parametrize(
    "bad_claim",
    [
        {"sentence_start": "zero"},  # STRICT tables refuse TEXT in an INTEGER column
        {"confidence": [0.5]},  # cannot be bound at all
        {"article_id": "someone-else"},  # a claim of another article
    ],
)
def test_a_failure_inside_save_leaves_no_half_article(
    store: Store, bad_claim: dict[str, object]
) -> None:
    good = analysis()
    broken = dataclasses.replace(
        good, claims=(good.claims[0], dataclasses.replace(good.claims[1], **bad_claim))
    )
    with pytest.raises(StorageError, match=r"article a1|someone-else"):
        store.save_analysis(broken)
    assert not store.has_article("a1")
    assert (store.articles(), store.mentions(), store.resolutions(), store.claims()) == ([],) * 4
    assert store.save_analysis(good) is True  # the store is still usable


def test_find_origin_links_the_rewritten_seed(store: Store) -> None:
    first, second = (read_path(p) for p in SEEDS)
    unrelated = read_path(DATA / "front_other.txt")
    assert store.find_origin(first) == first.article_id  # nothing stored yet
    assert store.save_analysis(ArticleAnalysis(first)) is True
    assert store.article(first.article_id).origin_id == first.article_id  # filled in on save
    assert store.find_origin(second) == first.article_id
    assert store.find_origin(unrelated) == unrelated.article_id
    store.save_analysis(ArticleAnalysis(second))
    assert store.article(second.article_id).origin_id == first.article_id
    assert store.find_origin(second) == first.article_id  # stored: its stored origin


def test_migrates_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO articles VALUES ('old1', 'Old', 'Miropol text', '', '', 'en', '', 'old1')"
        )
        conn.execute(
            "INSERT INTO mentions VALUES ('old1:0:7', 'old1', 0, 7, 'Miropol', 'settlement', 'm')"
        )
    conn.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS) > 1
        assert store.article("old1").title == "Old"
        assert store.claims() == []  # the date columns (migration 3) are there to read
        assert store.events() == []
        store.set_override("old1:0:7", MYROPILLIA)
        store.cache_put("q", "v")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with SQLiteStore(path) as store:  # reopening a current file changes nothing
        assert store.overrides() == {"old1:0:7": MYROPILLIA}


def test_migration_3_adds_source_links_and_keeps_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    mine = next(i for i, script in enumerate(MIGRATIONS) if "ADD COLUMN url" in script)
    with sqlite3.connect(path) as conn:
        for script in MIGRATIONS[:mine]:  # the schema just before this migration
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {mine}")
        conn.execute("INSERT INTO articles VALUES ('v2', 'Old', 'Text', '', '', 'en', '', 'v2')")
    conn.close()
    linked = Article(
        "tg1", "Post", "Shelling of Shostka.", source="DSNS Sumy", published="2025-06-03",
        url="https://t.me/dsns_sumy/7", published_at="2025-06-03T08:15:00+03:00",
    )  # fmt: skip
    with SQLiteStore(path) as store:
        old = store.article("v2")
        assert (old.url, old.published_at) == ("", "")
        assert store.save_analysis(ArticleAnalysis(linked))
        assert store.article("tg1") == dataclasses.replace(linked, origin_id="tg1")
        event = Event(
            "e1", "shelling", "unspecified", "claimed", MYROPILLIA, 1, (), 0, 1, 1,
            source_urls=("https://t.me/dsns_sumy/7",),
        )  # fmt: skip
        store.replace_events([event])
        assert store.events()[0].source_urls == ("https://t.me/dsns_sumy/7",)


def test_refuses_a_file_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaVersionError, match=r"new\.db: written by a newer claimmap"):
        SQLiteStore(path)


def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n", encoding="utf-8")
    with pytest.raises(DatabaseCorruptError, match=r"notes\.db: not a SQLite database"):
        SQLiteStore(path)
    assert path.read_text(encoding="utf-8").startswith("these are my notes")  # untouched


def test_refuses_a_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    with SQLiteStore(path) as store:
        for i, seed in enumerate(SEEDS * 20):
            text = seed.read_text(encoding="utf-8") + f"\ncopy {i}"
            store.save_analysis(ArticleAnalysis(Article(f"id{i}", "t", text)))
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate(size // 2)
    with pytest.raises(DatabaseCorruptError, match=r"cut\.db: the database file is damaged"):
        SQLiteStore(path)


def test_locked_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    SQLiteStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(path, timeout=0.2) as store:
            with pytest.raises(StorageError, match=r"busy\.db: the database is locked .* 0\.2 s"):
                store.cache_put("k", "v")
            assert store.cache_get("k") is None  # readers are not blocked in WAL mode
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_two_connections_write_at_once(db: str) -> None:
    path = db
    open_store(path).close()
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            with open_store(path) as store:
                for i in range(30):
                    store.save_analysis(analysis(f"{prefix}{i}"))
                    store.cache_put(f"{prefix}{i}", "v")
        except BaseException as err:  # collected and asserted on below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(p,)) for p in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(path) as store:
        assert len(store.articles()) == 90
        assert len(store.claims()) == 180


def test_one_store_shared_by_threads(db: str) -> None:
    with open_store(db) as store:
        threads = [
            threading.Thread(target=store.save_analysis, args=(analysis(f"t{i}"),))
            for i in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(store.articles()) == 8


def test_overrides_persist_across_reopen(db: str) -> None:
    path = db
    with open_store(path) as store:
        store.save_analysis(analysis())
        store.set_override("a1:0:7", SECTOR)
        store.set_override("a1:24:31", SECTOR)
        store.set_override("a1:24:31", MYROPILLIA)  # a second correction replaces the first
        with pytest.raises(NotFoundError, match="mention 'a1:1:2' is not in"):
            store.set_override("a1:1:2", SECTOR)
    with open_store(path) as store:
        assert store.overrides() == {"a1:0:7": SECTOR, "a1:24:31": MYROPILLIA}


def test_replace_claims_after_an_override(store: Store) -> None:
    a = analysis()
    store.save_analysis(a)
    fixed = dataclasses.replace(
        a.resolutions[1], place=SECTOR, confidence=1.0, precision=3, tier="sumy",
        reason="user override", flags=("override",),
    )  # fmt: skip
    new_claim = dataclasses.replace(a.claims[0], place_id=SECTOR.place_id, precision=3)
    store.replace_claims("a1", [new_claim], [fixed])
    assert store.claims("a1") == [new_claim]
    assert store.resolution("a1:0:7") == fixed
    assert store.resolution("a1:24:31") == a.resolutions[0]  # untouched
    with pytest.raises(NotFoundError, match="article 'nope'"):
        store.replace_claims("nope", [], [])
    with pytest.raises(StorageError, match="belongs to article 'a1', not 'a2'"):
        store.save_analysis(dataclasses.replace(analysis("a2"), claims=a.claims))


def test_geocoder_cache(db: str) -> None:
    with open_store(db) as store:
        assert store.cache_get("nominatim:Miropol") is None
        store.cache_put("nominatim:Miropol", '{"lat": 51.02}')
        store.cache_put("nominatim:Miropol", '{"lat": 51.0233}')
        store.cache_put("nominatim:Nowhere", "[]")
    with open_store(db) as store:
        assert store.cache_get("nominatim:Miropol") == '{"lat": 51.0233}'
        assert store.cache_get("nominatim:Nowhere") == "[]"


def test_open_store_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CLAIMMAP_DB", raising=False)
    with open_store("sqlite:///rel/x.db") as store:
        assert isinstance(store, Store)
        store.cache_put("k", "v")
    assert (tmp_path / "rel" / "x.db").is_file()
    with open_store(tmp_path / "deep" / "er" / "y.db"):
        pass
    assert (tmp_path / "deep" / "er" / "y.db").is_file()
    with open_store(f"sqlite:///{tmp_path}/abs.db"):
        pass
    assert (tmp_path / "abs.db").is_file()
    with open_store(":memory:") as store:
        assert store.articles() == []
    with open_store() as store:
        store.cache_put("k", "v")
    assert default_db_path() == tmp_path / "xdg" / "claimmap" / "claimmap.db"
    assert default_db_path().is_file()
    monkeypatch.setenv("CLAIMMAP_DB", str(tmp_path / "team.db"))
    with open_store() as store:  # no target: CLAIMMAP_DB
        store.cache_put("k", "v")
    assert (tmp_path / "team.db").is_file()
    with pytest.raises(StorageError, match=r"mysql://\.\.\.: not a database claimmap knows"):
        open_store("mysql://h/db")


def test_closed_store_raises_storage_error(db: str) -> None:
    store = open_store(db)
    store.close()
    with pytest.raises(StorageError, match=r"error while reading"):
        store.articles()
    with pytest.raises(StorageError, match=r"error while|closed"):
        store.cache_put("k", "v")


# --- a full disk, a read-only database, a tampered row (issue 14) ---------------------------


def seeded(path: Path, resolver: Resolver) -> None:
    with open_store(path) as store:
        Pipeline(store=store, resolver=resolver).ingest_paths(SEEDS)


def test_a_full_database_keeps_its_old_events(tmp_path: Path, resolver: Resolver) -> None:
    """``max_page_count`` is SQLite's own size limit: the same SQLITE_FULL as a full disk."""
    path = tmp_path / "full.db"
    seeded(path, resolver)
    with SQLiteStore(path) as store:
        before = store.events()
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        bigger = [dataclasses.replace(e, surfaces=("x" * 50_000,)) for e in before] * 3
        with pytest.raises(StorageFullError, match="disk is full"):
            store.replace_events(
                [dataclasses.replace(e, event_id=f"{e.event_id}{i}") for i, e in enumerate(bigger)]
            )
        assert store.events() == before  # rolled back whole: never an empty table


def test_a_read_only_database_is_read_and_says_writes_are_off(
    tmp_path: Path, resolver: Resolver
) -> None:
    path = tmp_path / "ro.db"
    seeded(path, resolver)
    with SQLiteStore(path, read_only=True) as store:
        assert store.read_only
        assert len(store.articles()) == 2
        assert store.events()
        with pytest.raises(ReadOnlyStoreError, match="writes are off"):
            store.cache_put("k", "v")


@pytest.mark.parametrize("locked", ["directory", "file"])
def test_a_database_nobody_may_write_opens_read_only(locked: str, resolver: Resolver) -> None:
    top = Path(tempfile.mkdtemp(prefix="claimmap-ro-"))
    try:
        path = top / "claims.db"
        seeded(path, resolver)  # WAL mode; closing removed -wal and -shm
        path.chmod(0o444 if locked == "file" else 0o666)
        top.chmod(0o555 if locked == "directory" else 0o777)

        def use() -> list:
            with open_store(path) as store:
                articles = len(store.articles())
                events = len(store.events())
                try:
                    store.set_override("x:0:1", Place("p", "settlement", "P"))
                except ReadOnlyStoreError as err:
                    return [store.read_only_reason, articles, events, str(err)]
                return [store.read_only_reason, articles, events, "written"]

        reason, articles, events, error = run_as_nobody(use)
        with SQLiteStore(path, read_only=True) as store:
            assert (articles, events) == (2, len(store.events()))
    finally:
        top.chmod(0o755)
        shutil.rmtree(top)
    assert "is not writable" in reason
    assert "writes are off" in error
    assert "\n" not in error


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [
        ("events", "place", "event_id"),
        ("events", "claims", "event_id"),
        ("resolutions", "place", "mention_id"),
        ("resolutions", "runners_up", "mention_id"),
        ("overrides", "place", "mention_id"),
    ],
)
def test_a_tampered_json_value_is_one_line_naming_the_row(
    tmp_path: Path, resolver: Resolver, table: str, column: str, key: str
) -> None:
    path = tmp_path / "t.db"
    seeded(path, resolver)
    with SQLiteStore(path) as store:
        mention = store.resolutions()[0].mention.mention_id
        store.set_override(mention, store.resolutions()[0].place)
    with sqlite3.connect(path) as conn:
        row = conn.execute(f"SELECT {key} FROM {table} WHERE {column} IS NOT NULL").fetchone()[0]
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", ('{"lat": [', row))
    reads = {"events": "events", "resolutions": "resolutions", "overrides": "overrides"}
    with SQLiteStore(path) as store, pytest.raises(DatabaseCorruptError) as raised:
        getattr(store, reads[table])()
    message = str(raised.value)
    assert f"table {table}, row {row!r}" in message
    assert "\n" not in message


def test_issue_11_fields_round_trip(store: Store) -> None:
    a = analysis("a11")
    rich = dataclasses.replace(
        a.claims[0], language="uk", detail="kab", target_side="Ukrainian forces",
        source="General Staff of Ukraine", source_side="UA", source_kind="official",
        situation=True, hedged=True, killed=2, injured=5, denied_by="a11:40:60",
    )  # fmt: skip
    store.save_analysis(dataclasses.replace(a, claims=(rich,)))
    [back] = store.claims("a11")
    assert back == rich
    assert back.situation is True
    event = Event(
        "e11", "assault", "Russian forces", "claimed", MYROPILLIA, 1, (rich,), 1, 1, 1,
        detail="kab", target_side="Ukrainian forces", sides=("RU", "UA"), monitors=("ISW",),
        n_sides=2, n_monitors=1, situation=True, killed=2, injured=5, denials=1,
    )  # fmt: skip
    store.replace_events([event])
    assert store.events() == [event]


# --- where: bounding boxes and radii, the same answers on every back end (issue 17) ----------


def spread_events(rng: random.Random) -> list[Event]:
    """Events at random points on the globe, a cluster around Sumy, a few on box edges and
    across the antimeridian, and a sector without a point."""
    points = [(rng.uniform(-89.5, 89.5), rng.uniform(-180, 180)) for _ in range(120)]
    points += [(50.9 + rng.uniform(-1, 1), 34.8 + rng.uniform(-1.5, 1.5)) for _ in range(60)]
    points += [(51.0, 35.0), (50.0, 33.0), (52.0, 36.0), (0.0, 179.9), (0.5, -179.9)]
    events = []
    for i, (lat, lon) in enumerate(points):
        place = dataclasses.replace(MYROPILLIA, place_id=f"p{i}", name=f"P{i}", lat=lat, lon=lon)
        events.append(Event(f"e{i}", "shelling", "unspecified", "claimed", place, 1, (), 0, 1, 1))
    return [*events, Event("sector", "assault", "unspecified", "claimed", SECTOR, 3, (), 0, 1, 1)]


def test_bbox_and_radius_queries_give_the_brute_force_answers(store: Store) -> None:
    rng = random.Random(17)
    events = spread_events(rng)
    store.replace_events(events)
    # the store's order (date, place name, type, id) is the order every area query gives
    pointed = [e for e in store.events() if e.place.has_point]
    assert sorted(pointed, key=lambda e: e.event_id) == sorted(
        (e for e in events if e.place.has_point), key=lambda e: e.event_id
    )
    boxes = [(33.0, 50.0, 36.0, 52.0), (170.0, -10.0, -170.0, 10.0), (-180, -90, 180, 90)]
    for _ in range(25):
        south, north = sorted(rng.uniform(-90, 90) for _ in range(2))
        boxes.append((rng.uniform(-180, 180), south, rng.uniform(-180, 180), north))
    for west, south, east, north in boxes:
        inside = [
            e.event_id
            for e in pointed
            if south <= e.place.lat <= north  # type: ignore[operator]
            and (west <= e.place.lon <= east if west <= east  # type: ignore[operator]
                 else e.place.lon >= west or e.place.lon <= east)  # type: ignore[operator]
        ]  # fmt: skip
        found = [e.event_id for e in store.events_in_bbox(west, south, east, north)]
        assert found == inside, (west, south, east, north)
    assert {"e180", "e181", "e182"} <= {e.event_id for e in store.events_in_bbox(33, 50, 36, 52)}
    circles = [(51.0, 35.0, 0.0), (51.0, 35.0, 30.0), (89.0, 0.0, 500.0), (0.2, 180.0, 300.0)]
    circles += [
        (rng.uniform(-90, 90), rng.uniform(-180, 180), rng.choice([5.0, 80.0, 900.0, 6000.0]))
        for _ in range(25)
    ]
    for lat, lon, km in circles:
        near = [e.event_id for e in pointed
                if haversine_km(lat, lon, e.place.lat, e.place.lon) <= km]  # type: ignore[arg-type]  # fmt: skip
        assert [e.event_id for e in store.events_near(lat, lon, km)] == near, (lat, lon, km)
    assert store.events_near(51.0, 35.0, 0) == [e for e in events if e.event_id == "e180"]


def test_places_in_bbox_are_the_resolved_places_there(store: Store) -> None:
    store.save_analysis(analysis("a1"))
    assert store.places_in_bbox(35.0, 51.0, 35.5, 51.1) == [MYROPILLIA]
    assert store.places_in_bbox(30.0, 45.0, 31.0, 46.0) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.events_in_bbox(36, 52, 33, 50), r"south \(52\) <= north \(50\)"),
        (lambda s: s.events_in_bbox(33, 50, 200, 52), r"longitudes 33, 200"),
        (lambda s: s.events_in_bbox("west", 50, 36, 52), r"not numbers"),
        (lambda s: s.events_near(91, 0, 5), r"is not a latitude and longitude"),
        (lambda s: s.events_near(51, 35, -1), r"radius must be a distance >= 0 km"),
        (lambda s: s.events_near(51, 35, float("nan")), r"radius must be a distance"),
    ],
)
def test_a_bad_box_or_radius_is_one_line(store: Store, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MapError, match=message) as raised:
        call(store)
    assert "\n" not in str(raised.value)


def test_curation_and_its_audit_say_who_and_when(store: Store) -> None:
    store.save_analysis(analysis("a1"))
    first = store.curate(
        Curation("mention", "a1:0:7", "dismiss", "not a place", "“Russian”", who="olena"),
        remove=False, audit_action="dismiss", old_value="shown", new_value="dismissed",
    )  # fmt: skip
    fix = Curation("claim", "a1:0:24:31", "correct", '{"actor": "Ukrainian forces"}', "Miropol",
                   at="2025-06-04T10:00:00+00:00", who="mark")  # fmt: skip
    second = store.curate(fix, remove=False, audit_action="correct", old_value="{}",
                          new_value=fix.value)  # fmt: skip
    third = store.curate(
        dataclasses.replace(fix, who="olena", at=""), remove=True, audit_action="restore",
        old_value=fix.value, new_value="as extracted",
    )  # fmt: skip
    assert first.seq < second.seq < third.seq
    assert first.at
    assert (first.who, second.at) == ("olena", "2025-06-04T10:00:00+00:00")
    assert store.audit() == [third, second, first]
    assert store.audit(limit=1) == [third]
    assert [(c.kind, c.target, c.who) for c in store.curations()] == [
        ("mention", "a1:0:7", "olena")
    ]
    again = store.curate(
        Curation("mention", "a1:0:7", "dismiss", "duplicate", "“Russian”", who="mark"),
        remove=False, audit_action="dismiss", old_value="dismissed", new_value="dismissed",
    )  # fmt: skip
    [standing] = store.curations()  # one standing curation per target and action
    assert (standing.value, standing.who, standing.at) == ("duplicate", "mark", again.at)


def test_near_duplicate_index_pairs_rewrites_and_nothing_else(store: Store) -> None:
    """The LSH index (claimmap.store.neardup) finds the rewrites the exact Jaccard pairs, and an
    unrelated report among them stays its own origin (on every back end)."""
    plain, rewrite = read_path(DATA / "plain.txt"), read_path(DATA / "plain_rewrite.txt")
    others = [read_path(DATA / name) for name in ("front_other.txt", "dateline.txt", "article.md")]
    for article in [plain, *others]:
        store.save_analysis(ArticleAnalysis(article))
    assert store.find_origin(rewrite) == plain.article_id
    assert similarity(plain.text, rewrite.text) >= NEAR_DUPLICATE_THRESHOLD
    for other in others:
        assert store.article(other.article_id).origin_id == other.article_id
    buckets = list(store.table_rows("near_buckets"))
    assert len(buckets) == neardup.BANDS * 4
    assert {aid for _, aid in buckets} == {a.article_id for a in [plain, *others]}
    assert store.counts()["shingles"] == 4


def test_the_index_agrees_with_the_exact_jaccard() -> None:
    plain, rewrite = (read_path(DATA / n).text for n in ("plain.txt", "plain_rewrite.txt"))
    a, b = neardup.signature(plain), neardup.signature(rewrite)
    assert neardup.jaccard(a.shingles, b.shingles) == pytest.approx(similarity(plain, rewrite))
    assert neardup.signature("").buckets == ()  # nothing to index, never a candidate


def test_migrating_to_version_7_indexes_the_stored_articles(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    first, second = (read_path(p) for p in SEEDS)
    with sqlite3.connect(path) as conn:
        for script in MIGRATIONS[:6]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 6")
        conn.execute(
            "INSERT INTO articles (article_id, title, text) VALUES (?, ?, ?)",
            (first.article_id, first.title, first.text),
        )
    with SQLiteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.find_origin(second) == first.article_id
