"""What the pipeline and the dashboard need from a database (``Store``), and how one is opened.

    >>> from claimmap.store.base import Store, open_store
    >>> with open_store(":memory:") as store:
    ...     isinstance(store, Store), store.schema_version >= 2
    (True, True)

``open_store`` picks the back end from the target: a path, ``sqlite:///path`` or ``:memory:``
is SQLite (``claimmap.store.sqlite``). Every back end implements ``Store``; nothing else in
claimmap names a back end.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

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
    """Open (creating it and its directory) the store at a path, ``sqlite:///path`` or ``:memory:``;
    ``None`` means ``default_db_path()``."""
    if target is None:
        target = default_db_path()
    elif isinstance(target, str) and "://" in target:
        if not target.startswith("sqlite://"):
            raise StorageError(f"{target}: only sqlite:/// URLs and file paths are supported")
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
    def resolutions(self, article_id: str | None = None) -> list[Resolution]: ...
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
