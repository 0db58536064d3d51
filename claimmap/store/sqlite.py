"""The SQLite store: articles and everything derived from them, user overrides, geocoder cache.

    >>> from claimmap.store.base import open_store
    >>> from claimmap.records import Article, ArticleAnalysis
    >>> with open_store(":memory:") as store:
    ...     store.save_analysis(ArticleAnalysis(Article("a1", "Title", "Text.")))
    ...     store.save_analysis(ArticleAnalysis(Article("a1", "Title", "Text.")))
    ...     [a.article_id for a in store.articles()]
    True
    False
    ['a1']

This is the only module that touches SQLite. The rest of claimmap types against
``claimmap.store.base.Store``, so a
server database can implement it later. The file is in WAL mode with foreign keys on and a busy
timeout; every write is one ``BEGIN IMMEDIATE`` transaction, so a whole article is stored or none
of it. The schema version is ``PRAGMA user_version``; ``MIGRATIONS[n]`` takes a file from version
``n`` to ``n + 1``. Records become rows here: places, runners-up, flags and claim lists are JSON.

When the file or its directory is not writable the store opens read-only (``mode=ro``, or
``immutable=1`` when WAL's ``-shm`` file cannot be made there) and every write raises
``ReadOnlyStoreError`` saying that writes are off; reading works. A full disk raises
``StorageFullError``, and the transaction is rolled back whole: ``replace_events`` deletes and
inserts in one transaction, so the events table keeps its old rows rather than going empty. A
row whose JSON was tampered with raises ``DatabaseCorruptError`` naming the table and the row.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from claimmap.store.rows import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    TABLES,
    best_origin,
    by_group,
    check_bbox,
    check_owner,
    check_radius,
    claim_from,
    claim_values,
    event_changes,
    event_from,
    event_values,
    haversine_km,
    mention_key,
    now,
    place_from,
    place_json,
    radius_box,
    resolution_from,
    resolution_values,
)

#: One SQL script per schema version, one statement per ``;``-terminated line group.
MIGRATIONS: tuple[str, ...] = (
    # 1: the pipeline's records.
    """
    CREATE TABLE articles (
        article_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        published TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT 'en',
        path TEXT NOT NULL DEFAULT '',
        origin_id TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE TABLE mentions (
        mention_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        surface TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        CHECK (0 <= start_char AND start_char <= end_char)
    ) STRICT;
    CREATE TABLE resolutions (
        mention_id TEXT PRIMARY KEY REFERENCES mentions (mention_id) ON DELETE CASCADE,
        place TEXT,
        confidence REAL NOT NULL,
        precision INTEGER NOT NULL,
        tier TEXT NOT NULL,
        reason TEXT NOT NULL,
        runners_up TEXT NOT NULL DEFAULT '[]',
        flags TEXT NOT NULL DEFAULT '[]'
    ) STRICT;
    CREATE TABLE claims (
        article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        sentence TEXT NOT NULL,
        event_type TEXT NOT NULL,
        actor TEXT NOT NULL,
        status TEXT NOT NULL,
        attribution TEXT NOT NULL,
        place_id TEXT NOT NULL,
        role TEXT NOT NULL,
        mention_start INTEGER NOT NULL,
        mention_end INTEGER NOT NULL,
        surface TEXT NOT NULL,
        precision INTEGER NOT NULL,
        confidence REAL NOT NULL,
        PRIMARY KEY (article_id, seq)
    ) STRICT;
    CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        actor TEXT NOT NULL,
        status TEXT NOT NULL,
        place TEXT NOT NULL,
        precision INTEGER NOT NULL,
        claims TEXT NOT NULL,
        n_claims INTEGER NOT NULL,
        n_articles INTEGER NOT NULL,
        n_origins INTEGER NOT NULL,
        first_reported TEXT NOT NULL,
        last_reported TEXT NOT NULL,
        confidence REAL NOT NULL,
        surfaces TEXT NOT NULL,
        sources TEXT NOT NULL
    ) STRICT;
    """,
    # 2: state that outlives re-analysis (user overrides, geocoder answers), lookup indexes.
    """
    CREATE TABLE overrides (
        mention_id TEXT PRIMARY KEY,
        place TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE geocoder_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX mentions_by_article ON mentions (article_id, start_char);
    CREATE INDEX articles_by_origin ON articles (origin_id);
    """,
    # 3 (issue 13): the user's curation (outlives re-analysis, like overrides) and its audit.
    """
    CREATE TABLE curation (
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        action TEXT NOT NULL,
        value TEXT NOT NULL DEFAULT '',
        label TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        PRIMARY KEY (kind, target, action)
    ) STRICT;
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        old_value TEXT NOT NULL,
        new_value TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT ''
    ) STRICT;
    """,
    # 4 (issue 11): who says it, sub-event detail, sides and monitors.
    """
    ALTER TABLE claims ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
    ALTER TABLE claims ADD COLUMN detail TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN target_side TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN source TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN source_side TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN source_kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN situation INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE claims ADD COLUMN hedged INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE claims ADD COLUMN killed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE claims ADD COLUMN injured INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE claims ADD COLUMN denied_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN target_side TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN sides TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE events ADD COLUMN monitors TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE events ADD COLUMN situation INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN killed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN injured INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN denials INTEGER NOT NULL DEFAULT 0;
    """,
    # 5 (issue 12): when each claim and event happened.
    """
    ALTER TABLE claims ADD COLUMN date TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN date_end TEXT NOT NULL DEFAULT '';
    ALTER TABLE claims ADD COLUMN date_precision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE claims ADD COLUMN date_text TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN date TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN date_end TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN time_precision INTEGER NOT NULL DEFAULT 0;
    """,
    # 6 (issue 16): every claim links to its source: article URL and full timestamp.
    """
    ALTER TABLE articles ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN published_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN source_urls TEXT NOT NULL DEFAULT '[]';
    CREATE INDEX articles_by_url ON articles (url) WHERE url != '';
    """,
    # 7 (issue 15): near-duplicate index, incremental events.
    """
    CREATE TABLE near_buckets (
        bucket INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE
    ) STRICT;
    CREATE INDEX near_buckets_by_bucket ON near_buckets (bucket);
    CREATE INDEX near_buckets_by_article ON near_buckets (article_id);
    CREATE TABLE shingles (
        article_id TEXT PRIMARY KEY REFERENCES articles (article_id) ON DELETE CASCADE,
        hashes BLOB NOT NULL
    ) STRICT;
    CREATE TABLE dirty_groups (
        place_id TEXT NOT NULL,
        family TEXT NOT NULL,
        PRIMARY KEY (place_id, family)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE events ADD COLUMN place_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN family TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN sort_date TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN place_name TEXT NOT NULL DEFAULT '';
    UPDATE events SET place_id = json_extract(place, '$.place_id'),
        place_name = json_extract(place, '$.name'),
        sort_date = CASE WHEN date != '' THEN date ELSE first_reported END,
        family = CASE WHEN event_type IN (CONTROL_TYPES) THEN 'control' ELSE event_type END;
    CREATE INDEX events_by_group ON events (place_id, family);
    CREATE INDEX events_in_order ON events (sort_date, place_name, event_type, event_id);
    CREATE INDEX claims_by_place ON claims (place_id, event_type);
    ALTER TABLE resolutions ADD COLUMN place_id TEXT;
    UPDATE resolutions SET place_id = json_extract(place, '$.place_id');
    CREATE INDEX resolutions_by_place ON resolutions (place_id);
    """.replace("CONTROL_TYPES", ", ".join(f"'{t}'" for t in sorted(CONTROL_TYPES))),
)
#: Python steps after a version's SQL (``n`` -> ``n + 1``), in the same transaction.
_BACKFILLS: dict[int, Callable[[sqlite3.Connection], None]] = {}
SCHEMA_VERSION = len(MIGRATIONS)
#: Bytes kept free beside a database file (``<db>-reserve``), given up when the disk is full so
#: the write-ahead log can be checkpointed and the events rebuilt.
RESERVE_BYTES = 2 * 1024 * 1024
_SQLITE_HEADER = b"SQLite format 3\x00"
_ARTICLE_SELECT = (
    "SELECT article_id, title, text, source, published, language, path, origin_id, url, "
    "published_at FROM articles"
)
#: The articles without their text (what merging events needs of them).
_ARTICLE_META_SELECT = _ARTICLE_SELECT.replace(" text,", " '' AS text,")
#: events with their place's point (the JSON's lat and lon) as columns
_EVENT_POINTS = (
    "SELECT * FROM (SELECT *, json_extract(place, '$.lat') AS lat, "
    "json_extract(place, '$.lon') AS lon FROM events)"
)
#: Up to this size a database is checked whole when opened (``PRAGMA quick_check`` reads every
#: page: 26 s for the 2.5 GB of a 30,000-article store, at every command and dashboard start).
FULL_CHECK_BYTES = 256 * 2**20
_EVENT_SELECT = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
_EVENT_INSERT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
)
_CLAIM_INSERT = (
    f"INSERT INTO claims (article_id, seq, {', '.join(CLAIM_COLUMNS)}) "
    f"VALUES (?, ?, {', '.join('?' * len(CLAIM_COLUMNS))})"
)
#: the order ``events()`` (and the area queries) give events in
_EVENT_ORDER = "sort_date, place_name, event_type, event_id"
#: per table: all its rows in storage order (``dirty_groups`` has no rowid); an insert of one
_COPY_OUT = {
    t: f"SELECT {', '.join(c)} FROM {t} ORDER BY "
    + ("place_id, family" if t == "dirty_groups" else "rowid")
    for t, c in TABLES.items()
}
_COPY_IN = {
    t: f"INSERT INTO {t} ({', '.join(c)}) VALUES ({', '.join('?' * len(c))})"
    for t, c in TABLES.items()
}
_ARTICLE_EXISTS = "SELECT 1 FROM articles WHERE article_id = ?"
_ORIGIN_SELECT = (
    "SELECT CASE WHEN origin_id != '' THEN origin_id ELSE article_id END FROM articles "
    "WHERE article_id = ?"
)
_MENTION_EXISTS = "SELECT 1 FROM mentions WHERE mention_id = ?"
_RESOLUTION_SELECT = """
    SELECT m.article_id, m.start_char, m.end_char, m.surface, m.kind, m.key, r.place,
           r.confidence, r.precision, r.tier, r.reason, r.runners_up, r.flags
    FROM resolutions r JOIN mentions m USING (mention_id) JOIN articles a USING (article_id)
"""


class SQLiteStore:
    """``Store`` on one SQLite file (or ``":memory:"``); safe to share between threads."""

    def __init__(
        self, path: str | Path, *, timeout: float = 30.0, read_only: bool | None = None
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._merge_lock = threading.Lock()
        self._last_signature: tuple[tuple[str, int], neardup.Signature] | None = None
        if self.path != ":memory:":
            _check_header(Path(path))
        #: why writes are off ("" when they are on); ``read_only=None`` decides from the file
        self.read_only_reason = _read_only_reason(Path(path)) if read_only is None else ""
        if read_only and not self.read_only_reason:
            self.read_only_reason = "opened read-only on request"
        try:
            self._conn = self._connect()
        except sqlite3.Error as err:
            raise StorageError(f"{self.path}: cannot open the database ({err})") from err
        self._conn.row_factory = sqlite3.Row
        try:
            self.schema_version = self._prepare()
        except BaseException:
            self._conn.close()
            raise

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def _connect(self) -> sqlite3.Connection:
        options = {"timeout": self.timeout, "isolation_level": None, "check_same_thread": False}
        if not self.read_only:
            return sqlite3.connect(self.path, **options)  # type: ignore[arg-type]
        uri = "file:" + quote(str(Path(self.path).resolve()))
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, **options)  # type: ignore[arg-type]
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # a WAL database needs its -shm file, which cannot be made in a read-only
            # directory: read the file as it is (nobody can write there either)
            conn.close()
            conn = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, **options)  # type: ignore[arg-type]
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # --- articles and their analyses ---------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self._lock:
            return _exists(self._conn, _ARTICLE_EXISTS, article_id)

    def find_origin(self, article: Article) -> str:
        """The origin of the stored article most similar to this one at or above
        ``rows.NEAR_DUPLICATE_THRESHOLD`` (the first article of its cluster), else its own id.

        Only candidates from the MinHash LSH index are compared (``claimmap.store.neardup``)."""
        rows = self._query(_ORIGIN_SELECT, (article.article_id,))
        if rows:
            return str(rows[0][0])
        return self._best_origin(article.article_id, self._signature(article))

    def _signature(self, article: Article) -> neardup.Signature:
        """The article's index entry, kept for the ``save_analysis`` that follows a
        ``find_origin`` of the same article (the pipeline asks both)."""
        key = (article.article_id, len(article.text))
        if self._last_signature is None or self._last_signature[0] != key:
            self._last_signature = (key, neardup.signature(article.text))
        return self._last_signature[1]

    def _best_origin(self, article_id: str, mine: neardup.Signature) -> str:
        small = not self._query(
            "SELECT 1 FROM shingles LIMIT 1 OFFSET ?", (neardup.EXACT_BELOW - 1,)
        )
        if small:  # every stored article: the same answer whatever the order of ingest
            rows = self._query(
                "SELECT a.article_id, a.origin_id, s.hashes FROM articles a "
                "JOIN shingles s USING (article_id) ORDER BY a.rowid"
            )
            return best_origin(article_id, mine.shingles, (tuple(row) for row in rows))
        if not mine.buckets:
            return article_id
        marks = ", ".join("?" * len(mine.buckets))
        rows = self._query(
            "SELECT a.article_id, a.origin_id, s.hashes FROM ("
            f"  SELECT article_id, count(*) AS shared FROM near_buckets WHERE bucket IN ({marks})"
            "  GROUP BY article_id ORDER BY shared DESC LIMIT ?"
            ") c JOIN articles a USING (article_id) JOIN shingles s USING (article_id) "
            "ORDER BY a.rowid",
            (*mine.buckets, neardup.MAX_CANDIDATES),
        )
        return best_origin(article_id, mine.shingles, (tuple(row) for row in rows))

    def save_analysis(self, analysis: ArticleAnalysis) -> bool:
        """Store the article with its mentions, resolutions and claims, all or nothing.

        Returns False (and writes nothing) when the article is already stored. An empty
        ``origin_id`` is filled in with ``find_origin``."""
        article = analysis.article
        aid = article.article_id
        near = self._signature(article)
        with self._write(f"article {aid}") as conn:
            if _exists(conn, _ARTICLE_EXISTS, aid):
                return False
            origin = article.origin_id or self._best_origin(aid, near)
            conn.execute(
                "INSERT INTO articles (article_id, title, text, source, published, language, "
                "path, origin_id, url, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, article.title, article.text, article.source, article.published,
                 article.language, article.path, origin, article.url, article.published_at),
            )  # fmt: skip
            mentions = [*analysis.mentions, *(r.mention for r in analysis.resolutions)]
            self._insert_mentions(conn, aid, mentions)
            self._upsert_resolutions(conn, aid, analysis.resolutions)
            self._insert_claims(conn, aid, analysis.claims)
            conn.executemany(
                "INSERT INTO near_buckets (bucket, article_id) VALUES (?, ?)",
                [(bucket, aid) for bucket in near.buckets],
            )
            conn.execute("INSERT INTO shingles (article_id, hashes) VALUES (?, ?)",
                         (aid, near.shingles))  # fmt: skip
            _mark(conn, _groups(analysis.claims))
        return True

    def make_room(self) -> None:
        """After a full disk: give up the reserve file, checkpoint the write-ahead log into the
        database and truncate it. Raises ``StorageFullError`` when even that does not fit."""
        if self.read_only or self.path == ":memory:":
            return
        with self._lock:
            Path(self.path + "-reserve").unlink(missing_ok=True)
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error as err:
                raise self._translate(err, "making room (checkpoint)") from err

    def _keep_reserve(self) -> None:
        reserve = Path(self.path + "-reserve")
        if reserve.exists():
            return
        try:
            with reserve.open("wb") as fh:
                for _ in range(RESERVE_BYTES // 65536):
                    fh.write(bytes(65536))
        except OSError:  # no room for it: the disk is nearly full already
            reserve.unlink(missing_ok=True)

    def delete_article(self, article_id: str) -> None:
        """Remove an article and everything derived from it (its events stay until the next
        rebuild); used to make room when the disk is full."""
        with self._write(f"removal of article {article_id}") as conn:
            _mark(conn, _stored_groups(conn, "article_id = ?", (article_id,)))
            conn.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))

    def articles(self) -> list[Article]:
        return [Article(**dict(row)) for row in self._query(_ARTICLE_SELECT + " ORDER BY rowid")]

    def article(self, article_id: str) -> Article:
        rows = self._query(_ARTICLE_SELECT + " WHERE article_id = ?", (article_id,))
        if not rows:
            raise NotFoundError(f"article {article_id!r} is not in {self.path}")
        return Article(**dict(rows[0]))

    def articles_by_url(self, url: str) -> list[Article]:
        """The stored articles read from ``url`` (versions of one page or post), oldest first."""
        rows = self._query(_ARTICLE_SELECT + " WHERE url = ? AND url != '' ORDER BY rowid", (url,))
        return [Article(**dict(row)) for row in rows]

    def mentions(self, article_id: str | None = None) -> list[Mention]:
        rows = self._query(
            "SELECT m.article_id, m.start_char, m.end_char, m.surface, m.kind, m.key "
            f"FROM mentions m JOIN articles a USING (article_id) {_where('m', article_id)} "
            "ORDER BY a.rowid, m.start_char, m.end_char",
            _params(article_id),
        )
        return [Mention(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def resolutions(
        self, article_id: str | None = None, *, below: float | None = None
    ) -> list[Resolution]:
        rows = self._query(
            f"{_RESOLUTION_SELECT} {_where('m', article_id, below)} "
            "ORDER BY a.rowid, m.start_char, m.end_char",
            _params(article_id, below),
        )
        return [self._row("resolutions", mention_key(row), resolution_from, row) for row in rows]

    def resolution(self, mention_id: str) -> Resolution:
        rows = self._query(_RESOLUTION_SELECT + " WHERE r.mention_id = ?", (mention_id,))
        if not rows:
            raise NotFoundError(f"mention {mention_id!r} has no resolution in {self.path}")
        return self._row("resolutions", mention_id, resolution_from, rows[0])

    def claims(self, article_id: str | None = None) -> list[Claim]:
        rows = self._query(
            f"SELECT c.article_id, {', '.join('c.' + c for c in CLAIM_COLUMNS)} "
            f"FROM claims c JOIN articles a USING (article_id) {_where('c', article_id)} "
            "ORDER BY a.rowid, c.seq",
            _params(article_id),
        )
        return [claim_from(dict(row)) for row in rows]

    def replace_claims(
        self, article_id: str, claims: Sequence[Claim], resolutions: Sequence[Resolution]
    ) -> None:
        """Replace an article's claims and update the given resolutions (after an override)."""
        with self._write(f"claims of article {article_id}") as conn:
            if not _exists(conn, _ARTICLE_EXISTS, article_id):
                raise NotFoundError(f"article {article_id!r} is not in {self.path}")
            _mark(conn, _stored_groups(conn, "article_id = ?", (article_id,)))
            conn.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
            self._insert_mentions(conn, article_id, [r.mention for r in resolutions])
            self._upsert_resolutions(conn, article_id, resolutions)
            self._insert_claims(conn, article_id, claims)
            _mark(conn, _groups(claims))

    # --- events -----------------------------------------------------------------------------

    def replace_events(self, events: Sequence[Event]) -> None:
        """Replace the whole events table (and forget which groups were waiting for a merge)."""
        with self._write("events") as conn:
            conn.execute("DELETE FROM events")
            conn.execute("DELETE FROM dirty_groups")
            _insert_events(conn, events)

    def mark_groups(self, groups: Collection[tuple[str, str]]) -> None:
        """Have ``update_events`` merge these (place id, family) groups again (after a
        curation that changes what they hold)."""
        with self._write("groups to merge") as conn:
            _mark(conn, groups)

    def update_events(
        self,
        build: Callable[[EventInputs], list[Event]],
        *,
        groups: Collection[tuple[str, str]] = (),
        everything: bool = False,
    ) -> int:
        """Merge again the events of the groups that changed since the last merge (and of
        ``groups``; of every group with ``everything``), in one write transaction: what
        ``build`` is given and what it returns replace exactly those groups' events, so two
        processes merging at once cannot store a stale merge. Returns the number of groups."""
        with self._write("events") as conn:
            if everything:
                wanted = {(r[0], r[1]) for r in conn.execute(
                    "SELECT DISTINCT place_id, event_type FROM claims "
                    "WHERE event_type != 'mention'")}  # fmt: skip
                wanted = {(p, event_family(t)) for p, t in wanted}
                wanted |= {(r[0], r[1]) for r in conn.execute(
                    "SELECT DISTINCT place_id, family FROM events")}  # fmt: skip
            else:
                wanted = {(r[0], r[1]) for r in conn.execute(
                    "SELECT place_id, family FROM dirty_groups")} | set(groups)  # fmt: skip
            if not wanted:
                return 0
            inputs = self._event_inputs(conn, wanted)
            events = build(inputs)
            strays = [e.event_id for e in events
                      if (e.place.place_id, event_family(e.event_type)) not in wanted]  # fmt: skip
            if strays:
                raise StorageError(f"events {strays[:3]} lie outside the groups being merged")
            for group, made in by_group(wanted, events):  # one group's rows at a time
                stored = conn.execute(
                    _EVENT_SELECT + " WHERE place_id = ? AND family = ?", group
                ).fetchall()
                gone, rows = event_changes(stored, made)
                conn.executemany("DELETE FROM events WHERE event_id = ?", [(i,) for i in gone])
                conn.executemany(_EVENT_INSERT, rows)
            conn.execute("DELETE FROM dirty_groups")
        return len(wanted)

    def _event_inputs(
        self, conn: sqlite3.Connection, groups: Collection[tuple[str, str]]
    ) -> EventInputs:
        by_family: dict[str, list[str]] = {}
        for place_id, family in sorted(groups):
            by_family.setdefault(family, []).append(place_id)
        rows: list[sqlite3.Row] = []
        for family, place_ids in by_family.items():
            types = list(CONTROL_TYPES) if family == "control" else [family]
            for chunk in _chunks(place_ids):
                rows += conn.execute(
                    f"SELECT a.rowid AS _rowid, c.seq AS _seq, c.article_id, "
                    f"{', '.join('c.' + c for c in CLAIM_COLUMNS)} "
                    "FROM claims c JOIN articles a USING (article_id) "
                    f"WHERE c.place_id IN ({', '.join('?' * len(chunk))}) "
                    f"AND c.event_type IN ({', '.join('?' * len(types))})",
                    [*chunk, *types],
                ).fetchall()
        rows.sort(key=lambda r: (r["_rowid"], r["_seq"]))  # the order claims() gives
        claims = []
        for row in rows:
            data = dict(row)
            del data["_rowid"], data["_seq"]
            claims.append(claim_from(data))
        articles: dict[str, Article] = {}
        for chunk in _chunks(sorted({c.article_id for c in claims})):
            rows = conn.execute(
                _ARTICLE_META_SELECT + f" WHERE article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            articles.update((r["article_id"], Article(**dict(r))) for r in rows)
        places: dict[str, Place] = {}
        for chunk in _chunks(sorted({c.place_id for c in claims})):
            rows = conn.execute(
                "SELECT place_id, place FROM resolutions WHERE rowid IN (SELECT max(rowid) "
                f"FROM resolutions WHERE place_id IN ({', '.join('?' * len(chunk))}) "
                "GROUP BY place_id)",
                chunk,
            ).fetchall()
            for row in rows:
                places[row[0]] = self._row("resolutions", row[0], _place_row, row)
        curations = [Curation(**dict(r)) for r in conn.execute(
            "SELECT kind, target, action, value, label, at, who FROM curation ORDER BY at, kind, "
            "target, action")]  # fmt: skip
        return EventInputs(claims, articles, places, curations)

    def events(self) -> list[Event]:
        return self._events(f"SELECT * FROM events ORDER BY {_EVENT_ORDER}")

    @contextmanager
    def merging(self) -> Iterator[None]:
        """Hold while reading claims and writing the events they make: one merge at a time in
        this process (``update_events`` needs no more: its write transaction is the lock)."""
        with self._merge_lock:
            yield

    def events_in_bbox(self, west: float, south: float, east: float, north: float) -> list[Event]:
        """Events whose place lies in the box (edges included; ``west > east`` crosses the
        antimeridian), in map order."""
        where, params = _in_box(*check_bbox(west, south, east, north))
        return self._events(f"{_EVENT_POINTS} WHERE {where} ORDER BY {_EVENT_ORDER}", params)

    def events_near(self, lat: float, lon: float, km: float) -> list[Event]:
        """Events whose place is within ``km`` (great circle) of the point, in map order."""
        lat, lon, km = check_radius(lat, lon, km)
        south, north, west, east = radius_box(lat, lon, km)
        where, params = _in_box(west, south, east, north)
        rows = self._query(f"{_EVENT_POINTS} WHERE {where} ORDER BY {_EVENT_ORDER}", params)
        near = [row for row in rows if haversine_km(lat, lon, row["lat"], row["lon"]) <= km]
        return [self._row("events", row["event_id"], event_from, row) for row in near]

    def places_in_bbox(self, west: float, south: float, east: float, north: float) -> list[Place]:
        """The distinct places that stored mentions resolve to inside the box, by place id."""
        where, params = _in_box(*check_bbox(west, south, east, north))
        rows = self._query(
            "SELECT DISTINCT place FROM (SELECT place, json_extract(place, '$.lat') AS lat, "
            f"json_extract(place, '$.lon') AS lon FROM resolutions WHERE place IS NOT NULL) "
            f"WHERE {where}",
            params,
        )
        places = {
            p.place_id: p
            for p in (
                self._row("resolutions", "place", lambda x: place_from(json.loads(x["place"])), x)
                for x in rows
            )
        }
        return [places[k] for k in sorted(places)]

    def _events(self, sql: str, params: Sequence[Any] = ()) -> list[Event]:
        rows = self._query(sql, params)
        return [self._row("events", row["event_id"], event_from, row) for row in rows]

    # --- whole tables, for ``claimmap migrate`` ----------------------------------------------

    def table_rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Every row of a table (``rows.TABLES`` columns), in storage order."""
        statement = _COPY_OUT[table]  # KeyError for a table that is not claimmap's
        with self._lock:
            try:
                cursor = self._conn.execute(statement)
            except sqlite3.Error as err:
                raise self._translate(err, f"reading table {table}") from err
        while True:
            with self._lock:
                batch = cursor.fetchmany(500)
            if not batch:
                return
            yield from (tuple(row) for row in batch)

    def load_rows(self, tables: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> dict[str, int]:
        """Fill an empty store with rows from ``table_rows`` (of any back end), all tables in
        one transaction; returns the rows loaded per table."""
        loaded: dict[str, int] = {}
        with self._write("the copied tables") as conn:
            if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
                raise StorageError(f"{self.path}: is not empty; migrate copies into an empty store")
            for table, rows in tables:
                before = conn.total_changes
                conn.executemany(_COPY_IN[table], rows)
                loaded[table] = conn.total_changes - before
        return loaded

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        sql = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in TABLES)
        return {row["t"]: int(row["n"]) for row in self._query(sql)}

    # --- user overrides and the geocoder cache ----------------------------------------------

    def set_override(self, mention_id: str, place: Place) -> None:
        """Persist a user's correction: this mention means this place."""
        with self._write(f"override of {mention_id}") as conn:
            if not _exists(conn, _MENTION_EXISTS, mention_id):
                raise NotFoundError(f"mention {mention_id!r} is not in {self.path}")
            conn.execute(
                "INSERT OR REPLACE INTO overrides (mention_id, place, created_at) VALUES (?, ?, ?)",
                (mention_id, place_json(place), now()),
            )

    def overrides(self) -> dict[str, Place]:
        rows = self._query("SELECT mention_id, place FROM overrides ORDER BY mention_id")
        return {
            row["mention_id"]: self._row(
                "overrides", row["mention_id"], lambda r: place_from(json.loads(r["place"])), row
            )
            for row in rows
        }

    # --- curation (issue 13) -----------------------------------------------------------------

    def curate(
        self, change: Curation, *, remove: bool, audit_action: str, old_value: str, new_value: str
    ) -> AuditEntry:
        """Set (or with ``remove`` delete) one standing curation and record it in the audit, in
        one transaction. ``change.at`` is set here when empty."""
        at = change.at or now()
        with self._write(f"curation of {change.kind} {change.target}") as conn:
            if remove:
                conn.execute(
                    "DELETE FROM curation WHERE kind = ? AND target = ? AND action = ?",
                    (change.kind, change.target, change.action),
                )
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO curation (kind, target, action, value, label, at, who) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (change.kind, change.target, change.action, change.value, change.label, at,
                     change.who),
                )  # fmt: skip
            cursor = conn.execute(
                "INSERT INTO audit (at, who, action, kind, target, old_value, new_value, label) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, change.who, audit_action, change.kind, change.target, old_value, new_value,
                 change.label),
            )  # fmt: skip
            seq = int(cursor.lastrowid or 0)
        return AuditEntry(seq, at, change.who, audit_action, change.kind, change.target,
                          old_value, new_value, change.label)  # fmt: skip

    def curations(self) -> list[Curation]:
        rows = self._query(
            "SELECT kind, target, action, value, label, at, who FROM curation ORDER BY at, kind, "
            "target, action"
        )
        return [Curation(**dict(row)) for row in rows]

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit, newest first (``limit`` entries at most)."""
        rows = self._query(
            "SELECT seq, at, who, action, kind, target, old_value, new_value, label FROM audit "
            "ORDER BY seq DESC LIMIT ?",
            (-1 if limit is None else int(limit),),
        )
        return [AuditEntry(**dict(row)) for row in rows]

    def cache_get(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM geocoder_cache WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def cache_put(self, key: str, value: str) -> None:
        with self._write(f"geocoder cache entry {key!r}") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO geocoder_cache (key, value, created_at) VALUES (?, ?, ?)",
                (key, value, now()),
            )

    # --- plumbing ---------------------------------------------------------------------------

    def _row(self, table: str, key: str, convert: Any, row: sqlite3.Row) -> Any:
        """``convert(row)``; a value that is not the JSON written here is one line naming the
        table and the row, not a traceback."""
        try:
            return convert(row)
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            raise DatabaseCorruptError(
                f"{self.path}: table {table}, row {key!r}: a stored value is damaged "
                f"({type(err).__name__}: {str(err)[:120]})"
            ) from err

    def _check(self, conn: sqlite3.Connection) -> list[str]:
        """``PRAGMA quick_check`` up to FULL_CHECK_BYTES; above, what can be checked without
        reading every page: the header's page count against the file's size (a cut file) and
        the schema. A damaged page met later is the same one-line error (``_translate``)."""
        size = 0 if self.path == ":memory:" else _file_size(self.path)
        if size <= FULL_CHECK_BYTES:
            return [row[0] for row in conn.execute("PRAGMA quick_check")]
        with open(self.path, "rb") as fh:
            header = fh.read(100)
        page_size = int.from_bytes(header[16:18], "big") or 65536
        changes, pages, valid_for = (int.from_bytes(header[i : i + 4], "big") for i in (24, 28, 92))
        if valid_for == changes and pages * page_size > size:
            return [f"the file holds {size:,} bytes of the {pages * page_size:,} its header says"]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return ["ok"]

    def _prepare(self) -> int:
        conn = self._conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            problems = self._check(conn)
            if problems != ["ok"]:
                raise DatabaseCorruptError(
                    f"{self.path}: the database is damaged ({'; '.join(problems[:3])})"
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path}: written by a newer claimmap (schema version {version}; this "
                    f"one knows up to {SCHEMA_VERSION}); upgrade claimmap to open it"
                )
            if self.read_only:
                if version < SCHEMA_VERSION:
                    raise ReadOnlyStoreError(
                        f"{self.path}: schema version {version} needs upgrading to "
                        f"{SCHEMA_VERSION}, but it is read-only ({self.read_only_reason})"
                    )
                return SCHEMA_VERSION
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # checkpoint the WAL at 256 pages, 1 MB (SQLite's default: 4 MB), and truncate it
            # back to 1 MB after: on a small disk the WAL held half the space
            conn.execute("PRAGMA wal_autocheckpoint = 256")
            conn.execute("PRAGMA journal_size_limit = 1048576")
            if self.path != ":memory:":
                self._keep_reserve()
            if version < SCHEMA_VERSION:
                with self._write("schema migration") as tx:
                    version = tx.execute("PRAGMA user_version").fetchone()[0]  # another process?
                    for number in range(version + 1, SCHEMA_VERSION + 1):
                        for statement in _statements(MIGRATIONS[number - 1]):
                            tx.execute(statement)
                        if number in _BACKFILLS:
                            _BACKFILLS[number](tx)
                        tx.execute(f"PRAGMA user_version = {number}")
        except sqlite3.Error as err:
            raise self._translate(err, "opening the database") from err
        return SCHEMA_VERSION

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any error."""
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.path}: opened read-only ({self.read_only_reason}); writes are off, "
                f"so {what} was not saved"
            )
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise self._translate(err, f"saving {what}") from err
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as err:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(err, sqlite3.Error):
                    raise self._translate(err, f"saving {what}") from err
                if isinstance(err, TypeError | ValueError) and not isinstance(err, ClaimMapError):
                    raise StorageError(f"{self.path}: cannot save {what}: {err}") from err
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise self._translate(err, "reading") from err

    def _translate(self, err: sqlite3.Error, doing: str) -> StorageError:
        message = str(err)
        if isinstance(err, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
            return StorageError(
                f"{self.path}: the database is locked by another program or connection; waited "
                f"{self.timeout:g} s while {doing}. Close the other program and try again"
            )
        if getattr(err, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in message:
            return StorageFullError(
                f"{self.path}: the disk is full (or the database reached its size limit) while "
                f"{doing}; that was rolled back whole"
            )
        if getattr(err, "sqlite_errorname", "") == "SQLITE_READONLY":
            return ReadOnlyStoreError(f"{self.path}: writes are off ({message}) while {doing}")
        if type(err) is sqlite3.DatabaseError or "malformed" in message:
            return DatabaseCorruptError(
                f"{self.path}: the database file is damaged or not SQLite ({message})"
            )
        return StorageError(f"{self.path}: error while {doing}: {message}")

    def _insert_mentions(
        self, conn: sqlite3.Connection, aid: str, mentions: Sequence[Mention]
    ) -> None:
        check_owner(aid, "mention", [(m.article_id, m.mention_id) for m in mentions])
        conn.executemany(
            "INSERT OR IGNORE INTO mentions (mention_id, article_id, start_char, end_char, "
            "surface, kind, key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (m.mention_id, m.article_id, m.start, m.end, m.surface, m.kind, m.key)
                for m in mentions
            ],
        )

    def _upsert_resolutions(
        self, conn: sqlite3.Connection, aid: str, resolutions: Sequence[Resolution]
    ) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO resolutions (mention_id, place, confidence, precision, tier, "
            "reason, runners_up, flags, place_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [resolution_values(r) for r in resolutions],
        )

    def _insert_claims(self, conn: sqlite3.Connection, aid: str, claims: Sequence[Claim]) -> None:
        check_owner(aid, "claim", [(c.article_id, c.sentence) for c in claims])
        conn.executemany(
            _CLAIM_INSERT,
            [claim_values(aid, seq, c) for seq, c in enumerate(claims)],
        )


def _check_header(path: Path) -> None:
    """Refuse a non-empty file that is not SQLite before sqlite3 gets to it."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError as err:
        raise StorageError(f"{path}: is a directory, not a database file") from err
    except OSError as err:
        raise StorageError(f"{path}: cannot be read ({err.strerror})") from err
    if header and header != _SQLITE_HEADER:
        raise DatabaseCorruptError(f"{path}: not a SQLite database (wrong file header)")


def _read_only_reason(path: Path) -> str:
    """Why an existing database file cannot be written here ("" when it can)."""
    if str(path) == ":memory:" or not path.exists():
        return ""
    if not os.access(path, os.W_OK):
        return f"the file {path} is not writable"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"its directory {path.parent} is not writable"
    return ""


def _in_box(west: float, south: float, east: float, north: float) -> tuple[str, tuple[float, ...]]:
    """A WHERE clause (and its parameters) on ``lat`` and ``lon`` for points in the box."""
    lon = "lon BETWEEN ? AND ?" if west <= east else "(lon >= ? OR lon <= ?)"
    return f"lat BETWEEN ? AND ? AND {lon}", (south, north, west, east)


def _insert_events(conn: sqlite3.Connection, events: Sequence[Event]) -> None:
    conn.executemany(_EVENT_INSERT, [event_values(seq, e) for seq, e in enumerate(events)])


def _groups(claims: Sequence[Claim]) -> set[tuple[str, str]]:
    """The groups of these claims (a ``mention`` claim never becomes an event)."""
    return {(c.place_id, event_family(c.event_type)) for c in claims if c.event_type != "mention"}


def _stored_groups(
    conn: sqlite3.Connection, where: str, params: Sequence[Any]
) -> set[tuple[str, str]]:
    rows = conn.execute(
        f"SELECT DISTINCT place_id, event_type FROM claims WHERE event_type != 'mention' AND "
        f"{where}",
        params,
    )
    return {(r[0], event_family(r[1])) for r in rows}


def _mark(conn: sqlite3.Connection, groups: Collection[tuple[str, str]]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO dirty_groups (place_id, family) VALUES (?, ?)", sorted(groups)
    )


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _place_row(row: sqlite3.Row) -> Place:
    return place_from(json.loads(row[1]))


def _backfill_near_duplicates(conn: sqlite3.Connection) -> None:
    """Version 7: index the articles stored before it for near-duplicate search."""
    for aid, text in conn.execute("SELECT article_id, text FROM articles").fetchall():
        near = neardup.signature(text)
        conn.executemany("INSERT INTO near_buckets (bucket, article_id) VALUES (?, ?)",
                         [(bucket, aid) for bucket in near.buckets])  # fmt: skip
        conn.execute(
            "INSERT INTO shingles (article_id, hashes) VALUES (?, ?)", (aid, near.shingles)
        )


_BACKFILLS[7] = _backfill_near_duplicates


def _exists(conn: sqlite3.Connection, sql: str, key: str) -> bool:
    return conn.execute(sql, (key,)).fetchone() is not None


def _where(table: str, article_id: str | None, below: float | None = None) -> str:
    """A filter on one article and, for resolutions, on a confidence below a threshold (or on
    none): a fixed string, the values are parameters."""
    terms = [] if article_id is None else [f"{table}.article_id = ?"]
    if below is not None:
        terms.append("(r.place IS NULL OR r.confidence < ?)")
    return f"WHERE {' AND '.join(terms)}" if terms else ""


def _params(article_id: str | None, below: float | None = None) -> tuple[object, ...]:
    return tuple(v for v in (article_id, below) if v is not None)


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
