"""What only the PostgreSQL store has, on the session's throw-away server: URLs and connection
errors, its schema versions beside SQLite's, PostGIS or not, read-only users, damaged rows, the
merge lock; and ``claimmap migrate`` between the back ends."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import SEEDS
from pgserver import PgServer

from claimmap.cli import main
from claimmap.errors import (
    DatabaseCorruptError,
    ReadOnlyStoreError,
    SchemaVersionError,
    StorageError,
)
from claimmap.inputs.files import read_path
from claimmap.pipeline import Pipeline
from claimmap.places.resolve import Resolver
from claimmap.records import Article, ArticleAnalysis
from claimmap.store import neardup, pg_schema, sqlite
from claimmap.store.base import open_store
from claimmap.store.postgres import PostgresStore, display_url


@pytest.fixture
def pg_db(pg_server: PgServer) -> Callable[..., str]:
    """New databases on the server: ``pg_db()``, ``pg_db(postgis=True)``; dropped after."""
    made: list[str] = []

    def make(*, postgis: bool = False) -> str:
        if postgis and not pg_server.postgis:
            pytest.skip("PostGIS is not installed for this server")
        made.append(pg_server.create_database(postgis=postgis))
        return made[-1]

    yield make  # type: ignore[misc]
    for url in made:
        pg_server.admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def sql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement, params or None)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


# --- URLs and connection errors: one line, no password ---------------------------------------


def test_a_unix_socket_url_and_a_tcp_url_open_the_same_database(
    pg_server: PgServer, pg_db: Callable[..., str]
) -> None:
    url = pg_db()
    name = url.rsplit("/", 1)[1]
    with open_store(url) as store:
        store.cache_put("k", "v")
    with open_store(pg_server.socket_url(name)) as store:
        assert store.cache_get("k") == "v"
    assert display_url(url) == url.replace(":team-secret@", ":***@")
    assert "team-secret" not in repr(open_store(url))


@pytest.mark.parametrize(
    ("make_url", "message"),
    [
        (lambda s: s.url("postgres", password="wrong"), "password authentication failed"),
        (lambda s: s.url("no_such_db"), 'database "no_such_db" does not exist'),
        (lambda s: f"postgresql://claimmap:x@127.0.0.1:{s.port + 1}/db", "Connection refused"),
        (lambda s: s.url("postgres") + "?sslmode=nonsense", "sslmode"),
        (lambda s: "postgresql://", "name the database"),
    ],
    ids=["wrong-password", "no-database", "unreachable", "bad-option", "no-database-named"],
)
def test_a_bad_url_is_one_line_without_the_password(
    pg_server: PgServer, make_url: Callable[[PgServer], str], message: str
) -> None:
    url = make_url(pg_server)
    with pytest.raises(StorageError, match=message) as raised:
        open_store(url)
    text = str(raised.value)
    assert "\n" not in text
    assert "team-secret" not in text


def test_the_cli_says_why_it_cannot_connect_in_one_line(pg_server: PgServer) -> None:
    url = pg_server.url("postgres", password="wrong")
    done = subprocess.run(
        [sys.executable, "-m", "claimmap", "articles", "--db", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("claimmap: error: postgresql://claimmap:***@127.0.0.1:")
    assert "password authentication failed" in line
    assert "Traceback" not in done.stderr


# --- schema: SQLite's versions, refusing a newer one -----------------------------------------


def test_the_schema_has_sqlites_tables_and_columns(
    tmp_path: Path, pg_db: Callable[..., str]
) -> None:
    url = pg_db()
    open_store(url).close()
    with sqlite3.connect(tmp_path / "s.db") as conn:
        for script in sqlite.MIGRATIONS:
            conn.executescript(script)
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
        lite = {t: [(c[1], c[2]) for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()
    types = {"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision", "BLOB": "bytea"}
    pg_only = {("articles", "stored"), ("events", "lat"), ("events", "lon"),
               ("resolutions", "lat"), ("resolutions", "lon")}  # fmt: skip
    for table, columns in lite.items():
        found = sql(url, "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = %s ORDER BY ordinal_position", (table,))  # fmt: skip
        assert sorted((n, types[t]) for n, t in columns) == sorted(
            (n, t) for n, t in found if (table, n) not in pg_only
        ), table
    assert len(pg_schema.MIGRATIONS) == len(sqlite.MIGRATIONS)


def test_a_version_1_database_is_migrated_and_keeps_its_rows(pg_db: Callable[..., str]) -> None:
    url = pg_db()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(pg_schema.MIGRATIONS[0])  # type: ignore[arg-type]
        conn.execute("CREATE TABLE claimmap_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO claimmap_schema VALUES (1)")
        conn.execute("INSERT INTO articles (article_id, title, text) VALUES ('old1', 'Old', 'T')")
    with open_store(url) as store:
        assert store.schema_version == pg_schema.SCHEMA_VERSION
        assert store.article("old1").title == "Old"
        assert store.article("old1").url == ""  # migration 6's column
        assert store.claims() == []
        assert store.audit() == []
    assert sql(url, "SELECT version FROM claimmap_schema") == [(pg_schema.SCHEMA_VERSION,)]


def test_migrating_to_version_7_indexes_the_stored_articles(pg_db: Callable[..., str]) -> None:
    """The near-duplicate index is filled for the articles a version 6 database holds, and its
    events get their group and order columns from their place."""
    url = pg_db()
    first, second = (read_path(p) for p in SEEDS)
    place = '{"place_id": "UA1", "kind": "settlement", "name": "Myropillia"}'
    with psycopg.connect(url, autocommit=True) as conn:
        for script in pg_schema.MIGRATIONS[:6]:
            conn.execute(script)  # type: ignore[arg-type]
        conn.execute("CREATE TABLE claimmap_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO claimmap_schema VALUES (6)")
        conn.execute(
            "INSERT INTO articles (article_id, title, text) VALUES (%s, %s, %s)",
            (first.article_id, first.title, first.text),
        )
        conn.execute(
            "INSERT INTO events (event_id, seq, event_type, actor, status, place, precision, "
            "claims, n_claims, n_articles, n_origins, first_reported, last_reported, "
            "confidence, surfaces, sources) VALUES ('e1', 0, 'recapture', 'a', 'claimed', %s, "
            "1, '[]', 0, 1, 1, '2025-06-01', '2025-06-01', 0.5, '[]', '[]')",
            (place,),
        )
    with open_store(url) as store:
        assert store.schema_version == pg_schema.SCHEMA_VERSION == 7
        assert store.find_origin(second) == first.article_id
        assert store.counts()["shingles"] == 1
        assert len(list(store.table_rows("near_buckets"))) == neardup.BANDS
    assert sql(url, "SELECT place_id, family, sort_date, place_name FROM events") == [
        ("UA1", "control", "2025-06-01", "Myropillia")
    ]


def test_a_database_from_a_newer_claimmap_is_refused(pg_db: Callable[..., str]) -> None:
    url = pg_db()
    open_store(url).close()
    sql(url, "UPDATE claimmap_schema SET version = version + 1")
    with pytest.raises(SchemaVersionError, match=r"written by a newer claimmap \(schema version"):
        open_store(url)
    assert main(["articles", "--db", url]) == 1


def test_processes_opening_a_new_database_at_once_migrate_it_once(
    pg_db: Callable[..., str],
) -> None:
    url = pg_db()
    script = "import sys; from claimmap.store.base import open_store; open_store(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]  # fmt: skip
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    assert sql(url, "SELECT version FROM claimmap_schema") == [(pg_schema.SCHEMA_VERSION,)]


# --- PostGIS, or not -------------------------------------------------------------------------


def test_postgis_adds_a_point_and_a_gist_index_and_plain_has_neither(
    pg_db: Callable[..., str],
) -> None:
    plain, spatial = pg_db(), pg_db(postgis=True)
    indexes = "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%' ORDER BY 1"
    with open_store(plain) as store:
        assert isinstance(store, PostgresStore)
        assert not store.postgis
    assert sql(plain, indexes) == []
    with open_store(spatial) as store:
        assert isinstance(store, PostgresStore)
        assert store.postgis
        Pipeline(store=store, resolver=Resolver.offline()).ingest_paths(SEEDS)
        near = store.events_near(50.9, 34.8, 60)
    assert sql(spatial, indexes) == [("events_geom",), ("resolutions_geom",)]
    [(srid, kinds)] = sql(spatial, "SELECT ST_SRID(geom), count(*) FROM events "
                          "WHERE geom IS NOT NULL GROUP BY 1")  # fmt: skip
    assert srid == 4326
    assert kinds > 0
    assert near


def test_a_database_that_gains_postgis_gets_its_points_on_the_next_open(
    pg_db: Callable[..., str],
) -> None:
    url = pg_db(postgis=True)
    sql(url, "DROP EXTENSION postgis")
    with open_store(url) as store:
        Pipeline(store=store, resolver=Resolver.offline()).ingest_paths(SEEDS)
        assert not store.postgis  # type: ignore[attr-defined]
        before = store.events_in_bbox(33, 50, 36, 52)
    sql(url, "CREATE EXTENSION postgis")
    with open_store(url) as store:
        assert store.postgis  # type: ignore[attr-defined]
        assert store.events_in_bbox(33, 50, 36, 52) == before
    assert sql(url, "SELECT count(*) FROM events WHERE geom IS NULL AND lat IS NOT NULL") == [(0,)]


# --- read-only users, damaged rows, the merge lock -------------------------------------------


def test_a_user_who_may_only_read_reads_and_is_told_writes_are_off(
    pg_server: PgServer, pg_db: Callable[..., str]
) -> None:
    url = pg_db()
    with open_store(url) as store:
        Pipeline(store=store, resolver=Resolver.offline()).ingest_paths(SEEDS[:1])
    name = url.rsplit("/", 1)[1]
    pg_server.admin("DROP ROLE IF EXISTS reader")
    pg_server.admin("CREATE ROLE reader LOGIN PASSWORD 'r'")
    sql(url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader = url.replace("claimmap:team-secret@", "reader:r@")
    try:
        with open_store(reader) as store:
            assert store.read_only  # type: ignore[attr-defined]
            assert "reader may read but not write" in store.read_only_reason  # type: ignore[attr-defined]
            assert len(store.articles()) == 1
            assert store.events()
            with pytest.raises(ReadOnlyStoreError, match="writes are off") as raised:
                store.cache_put("k", "v")
            assert "\n" not in str(raised.value)
    finally:
        sql(url, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM reader")
        pg_server.admin(f"REVOKE ALL ON DATABASE {name} FROM reader")
        pg_server.admin("DROP ROLE reader")


@pytest.mark.parametrize(
    ("table", "column", "key", "read"),
    [
        ("events", "claims", "event_id", "events"),
        ("resolutions", "runners_up", "mention_id", "resolutions"),
        ("overrides", "place", "mention_id", "overrides"),
    ],
)
def test_a_damaged_json_value_is_one_line_naming_the_row(
    pg_db: Callable[..., str], table: str, column: str, key: str, read: str
) -> None:
    url = pg_db()
    with open_store(url) as store:
        Pipeline(store=store, resolver=Resolver.offline()).ingest_paths(SEEDS)
        first = store.resolutions()[0]
        store.set_override(first.mention.mention_id, first.place)  # type: ignore[arg-type]
    [(row,)] = sql(url, f"SELECT {key} FROM {table} ORDER BY 1 LIMIT 1")
    sql(url, f"UPDATE {table} SET {column} = %s WHERE {key} = %s", ('{"lat": [', row))
    with open_store(url) as store, pytest.raises(DatabaseCorruptError) as raised:
        getattr(store, read)()
    assert f"table {table}, row {row!r}" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_the_server_refuses_a_place_that_is_not_json(pg_db: Callable[..., str]) -> None:
    """The point columns are computed from the place: damage cannot even be written."""
    url = pg_db()
    with open_store(url) as store:
        Pipeline(store=store, resolver=Resolver.offline()).ingest_paths(SEEDS[:1])
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        sql(url, "UPDATE events SET place = '{\"lat\": ['")


def test_merges_wait_for_each_other_across_stores(pg_db: Callable[..., str]) -> None:
    url = pg_db()
    order: list[str] = []
    waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    with open_store(url) as one, open_store(url) as two:

        def second() -> None:
            with two.merging():
                order.append("second in")

        with one.merging():
            order.append("first in")
            thread = threading.Thread(target=second)
            thread.start()
            for _ in range(600):  # until the server shows the second merge waiting (hang guard)
                if sql(url, waiting) == [(1,)]:
                    break
                threading.Event().wait(0.05)
            order.append("first out")
        thread.join(60)
    assert order == ["first in", "first out", "second in"]
    assert sql(url, waiting) == [(0,)]


def test_two_processes_storing_the_same_article_store_it_once(pg_db: Callable[..., str]) -> None:
    url = pg_db()
    article = Article("same", "Title", "Russian forces attacked Miropol today.")
    with open_store(url) as one, open_store(url) as two:
        results: list[bool] = []
        threads = [threading.Thread(target=lambda s=s: results.append(
            s.save_analysis(ArticleAnalysis(article)))) for s in (one, two) * 4]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [False] * 7 + [True]
        assert [a.article_id for a in one.articles()] == ["same"]


def test_a_store_outlives_its_connections_being_dropped(pg_db: Callable[..., str]) -> None:
    """A server restart (here: every connection of the store terminated) costs no error: the
    read or write is tried once more on a fresh connection."""
    url = pg_db()
    kill = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid != pg_backend_pid()")  # fmt: skip
    with open_store(url) as store:
        store.cache_put("k", "v")
        assert sql(url, kill)[0][0] >= 1
        assert store.cache_get("k") == "v"
        assert sql(url, kill)[0][0] >= 1
        store.cache_put("k", "w")
        assert store.cache_get("k") == "w"
