"""Read-only string maps that unpickle in a few memory copies: the keys in a MARISA trie
(``marisa-trie``, a static succinct trie in C++), the values in flat arrays indexed by the
trie's own key id.

    >>> from claimmap.places.index import Postings, Coded
    >>> rows = Postings({"sumy": [0, 7], "yunakivka": [3]})
    >>> rows.get("sumy"), rows.get("nowhere"), "yunakivka" in rows
    ((0, 7), (), True)
    >>> kinds = Coded({"sumy": frozenset({"settlement"}), "sumska": frozenset({"oblast"})})
    >>> sorted(kinds["sumska"]), kinds.get("nowhere")
    (['oblast'], None)

The offline index holds ~344,000 names and case forms over ~70,000 places. As Python dicts
of strings it took over a second to unpickle (a string object, a hash and a dict slot per
key, four times over); a trie and its arrays load as a handful of byte strings, and a
lookup costs about 0.4 µs against a dict's 0.05, a few hundred times per article.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

import marisa_trie

__all__ = ["Coded", "Postings", "Records", "Refs"]

V = TypeVar("V", bound=Hashable)
_MISSING = object()  #: ``get``'s default when ``__getitem__`` asks


class _Keys(Mapping[str, object]):
    """The read-only mapping part common to the three: keys live in ``self._trie``."""

    __slots__ = ("_trie",)
    _trie: marisa_trie.Trie

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._trie

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie)

    def __len__(self) -> int:
        return len(self._trie)

    def __getitem__(self, key: str) -> object:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    # pickled as the values of ``_STATE`` (each a trie, an array or a tuple: a few byte strings)
    _STATE: tuple[str, ...] = ()

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._STATE)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(self._STATE, state, strict=True):
            setattr(self, name, value)


class Postings(_Keys):
    """``{key: tuple of row numbers}`` (compressed sparse rows: offsets and one row array)."""

    __slots__ = ("_offsets", "_rows")
    _STATE = ("_trie", "_offsets", "_rows")

    def __init__(self, items: Mapping[str, Sequence[int]]) -> None:
        self._trie = marisa_trie.Trie(items.keys())
        ordered: list[Sequence[int]] = [()] * len(self._trie)
        for key, rows in items.items():
            ordered[self._trie[key]] = rows
        self._offsets = array("I", [0])
        self._rows = array("I")
        for rows in ordered:
            self._rows.extend(rows)
            self._offsets.append(len(self._rows))

    def get(self, key: str, default: object = ()) -> tuple[int, ...]:  # type: ignore[override]
        i = self._trie.get(key)
        if i is None:
            return default  # type: ignore[return-value]
        return tuple(self._rows[self._offsets[i] : self._offsets[i + 1]])


class Coded(_Keys, Generic[V]):
    """``{key: value}`` where the values are few and repeated (kinds of place): one small code
    per key, the distinct values once."""

    __slots__ = ("_codes", "_values")
    _STATE = ("_trie", "_codes", "_values")

    def __init__(self, items: Mapping[str, V]) -> None:
        self._trie = marisa_trie.Trie(items.keys())
        distinct: dict[V, int] = {}
        codes = [0] * len(self._trie)
        for key, value in items.items():
            codes[self._trie[key]] = distinct.setdefault(value, len(distinct))
        self._codes = array("H" if len(distinct) < 1 << 16 else "I", codes)
        self._values: tuple[V, ...] = tuple(distinct)

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        i = self._trie.get(key)
        return default if i is None else self._values[self._codes[i]]

    def key_id(self, key: str) -> int | None:
        """The trie's id of ``key`` (for :class:`Refs` pointing into this map)."""
        return self._trie.get(key)

    def key_of(self, key_id: int) -> str:
        return self._trie.restore_key(key_id)


class Refs(_Keys):
    """``{key: a key of another map}`` (a skeleton and the one name it stands for), stored as
    the other map's key ids."""

    __slots__ = ("_ids", "_target")
    _STATE = ("_trie", "_ids", "_target")

    def __init__(self, items: Mapping[str, str], target: Coded[V]) -> None:
        self._trie = marisa_trie.Trie(items.keys())
        ids = [0] * len(self._trie)
        for key, value in items.items():
            found = target.key_id(value)
            if found is None:
                raise KeyError(f"{value!r} is not a key of the target map")
            ids[self._trie[key]] = found
        self._ids = array("I", ids)
        self._target = target

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        i = self._trie.get(key)
        return default if i is None else self._target.key_of(self._ids[i])


class Records(Sequence[object]):
    """Objects of one class kept as their pickled states in one byte string, each built on
    first access and kept: a process that resolves a few hundred places decodes a few hundred
    of the ~70,000, not all of them at load."""

    __slots__ = ("_blob", "_built", "_cls", "_offsets")

    def __init__(self, cls: type, objects: Iterable[object]) -> None:
        self._cls = cls
        self._offsets = array("Q", [0])
        parts = []
        for obj in objects:
            parts.append(pickle.dumps(obj.__getstate__(), pickle.HIGHEST_PROTOCOL))
            self._offsets.append(self._offsets[-1] + len(parts[-1]))
        self._blob = b"".join(parts)
        self._built: list[object | None] = [None] * (len(self._offsets) - 1)

    def __len__(self) -> int:
        return len(self._built)

    def __getitem__(self, row: int) -> object:  # type: ignore[override]
        if row < 0:
            row += len(self._built)
        obj = self._built[row]
        if obj is None:
            state = pickle.loads(self._blob[self._offsets[row] : self._offsets[row + 1]])
            obj = self._cls.__new__(self._cls)
            obj.__setstate__(state)
            self._built[row] = obj  # two threads may both build it: equal objects, no harm
        return obj

    def __iter__(self) -> Iterator[object]:
        return (self[row] for row in range(len(self._built)))

    def __getstate__(self) -> tuple[object, ...]:
        return self._cls, self._offsets, self._blob

    def __setstate__(self, state: tuple[object, ...]) -> None:
        self._cls, self._offsets, self._blob = state  # type: ignore[assignment]
        self._built = [None] * (len(self._offsets) - 1)
