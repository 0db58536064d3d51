"""What the pipeline and the dashboard need from a database (``Store``), and how one is opened.

    >>> from claimmap.store.base import Store, open_store
    >>> with open_store(":memory:") as store:
    ...     isinstance(store, Store), store.schema_version >= 2
    (True, True)

``open_store`` picks the back end from the target: a path, ``sqlite:///path`` or ``:memory:``
is SQLite (``claimmap.store.sqlite``), a ``postgresql://`` (or ``postgres://``) URL is
PostgreSQL (``claimmap.store.postgres``); no target means ``CLAIMMAP_DB``, else
``default_db_path()``. Every back end implements ``Store``; nothing else in claimmap names a
back end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimmap.errors import StorageError
from claimmap.records import (
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
)

__all__ = ["Store", "default_db_path", "open_store"]


def default_db_path() -> Path:
    """``claimmap.db`` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("claimmap")) / "claimmap.db"


def open_store(target: str | Path | None = None) -> Store:
    """Open (creating it, its tables and, for SQLite, its directory) the store at a path,
    ``sqlite:///path``, ``:memory:`` or ``postgresql://user[:password]@host[:port]/db``;
    ``None`` means ``CLAIMMAP_DB``, else ``default_db_path()``."""
    if target is None or (isinstance(target, str) and not target.strip()):
        target = os.environ.get("CLAIMMAP_DB", "").strip() or default_db_path()
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        from claimmap.store.postgres import PostgresStore, display_url

        if not target.split("://", 1)[1].strip("/"):
            raise StorageError(f"{display_url(target)}: name the database (postgresql://host/db)")
        return PostgresStore(target)
    if isinstance(target, str) and "://" in target:
        if not target.startswith("sqlite://"):
            raise StorageError(
                f"{target.split('://', 1)[0]}://...: not a database claimmap knows; use a file "
                "path, sqlite:///path or postgresql://user@host/db"
            )
        target = target.removeprefix("sqlite://").removeprefix("/") or ":memory:"
    if str(target) != ":memory:":
        target = Path(target).expanduser()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StorageError(f"{target}: cannot create its directory ({err.strerror})") from err
    from claimmap.store.sqlite import SQLiteStore

    return SQLiteStore(target)


@runtime_checkable
class Store(Protocol):
    """What the pipeline and the dashboard need from a database."""

    schema_version: int

    def close(self) -> None: ...
    def has_article(self, article_id: str) -> bool: ...
    def find_origin(self, article: Article) -> str: ...
    def save_analysis(self, analysis: ArticleAnalysis) -> bool: ...
    def articles(self) -> list[Article]: ...
    def article(self, article_id: str) -> Article: ...
    def articles_by_url(self, url: str) -> list[Article]: ...  # issue 16, oldest first
    def mentions(self, article_id: str | None = None) -> list[Mention]: ...
    #: ``below``: only the unresolved and those with a confidence below it (the Review tab)
    def resolutions(
        self, article_id: str | None = None, *, below: float | None = None
    ) -> list[Resolution]: ...
    def resolution(self, mention_id: str) -> Resolution: ...
    def claims(self, article_id: str | None = None) -> list[Claim]: ...
    def replace_claims(
        self, article_id: str, claims: Sequence[Claim], resolutions: Sequence[Resolution]
    ) -> None: ...
    def replace_events(self, events: Sequence[Event]) -> None: ...
    def events(self) -> list[Event]: ...
    # issue 15: incremental events; a (place id, family) group changes when a claim of it is
    # stored, replaced or removed, or when ``mark_groups`` says so
    def mark_groups(self, groups: Collection[tuple[str, str]]) -> None: ...
    def update_events(
        self,
        build: Callable[[EventInputs], list[Event]],
        *,
        groups: Collection[tuple[str, str]] = (),
        everything: bool = False,
    ) -> int: ...
    def set_override(self, mention_id: str, place: Place) -> None: ...
    def overrides(self) -> dict[str, Place]: ...
    def cache_get(self, key: str) -> str | None: ...
    # issue 13: curation and its audit
    def curate(
        self, change: Curation, *, remove: bool, audit_action: str, old_value: str, new_value: str
    ) -> AuditEntry: ...
    def curations(self) -> list[Curation]: ...
    def audit(self, limit: int | None = None) -> list[AuditEntry]: ...
    def cache_put(self, key: str, value: str) -> None: ...
    # issue 17: a team's server, where the map asks for an area, the copy between back ends
    # one merge at a time across processes, held by hand; ``update_events`` needs no more and
    # must not be called inside it
    def merging(self) -> AbstractContextManager[None]: ...
    def events_in_bbox(
        self, west: float, south: float, east: float, north: float
    ) -> list[Event]: ...
    def events_near(self, lat: float, lon: float, km: float) -> list[Event]: ...
    def places_in_bbox(
        self, west: float, south: float, east: float, north: float
    ) -> list[Place]: ...
    def table_rows(self, table: str) -> Iterator[tuple[Any, ...]]: ...
    def load_rows(
        self, tables: Iterable[tuple[str, Iterable[Sequence[Any]]]]
    ) -> dict[str, int]: ...
    def counts(self) -> dict[str, int]: ...
