"""Copy a whole store between back ends (``claimmap migrate --from A --to B``).

    >>> from claimmap.store.transfer import copy_store
    >>> copy_store("claims.db", "postgresql://analyst@db/newsroom")   # doctest: +SKIP
    {'articles': 1000, 'mentions': 9210, ...}

Every table is copied row for row (articles with their mentions, resolutions and claims, user
overrides, curation and its audit, the geocoder cache, the events as they were merged), in
one transaction on the destination, which must be empty: an interrupted copy leaves it empty.
The source is only read. After the copy the row counts of every table are compared; a
difference is a ``StorageError`` naming the tables.
"""

from __future__ import annotations

from pathlib import Path

from claimmap.errors import StorageError
from claimmap.store.base import open_store
from claimmap.store.rows import TABLES

__all__ = ["copy_store"]


def copy_store(source: str | Path, target: str | Path) -> dict[str, int]:
    """Copy every table of ``source`` into the empty store ``target``; the rows per table."""
    if str(source).strip() == str(target).strip():
        raise StorageError(f"{source}: the source and the destination are the same store")
    with open_store(source) as src:
        expected = src.counts()
        with open_store(target) as dst:
            loaded = dst.load_rows((table, src.table_rows(table)) for table in TABLES)
            found = dst.counts()
    wrong = [
        f"{t} {expected[t]} -> {found.get(t)} (copied {loaded.get(t)})"
        for t in TABLES
        if not expected[t] == found.get(t) == loaded.get(t)
    ]
    if wrong:
        raise StorageError(f"{target}: the copy does not match the source: {'; '.join(wrong)}")
    return found
