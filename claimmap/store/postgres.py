"""The PostgreSQL store: one corpus shared by a team, with PostGIS where the database has it.

    >>> from claimmap.store.base import open_store
    >>> store = open_store("postgresql://analyst@db.newsroom.example/claimmap")  # doctest: +SKIP
    >>> [e.place.name for e in store.events_near(50.91, 34.80, 25)]             # doctest: +SKIP
    ['Sumy', 'Vorozhba']

This is the only module that touches PostgreSQL (psycopg 3, a ``psycopg_pool`` pool: each
thread of a dashboard or an ingest takes its own connection). The tables and their columns are
SQLite's (``claimmap.store.sqlite``), in the same versions: ``MIGRATIONS[n]`` takes a database
from version ``n`` to ``n + 1``, the version is the one row of ``claimmap_schema``, migrations
are forward-only and run in one transaction under an advisory lock (four ingests starting on an
empty database migrate it once), and a database written by a newer claimmap is refused. Text
is ordered with ``COLLATE "C"``, the order SQLite uses, whatever the database's locale.

Each article is stored in one transaction (``INSERT ... ON CONFLICT DO NOTHING``: two processes
storing the same article store it once), one at a time (an advisory transaction lock, like
SQLite's ``BEGIN IMMEDIATE``): its near-duplicate origin is looked for among every article
committed before it (the candidates of the MinHash LSH index in ``near_buckets``, verified
against ``shingles``, as on SQLite), so two ingests at once cannot both miss each other's copy.
``update_events`` reads the changed (place, family) groups' claims, merges them and replaces
those groups' events in one transaction holding ``MERGE_LOCK`` exclusively
(``pg_advisory_xact_lock``); saving, re-claiming or deleting an article and ``mark_groups`` hold
it shared, so a merge never stores events from claims another transaction was changing, and no
group's mark is lost. ``merging()`` holds the same lock for a session. ``replace_events`` deletes
and inserts in one transaction under a second lock. A transaction that fails on a deadlock or a
serialisation conflict is retried. A killed client's open transaction is rolled back by the
server.

Events and resolutions carry their place's point as generated ``lat``/``lon`` columns; when the
database has the ``postgis`` extension (``CREATE EXTENSION postgis``, by its owner) they also get
a generated ``geom`` (a 4326 point) with a GiST index, and ``events_in_bbox`` / ``events_near``
/ ``places_in_bbox`` are answered by PostGIS (``ST_Covers``, ``ST_DWithin`` on the sphere);
without it, by plain SQL over ``lat``/``lon``. The answers are the same as SQLite's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
import psycopg.errors as pg_errors
from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from claimmap.errors import (
    ClaimMapError,
    DatabaseCorruptError,
    NotFoundError,
    ReadOnlyStoreError,
    SchemaVersionError,
    StorageError,
    StorageFullError,
)
from claimmap.records import (
    CONTROL_TYPES,
    Article,
    ArticleAnalysis,
    AuditEntry,
    Claim,
    Curation,
    Event,
    EventInputs,
    Mention,
    Place,
    Resolution,
    event_family,
)
from claimmap.store import neardup
from claimmap.store import rows as r
from claimmap.store.pg_schema import MIGRATIONS, SCHEMA_VERSION, SPATIAL

T = TypeVar("T")
#: advisory lock keys: merging claims into events, writing the events table, migrating, saving
MERGE_LOCK, EVENTS_LOCK, MIGRATE_LOCK, SAVE_LOCK = 0x636C6D01, 0x636C6D02, 0x636C6D03, 0x636C6D04
_RETRIES = 5
_C = 'COLLATE "C"'
_ARTICLE_SELECT = f"SELECT {', '.join(r.ARTICLE_COLUMNS)} FROM articles"
#: The articles without their text (what merging events needs of them).
_ARTICLE_META_SELECT = _ARTICLE_SELECT.replace(" text,", " '' AS text,")
_EVENT_SELECT = f"SELECT {', '.join(r.EVENT_COLUMNS)} FROM events"
#: the order of ``events()`` (SQLite's: byte order of text)
_EVENT_ORDER = f"sort_date {_C}, place_name {_C}, event_type {_C}, event_id {_C}"
_ORIGIN_SELECT = (
    "SELECT CASE WHEN origin_id != '' THEN origin_id ELSE article_id END AS origin FROM articles "
    "WHERE article_id = %s"
)
_EVENT_SELECT = f"SELECT {', '.join(r.EVENT_COLUMNS)} FROM events"
_RESOLUTION_SELECT = """
    SELECT m.article_id, m.start_char, m.end_char, m.surface, m.kind, m.key, r.place,
           r.confidence, r.precision, r.tier, r.reason, r.runners_up, r.flags
    FROM resolutions r JOIN mentions m USING (mention_id) JOIN articles a USING (article_id)
"""
_ARTICLE_INSERT = (
    f"INSERT INTO articles ({', '.join(r.ARTICLE_COLUMNS)}) VALUES "
    f"({', '.join(['%s'] * len(r.ARTICLE_COLUMNS))}) "
    "ON CONFLICT (article_id) DO NOTHING RETURNING article_id"
)
_RESOLUTION_UPSERT = (
    f"INSERT INTO resolutions ({', '.join(r.TABLES['resolutions'])}) VALUES "
    f"({', '.join(['%s'] * len(r.TABLES['resolutions']))}) ON CONFLICT (mention_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in r.TABLES["resolutions"][1:])
)
_CLAIM_INSERT = (
    f"INSERT INTO claims ({', '.join(r.TABLES['claims'])}) "
    f"VALUES ({', '.join(['%s'] * len(r.TABLES['claims']))})"
)
_ORDER = {  # storage order of each table, for copying it
    "articles": "stored",
    "mentions": f"article_id {_C}, start_char, end_char, mention_id {_C}",
    "resolutions": f"mention_id {_C}",
    "claims": f"article_id {_C}, seq",
    "events": "seq",
    "near_buckets": f"article_id {_C}, bucket",
    "shingles": f"article_id {_C}",
    "dirty_groups": f"place_id {_C}, family {_C}",
    "overrides": f"mention_id {_C}",
    "geocoder_cache": f"key {_C}",
    "curation": f"kind {_C}, target {_C}, action {_C}",
    "audit": "seq",
}
#: per table: all its rows in storage order; COPY into it
_COPY_OUT = {t: f"SELECT {', '.join(c)} FROM {t} ORDER BY {_ORDER[t]}" for t, c in r.TABLES.items()}
_COPY_IN = {t: f"COPY {t} ({', '.join(c)}) FROM STDIN" for t, c in r.TABLES.items()}


def display_url(url: str) -> str:
    """The URL without its password (for messages and the dashboard)."""
    url = re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1:***@", url)
    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url)


def _line(err: BaseException) -> str:
    """A driver message on one line (libpq's come with tabs, hints and newlines)."""
    return " ".join(str(err).split()).removeprefix("connection failed: ")


class PostgresStore:
    """``Store`` on a PostgreSQL database; safe to share between threads and processes."""

    def __init__(self, url: str, *, pool_size: int = 4, timeout: float = 30.0) -> None:
        self.url = url
        self.path = display_url(url)  #: what the dashboard and messages show
        self.timeout = timeout
        self._last_signature: tuple[tuple[str, int], neardup.Signature] | None = None
        conninfo = url if "connect_timeout" in url else _with_timeout(url)
        try:  # one connection first: its error says why (refused, password, no database)
            first = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as err:
            raise StorageError(f"{self.path}: cannot connect ({_line(err)})") from err
        try:
            self.postgis = self._prepare(first)
        except psycopg.Error as err:
            raise self._translate(err, "opening the database") from err
        finally:
            first.close()
        self.schema_version = SCHEMA_VERSION
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=max(1, pool_size), kwargs={"row_factory": dict_row},
            timeout=timeout, open=False,
            name="claimmap",
        )  # fmt: skip
        try:
            self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout as err:
            raise StorageError(f"{self.path}: cannot open a connection pool ({err})") from err

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    # --- articles and their analyses ---------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE article_id = %s", (article_id,)))

    def find_origin(self, article: Article) -> str:
        """As ``SQLiteStore.find_origin``: the origin of the most similar stored article at or
        above ``NEAR_DUPLICATE_THRESHOLD``, else its own id; only the candidates of the MinHash
        LSH index (``claimmap.store.neardup``) are compared."""
        try:
            with self._pool.connection() as conn:
                row = conn.execute(_ORIGIN_SELECT, (article.article_id,)).fetchone()
                if row is not None:
                    return str(row["origin"])
                return self._best_origin(conn, article.article_id, self._signature(article))
        except (PoolTimeout, PoolClosed) as err:
            raise self._pool_error(err, "reading") from err
        except psycopg.Error as err:
            raise self._translate(err, "reading") from err

    def _signature(self, article: Article) -> neardup.Signature:
        """The article's index entry, kept for the ``save_analysis`` that follows a
        ``find_origin`` of the same article (the pipeline asks both)."""
        key = (article.article_id, len(article.text))
        last = self._last_signature
        if last is None or last[0] != key:
            last = self._last_signature = (key, neardup.signature(article.text))
        return last[1]

    def _best_origin(
        self, conn: psycopg.Connection[Any], article_id: str, mine: neardup.Signature
    ) -> str:
        small = not conn.execute(
            "SELECT 1 FROM shingles LIMIT 1 OFFSET %s", (neardup.EXACT_BELOW - 1,)
        ).fetchall()
        if small:  # every stored article: the same answer whatever the order of ingest
            every = conn.execute(
                "SELECT a.article_id, a.origin_id, s.hashes FROM articles a "
                "JOIN shingles s USING (article_id) ORDER BY a.stored"
            ).fetchall()
            found = ((x["article_id"], x["origin_id"], x["hashes"]) for x in every)
            return r.best_origin(article_id, mine.shingles, found)
        if not mine.buckets:
            return article_id
        rows = conn.execute(
            "SELECT a.article_id, a.origin_id, s.hashes FROM ("
            "  SELECT article_id, count(*) AS shared FROM near_buckets WHERE bucket = ANY(%s)"
            f"  GROUP BY article_id ORDER BY shared DESC, article_id {_C} LIMIT %s"
            ") c JOIN articles a USING (article_id) JOIN shingles s USING (article_id) "
            "ORDER BY a.stored",
            (list(mine.buckets), neardup.MAX_CANDIDATES),
        ).fetchall()
        found = ((x["article_id"], x["origin_id"], x["hashes"]) for x in rows)
        return r.best_origin(article_id, mine.shingles, found)

    def save_analysis(self, analysis: ArticleAnalysis) -> bool:
        """Store the article with its mentions, resolutions and claims, its near-duplicate index
        entry and its groups to merge, all or nothing; False (nothing written) when it is stored
        already, by this process or another."""
        article = analysis.article
        aid = article.article_id
        if self.has_article(aid):
            return False
        near = self._signature(article)

        def work(conn: psycopg.Connection[Any]) -> bool:
            # one save at a time: the origin is found among every article committed before
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))
            _share_merge_lock(conn)
            origin = article.origin_id or self._best_origin(conn, aid, near)
            inserted = conn.execute(
                _ARTICLE_INSERT,
                (aid, article.title, article.text, article.source, article.published,
                 article.language, article.path, origin, article.url, article.published_at),
            ).fetchone()  # fmt: skip
            if inserted is None:  # another process stored it meanwhile
                return False
            mentions = [*analysis.mentions, *(x.mention for x in analysis.resolutions)]
            self._insert_mentions(conn, aid, mentions)
            self._upsert_resolutions(conn, analysis.resolutions)
            self._insert_claims(conn, aid, analysis.claims)
            conn.cursor().executemany(
                "INSERT INTO near_buckets (bucket, article_id) VALUES (%s, %s)",
                [(bucket, aid) for bucket in near.buckets],
            )
            conn.execute(
                "INSERT INTO shingles (article_id, hashes) VALUES (%s, %s)", (aid, near.shingles)
            )
            _mark(conn, _groups(analysis.claims))
            return True

        return self._transaction(f"article {aid}", work)

    def delete_article(self, article_id: str) -> None:
        """Remove an article and everything derived from it (its events stay until the next
        rebuild)."""

        def work(conn: psycopg.Connection[Any]) -> None:
            _share_merge_lock(conn)
            _mark(conn, _stored_groups(conn, article_id))
            conn.execute("DELETE FROM articles WHERE article_id = %s", (article_id,))

        self._transaction(f"removal of article {article_id}", work)

    def articles(self) -> list[Article]:
        return [r.article_from(row) for row in self._query(_ARTICLE_SELECT + " ORDER BY stored")]

    def article(self, article_id: str) -> Article:
        rows = self._query(_ARTICLE_SELECT + " WHERE article_id = %s", (article_id,))
        if not rows:
            raise NotFoundError(f"article {article_id!r} is not in {self.path}")
        return r.article_from(rows[0])

    def articles_by_url(self, url: str) -> list[Article]:
        """The stored articles read from ``url`` (versions of one page or post), oldest first."""
        rows = self._query(
            _ARTICLE_SELECT + " WHERE url = %s AND url != '' ORDER BY stored", (url,)
        )
        return [r.article_from(row) for row in rows]

    def mentions(self, article_id: str | None = None) -> list[Mention]:
        rows = self._query(
            "SELECT m.article_id, m.start_char, m.end_char, m.surface, m.kind, m.key "
            f"FROM mentions m JOIN articles a USING (article_id) {_where('m', article_id)} "
            "ORDER BY a.stored, m.start_char, m.end_char",
            _params(article_id),
        )
        return [
            Mention(x["article_id"], x["start_char"], x["end_char"], x["surface"], x["kind"],
                    x["key"])
            for x in rows
        ]  # fmt: skip

    def resolutions(
        self, article_id: str | None = None, *, below: float | None = None
    ) -> list[Resolution]:
        rows = self._query(
            f"{_RESOLUTION_SELECT} {_where('m', article_id, below)} "
            "ORDER BY a.stored, m.start_char, m.end_char",
            _params(article_id, below),
        )
        return [self._row("resolutions", r.mention_key(x), r.resolution_from, x) for x in rows]

    def resolution(self, mention_id: str) -> Resolution:
        rows = self._query(_RESOLUTION_SELECT + " WHERE r.mention_id = %s", (mention_id,))
        if not rows:
            raise NotFoundError(f"mention {mention_id!r} has no resolution in {self.path}")
        return self._row("resolutions", mention_id, r.resolution_from, rows[0])

    def claims(self, article_id: str | None = None) -> list[Claim]:
        rows = self._query(
            f"SELECT c.article_id, {', '.join('c.' + c for c in r.CLAIM_COLUMNS)} "
            f"FROM claims c JOIN articles a USING (article_id) {_where('c', article_id)} "
            "ORDER BY a.stored, c.seq",
            _params(article_id),
        )
        return [r.claim_from(dict(row)) for row in rows]

    def replace_claims(
        self, article_id: str, claims: Sequence[Claim], resolutions: Sequence[Resolution]
    ) -> None:
        """Replace an article's claims and update the given resolutions (after an override)."""

        def work(conn: psycopg.Connection[Any]) -> None:
            # the article's row, locked: a concurrent delete waits for this transaction
            found = conn.execute(
                "SELECT 1 FROM articles WHERE article_id = %s FOR UPDATE", (article_id,)
            ).fetchone()
            if found is None:
                raise NotFoundError(f"article {article_id!r} is not in {self.path}")
            _share_merge_lock(conn)
            _mark(conn, _stored_groups(conn, article_id))
            conn.execute("DELETE FROM claims WHERE article_id = %s", (article_id,))
            self._insert_mentions(conn, article_id, [x.mention for x in resolutions])
            self._upsert_resolutions(conn, resolutions)
            self._insert_claims(conn, article_id, claims)
            _mark(conn, _groups(claims))

        self._transaction(f"claims of article {article_id}", work)

    # --- events and where they are -----------------------------------------------------------

    @contextmanager
    def merging(self) -> Iterator[None]:
        """Hold while reading claims and writing the events they make: one merge at a time
        across every process on this database (a session advisory lock on its own
        connection; the server releases it if this process dies)."""
        try:
            with self._pool.connection() as conn:
                conn.execute("SELECT pg_advisory_lock(%s)", (MERGE_LOCK,))
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (MERGE_LOCK,))
                    conn.commit()
        except (PoolTimeout, PoolClosed) as err:
            raise self._pool_error(err, "merging events") from err
        except psycopg.Error as err:
            raise self._translate(err, "merging events") from err

    def replace_events(self, events: Sequence[Event]) -> None:
        """Replace the whole events table in one transaction (readers see the old events or the
        new ones, never none) and forget which groups were waiting for a merge."""

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (EVENTS_LOCK,))
            conn.execute("DELETE FROM events")
            conn.execute("DELETE FROM dirty_groups")
            _insert_events(conn, events)

        self._transaction("events", work)

    def mark_groups(self, groups: Collection[tuple[str, str]]) -> None:
        """Have ``update_events`` merge these (place id, family) groups again (after a
        curation that changes what they hold)."""

        def work(conn: psycopg.Connection[Any]) -> None:
            _share_merge_lock(conn)
            _mark(conn, groups)

        self._transaction("groups to merge", work)

    def update_events(
        self,
        build: Callable[[EventInputs], list[Event]],
        *,
        groups: Collection[tuple[str, str]] = (),
        everything: bool = False,
    ) -> int:
        """As ``SQLiteStore.update_events``: the changed groups' claims are read, merged by
        ``build`` and their events replaced in one transaction. It holds ``MERGE_LOCK``
        exclusively (``pg_advisory_xact_lock``, the lock ``merging()`` holds for a session); every
        transaction that changes claims or marks groups holds it shared, so when the merge reads
        the marked groups no such writer is half done, and none can mark a group (or add its
        claims) until the merge has stored what it read: no stale merge, no lost mark. Do not
        call it inside ``merging()``: that session lock is on another connection."""

        def work(conn: psycopg.Connection[Any]) -> int:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MERGE_LOCK,))
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (EVENTS_LOCK,))
            with conn.cursor(row_factory=tuple_row) as cur:
                if everything:
                    rows = cur.execute(
                        "SELECT DISTINCT place_id, event_type FROM claims "
                        "WHERE event_type != 'mention'"
                    ).fetchall()
                    wanted = {(p, event_family(t)) for p, t in rows}
                    wanted |= set(cur.execute("SELECT DISTINCT place_id, family FROM events"))
                else:
                    rows = cur.execute("SELECT place_id, family FROM dirty_groups").fetchall()
                    wanted = {(p, f) for p, f in rows} | {(p, f) for p, f in groups}
            if not wanted:
                return 0
            events = build(self._event_inputs(conn, wanted))
            strays = [e.event_id for e in events
                      if (e.place.place_id, event_family(e.event_type)) not in wanted]  # fmt: skip
            if strays:
                raise StorageError(f"events {strays[:3]} lie outside the groups being merged")
            rows = []
            with conn.cursor(row_factory=tuple_row) as cur:
                for group, made in r.by_group(wanted, events):  # one group's rows at a time
                    stored = cur.execute(
                        _EVENT_SELECT + " WHERE place_id = %s AND family = %s", group
                    ).fetchall()
                    gone, changed = r.event_changes(stored, made)
                    cur.executemany("DELETE FROM events WHERE event_id = %s", [(i,) for i in gone])
                    rows += changed
            conn.execute("DELETE FROM dirty_groups")
            _copy_events(conn, rows)
            return len(wanted)

        return self._transaction("events", work)

    def _event_inputs(
        self, conn: psycopg.Connection[Any], groups: Collection[tuple[str, str]]
    ) -> EventInputs:
        by_family: dict[str, list[str]] = {}
        for place_id, family in sorted(groups):
            by_family.setdefault(family, []).append(place_id)
        rows: list[dict[str, Any]] = []
        for family, place_ids in by_family.items():
            types = list(CONTROL_TYPES) if family == "control" else [family]
            rows += conn.execute(
                f"SELECT a.stored AS _stored, c.seq AS _seq, c.article_id, "
                f"{', '.join('c.' + c for c in r.CLAIM_COLUMNS)} "
                "FROM claims c JOIN articles a USING (article_id) "
                "WHERE c.place_id = ANY(%s) AND c.event_type = ANY(%s)",
                (place_ids, types),
            ).fetchall()
        rows.sort(key=lambda x: (x["_stored"], x["_seq"]))  # the order claims() gives
        claims = []
        for row in rows:
            del row["_stored"], row["_seq"]
            claims.append(r.claim_from(row))
        article_ids = sorted({c.article_id for c in claims})
        found = conn.execute(
            _ARTICLE_META_SELECT + " WHERE article_id = ANY(%s)",
            (article_ids,),
        ).fetchall()
        articles = {x["article_id"]: r.article_from(x) for x in found}
        # per place, its resolution in the latest stored article (SQLite: the latest written)
        found = conn.execute(
            "SELECT DISTINCT ON (x.place_id) x.place_id, x.place FROM resolutions x "
            "JOIN mentions m USING (mention_id) JOIN articles a USING (article_id) "
            "WHERE x.place_id = ANY(%s) "
            "ORDER BY x.place_id, a.stored DESC, m.start_char DESC, m.end_char DESC",
            (sorted({c.place_id for c in claims}),),
        ).fetchall()
        places = {x["place_id"]: self._row("resolutions", x["place_id"], _place, x) for x in found}
        curations = [
            Curation(**x)
            for x in conn.execute(
                "SELECT kind, target, action, value, label, at, who FROM curation "
                f"ORDER BY at {_C}, kind {_C}, target {_C}, action {_C}"
            ).fetchall()
        ]
        return EventInputs(claims, articles, places, curations)

    def events(self) -> list[Event]:
        return self._events(f"{_EVENT_SELECT} ORDER BY {_EVENT_ORDER}")

    def events_in_bbox(self, west: float, south: float, east: float, north: float) -> list[Event]:
        """Events whose place lies in the box (edges included; ``west > east`` crosses the
        antimeridian), in map order."""
        sql, params = self._in_box("events", *r.check_bbox(west, south, east, north))
        return self._events(f"{_EVENT_SELECT} WHERE {sql} ORDER BY {_EVENT_ORDER}", params)

    def events_near(self, lat: float, lon: float, km: float) -> list[Event]:
        """Events whose place is within ``km`` (great circle) of the point, in map order."""
        lat, lon, km = r.check_radius(lat, lon, km)
        south, north, west, east = r.radius_box(lat, lon, km)
        box, params = self._in_box("events", west, south, east, north)
        if self.postgis:
            near = (
                "ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, "
                "%s, false)"
            )
            params = (*params, lon, lat, km * 1000)
        else:  # haversine, as claimmap.store.rows.haversine_km
            near = (
                "2 * %s * asin(least(1, sqrt(sin(radians(lat - %s) / 2) ^ 2 + cos(radians(%s)) "
                "* cos(radians(lat)) * sin(radians(lon - %s) / 2) ^ 2))) <= %s"
            )
            params = (*params, r.EARTH_RADIUS_KM, lat, lat, lon, km)
        return self._events(
            f"{_EVENT_SELECT} WHERE {box} AND {near} ORDER BY {_EVENT_ORDER}", params
        )

    def places_in_bbox(self, west: float, south: float, east: float, north: float) -> list[Place]:
        """The distinct places that stored mentions resolve to inside the box, by place id."""
        sql, params = self._in_box("resolutions", *r.check_bbox(west, south, east, north))
        rows = self._query(f"SELECT DISTINCT place FROM resolutions WHERE {sql}", params)
        places = {
            p.place_id: p
            for p in (self._row("resolutions", "place", _place, x) for x in rows)
        }  # fmt: skip
        return [places[k] for k in sorted(places)]

    def _in_box(
        self, table: str, west: float, south: float, east: float, north: float
    ) -> tuple[str, tuple[float, ...]]:
        """A WHERE clause (and its parameters) for points in the box."""
        if self.postgis:  # ST_Covers: the edges are in; the GiST index on geom is used
            cover = "ST_Covers(ST_MakeEnvelope(%s, %s, %s, %s, 4326), geom)"
            if west <= east:
                return cover, (west, south, east, north)
            return f"({cover} OR {cover})", (west, south, 180.0, north, -180.0, south, east, north)
        lon = "lon BETWEEN %s AND %s" if west <= east else "(lon >= %s OR lon <= %s)"
        return f"lat BETWEEN %s AND %s AND {lon}", (south, north, west, east)

    def _events(self, sql: str, params: Sequence[Any] = ()) -> list[Event]:
        return [
            self._row("events", x["event_id"], r.event_from, x) for x in self._query(sql, params)
        ]

    # --- user overrides and the geocoder cache ----------------------------------------------

    def set_override(self, mention_id: str, place: Place) -> None:
        """Persist a user's correction: this mention means this place."""

        def work(conn: psycopg.Connection[Any]) -> None:
            if conn.execute(
                "SELECT 1 FROM mentions WHERE mention_id = %s", (mention_id,)
            ).fetchone() is None:  # fmt: skip
                raise NotFoundError(f"mention {mention_id!r} is not in {self.path}")
            conn.execute(
                "INSERT INTO overrides (mention_id, place, created_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (mention_id) DO UPDATE SET place = EXCLUDED.place, "
                "created_at = EXCLUDED.created_at",
                (mention_id, r.place_json(place), r.now()),
            )

        self._transaction(f"override of {mention_id}", work)

    def overrides(self) -> dict[str, Place]:
        rows = self._query(f"SELECT mention_id, place FROM overrides ORDER BY mention_id {_C}")
        return {x["mention_id"]: self._row("overrides", x["mention_id"], _place, x) for x in rows}

    def cache_get(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM geocoder_cache WHERE key = %s", (key,))
        return rows[0]["value"] if rows else None

    def cache_put(self, key: str, value: str) -> None:
        self._transaction(
            f"geocoder cache entry {key!r}",
            lambda conn: conn.execute(
                "INSERT INTO geocoder_cache (key, value, created_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, "
                "created_at = EXCLUDED.created_at",
                (key, value, r.now()),
            ),
        )

    # --- curation (issue 13) -----------------------------------------------------------------

    def curate(
        self, change: Curation, *, remove: bool, audit_action: str, old_value: str, new_value: str
    ) -> AuditEntry:
        """Set (or with ``remove`` delete) one standing curation and record it in the audit, in
        one transaction. ``change.at`` is set here when empty."""
        at = change.at or r.now()
        key = (change.kind, change.target, change.action)

        def work(conn: psycopg.Connection[Any]) -> int:
            if remove:
                conn.execute(
                    "DELETE FROM curation WHERE kind = %s AND target = %s AND action = %s", key
                )
            else:
                conn.execute(
                    "INSERT INTO curation (kind, target, action, value, label, at, who) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (kind, target, action) "
                    "DO UPDATE SET value = EXCLUDED.value, label = EXCLUDED.label, "
                    "at = EXCLUDED.at, who = EXCLUDED.who",
                    (*key, change.value, change.label, at, change.who),
                )
            row = conn.execute(
                "INSERT INTO audit (at, who, action, kind, target, old_value, new_value, label) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq",
                (at, change.who, audit_action, change.kind, change.target, old_value, new_value,
                 change.label),
            ).fetchone()  # fmt: skip
            return int(row["seq"])

        seq = self._transaction(f"curation of {change.kind} {change.target}", work)
        return AuditEntry(seq, at, change.who, audit_action, change.kind, change.target,
                          old_value, new_value, change.label)  # fmt: skip

    def curations(self) -> list[Curation]:
        rows = self._query(
            "SELECT kind, target, action, value, label, at, who FROM curation "
            f"ORDER BY at {_C}, kind {_C}, target {_C}, action {_C}"
        )
        return [Curation(**row) for row in rows]

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit, newest first (``limit`` entries at most)."""
        rows = self._query(
            "SELECT seq, at, who, action, kind, target, old_value, new_value, label FROM audit "
            "ORDER BY seq DESC LIMIT %s",
            (None if limit is None else max(0, int(limit)),),
        )
        return [AuditEntry(**row) for row in rows]

    # --- whole tables, for ``claimmap migrate`` ----------------------------------------------

    def table_rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Every row of a table (``rows.TABLES`` columns), in storage order, streamed."""
        statement = _COPY_OUT[table]  # KeyError for a table that is not claimmap's
        try:
            with self._pool.connection() as conn, conn.cursor(name=f"copy_{table}") as cur:
                cur.row_factory = tuple_row  # type: ignore[assignment]
                cur.execute(statement)
                while batch := cur.fetchmany(500):
                    yield from batch
        except psycopg.Error as err:
            raise self._translate(err, f"reading table {table}") from err

    def load_rows(self, tables: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> dict[str, int]:
        """Fill an empty store with rows from ``table_rows`` (of any back end), all tables in
        one transaction; returns the rows loaded per table."""

        def work(conn: psycopg.Connection[Any]) -> dict[str, int]:
            if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
                raise StorageError(f"{self.path}: is not empty; migrate copies into an empty store")
            loaded: dict[str, int] = {}
            for table, rows in tables:
                with conn.cursor().copy(_COPY_IN[table]) as copy:
                    n = 0
                    for n, row in enumerate(rows, 1):  # noqa: B007 (n is the count)
                        copy.write_row(row)
                loaded[table] = n
            conn.execute(
                "SELECT setval(pg_get_serial_sequence('audit', 'seq'), "
                "coalesce(max(seq), 0) + 1, false) FROM audit"
            )
            return loaded

        return self._transaction("the copied tables", work, retry=False)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        sql = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in r.TABLES)
        return {row["t"]: int(row["n"]) for row in self._query(sql)}

    # --- plumbing ---------------------------------------------------------------------------

    def _prepare(self, conn: psycopg.Connection[Any]) -> bool:
        """Check the schema version, migrate (once, under a lock), add the spatial columns when
        the database has PostGIS; decide whether writes are on. Returns whether PostGIS is."""
        version = _version(conn)
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: written by a newer claimmap (schema version {version}; this one "
                f"knows up to {SCHEMA_VERSION}); upgrade claimmap to open it"
            )
        postgis = conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
        ).fetchone() is not None  # fmt: skip
        self.read_only_reason = _read_only_reason(conn) if version == SCHEMA_VERSION else ""
        if self.read_only_reason:
            return postgis and _has_geom(conn)
        if version < SCHEMA_VERSION or (postgis and not _has_geom(conn)):
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS claimmap_schema (version INTEGER NOT NULL)"
                )
                version = _version(conn)  # another process may have migrated meanwhile
                for number in range(version + 1, SCHEMA_VERSION + 1):
                    conn.execute(MIGRATIONS[number - 1])  # type: ignore[arg-type]
                    if number in _BACKFILLS:
                        _BACKFILLS[number](conn)
                conn.execute("DELETE FROM claimmap_schema")
                conn.execute("INSERT INTO claimmap_schema VALUES (%s)", (SCHEMA_VERSION,))
                if postgis and not _has_geom(conn):
                    conn.execute(SPATIAL)  # type: ignore[arg-type]
            self.read_only_reason = _read_only_reason(conn)
        return postgis

    def _transaction(
        self, what: str, work: Callable[[psycopg.Connection[Any]], T], *, retry: bool = True
    ) -> T:
        """``work(conn)`` in one transaction, committed on success, rolled back on any error;
        retried on a deadlock, a serialisation failure or a connection the server dropped (a
        restart: the pool replaces it)."""
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.path}: opened read-only ({self.read_only_reason}); writes are off, "
                f"so {what} was not saved"
            )
        for attempt in range(_RETRIES):
            try:
                with self._pool.connection() as conn, conn.transaction():
                    return work(conn)
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as err:
                if not retry or attempt == _RETRIES - 1:
                    raise self._translate(err, f"saving {what}") from err
            except (PoolTimeout, PoolClosed) as err:
                raise self._pool_error(err, f"saving {what}") from err
            except psycopg.Error as err:
                if not (retry and _dropped(err) and attempt < _RETRIES - 1):
                    raise self._translate(err, f"saving {what}") from err
            except (TypeError, ValueError) as err:
                if isinstance(err, ClaimMapError):
                    raise
                raise StorageError(f"{self.path}: cannot save {what}: {err}") from err
        raise AssertionError("unreachable")  # pragma: no cover

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        for attempt in range(2):  # once more on a connection the server dropped
            try:
                with self._pool.connection() as conn:
                    return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]
            except (PoolTimeout, PoolClosed) as err:
                raise self._pool_error(err, "reading") from err
            except psycopg.Error as err:
                if attempt or not _dropped(err):
                    raise self._translate(err, "reading") from err
        raise AssertionError("unreachable")  # pragma: no cover

    def _row(self, table: str, key: str, convert: Callable[[Any], T], row: Any) -> T:
        try:
            return convert(row)
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            raise DatabaseCorruptError(
                f"{self.path}: table {table}, row {key!r}: a stored value is damaged "
                f"({type(err).__name__}: {str(err)[:120]})"
            ) from err

    def _pool_error(self, err: Exception, doing: str) -> StorageError:
        if isinstance(err, PoolClosed):
            return StorageError(f"{self.path}: error while {doing}: the store is closed")
        return StorageError(
            f"{self.path}: no connection to the server within {self.timeout:g} s while {doing}"
        )

    def _translate(self, err: psycopg.Error, doing: str) -> StorageError:
        message = _line(err)
        if isinstance(err, pg_errors.DiskFull | pg_errors.OutOfMemory):
            return StorageFullError(
                f"{self.path}: the server's disk is full while {doing}; that was rolled back "
                f"whole ({message})"
            )
        if isinstance(err, pg_errors.InsufficientPrivilege | pg_errors.ReadOnlySqlTransaction):
            return ReadOnlyStoreError(f"{self.path}: writes are off ({message}) while {doing}")
        if isinstance(err, psycopg.OperationalError):
            return StorageError(f"{self.path}: lost the server while {doing} ({message})")
        if isinstance(err, pg_errors.DataCorrupted | pg_errors.IndexCorrupted):
            return DatabaseCorruptError(f"{self.path}: the database is damaged ({message})")
        return StorageError(f"{self.path}: error while {doing}: {message}")

    def _insert_mentions(
        self, conn: psycopg.Connection[Any], aid: str, mentions: Sequence[Mention]
    ) -> None:
        r.check_owner(aid, "mention", [(m.article_id, m.mention_id) for m in mentions])
        conn.cursor().executemany(
            "INSERT INTO mentions (mention_id, article_id, start_char, end_char, surface, kind, "
            "key) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (mention_id) DO NOTHING",
            [(m.mention_id, m.article_id, m.start, m.end, m.surface, m.kind, m.key)
             for m in mentions],
        )  # fmt: skip

    def _upsert_resolutions(
        self, conn: psycopg.Connection[Any], resolutions: Sequence[Resolution]
    ) -> None:
        conn.cursor().executemany(_RESOLUTION_UPSERT, [r.resolution_values(x) for x in resolutions])

    def _insert_claims(
        self, conn: psycopg.Connection[Any], aid: str, claims: Sequence[Claim]
    ) -> None:
        r.check_owner(aid, "claim", [(c.article_id, c.sentence) for c in claims])
        conn.cursor().executemany(
            _CLAIM_INSERT, [r.claim_values(aid, seq, c) for seq, c in enumerate(claims)]
        )


def _share_merge_lock(conn: psycopg.Connection[Any]) -> None:
    """Changing claims or marking groups: wait while a merge reads and stores (it holds
    ``MERGE_LOCK`` exclusively), never for another writer."""
    conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (MERGE_LOCK,))


def _insert_events(conn: psycopg.Connection[Any], events: Sequence[Event]) -> None:
    _copy_events(conn, [r.event_values(seq, event) for seq, event in enumerate(events)])


def _copy_events(conn: psycopg.Connection[Any], rows: Sequence[Sequence[Any]]) -> None:
    with conn.cursor().copy(f"COPY events ({', '.join(r.EVENT_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _groups(claims: Sequence[Claim]) -> set[tuple[str, str]]:
    """The groups of these claims (a ``mention`` claim never becomes an event)."""
    return {(c.place_id, event_family(c.event_type)) for c in claims if c.event_type != "mention"}


def _stored_groups(conn: psycopg.Connection[Any], article_id: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT DISTINCT place_id, event_type FROM claims WHERE event_type != 'mention' "
        "AND article_id = %s",
        (article_id,),
    ).fetchall()
    return {(x["place_id"], event_family(x["event_type"])) for x in rows}


def _mark(conn: psycopg.Connection[Any], groups: Collection[tuple[str, str]]) -> None:
    conn.cursor().executemany(
        "INSERT INTO dirty_groups (place_id, family) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        sorted(groups),
    )


def _backfill_near_duplicates(conn: psycopg.Connection[Any]) -> None:
    """Version 7: index the articles stored before it for near-duplicate search."""
    with conn.cursor(row_factory=tuple_row) as cur:
        stored = cur.execute("SELECT article_id, text FROM articles ORDER BY stored").fetchall()
    for aid, text in stored:
        near = neardup.signature(text)
        conn.cursor().executemany(
            "INSERT INTO near_buckets (bucket, article_id) VALUES (%s, %s)",
            [(bucket, aid) for bucket in near.buckets],
        )
        conn.execute(
            "INSERT INTO shingles (article_id, hashes) VALUES (%s, %s)", (aid, near.shingles)
        )


#: Python steps after a version's SQL (``n`` -> ``n + 1``), in the same transaction.
_BACKFILLS: dict[int, Callable[[psycopg.Connection[Any]], None]] = {7: _backfill_near_duplicates}


def _dropped(err: psycopg.Error) -> bool:
    """Whether the connection broke (no answer from the server, no SQLSTATE): a server
    restart or a dropped link, which a fresh connection from the pool may not have."""
    return isinstance(err, psycopg.OperationalError) and err.sqlstate in (None, "57P01")


def _with_timeout(url: str) -> str:
    """libpq waits for an unreachable host as long as TCP does: ten seconds is enough."""
    return url + ("&" if "?" in url else "?") + "connect_timeout=10"


def _version(conn: psycopg.Connection[Any]) -> int:
    if conn.execute("SELECT to_regclass('claimmap_schema')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT max(version) FROM claimmap_schema").fetchone()
    return int(row[0] or 0)


def _has_geom(conn: psycopg.Connection[Any]) -> bool:
    return conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'events' "
        "AND column_name = 'geom' AND table_schema = current_schema()"
    ).fetchone() is not None  # fmt: skip


def _read_only_reason(conn: psycopg.Connection[Any]) -> str:
    """Why this connection cannot write claimmap's tables ("" when it can)."""
    if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
        return "the server is a read-only standby"
    if conn.execute("SELECT current_setting('transaction_read_only')").fetchone()[0] == "on":
        return "the database user's transactions are read-only"
    user, allowed = conn.execute(
        "SELECT current_user, has_table_privilege('articles', 'INSERT') "
        "AND has_table_privilege('events', 'DELETE')"
    ).fetchone()
    return "" if allowed else f"the database user {user} may read but not write"


def _place(row: Any) -> Place:
    return r.place_from(json.loads(row["place"]))


def _where(table: str, article_id: str | None, below: float | None = None) -> str:
    """A filter on one article and, for resolutions, on a confidence below a threshold (or on
    none): a fixed string, the values are parameters."""
    terms = [] if article_id is None else [f"{table}.article_id = %s"]
    if below is not None:
        terms.append("(r.place IS NULL OR r.confidence < %s)")
    return f"WHERE {' AND '.join(terms)}" if terms else ""


def _params(article_id: str | None, below: float | None = None) -> tuple[object, ...]:
    return tuple(v for v in (article_id, below) if v is not None)
