"""Every error claimmap raises, in one place.

    >>> from claimmap.errors import ClaimMapError, IngestError
    >>> try:
    ...     raise IngestError("empty.txt: the file is empty")
    ... except ClaimMapError as err:
    ...     str(err)
    'empty.txt: the file is empty'

Each leaf also subclasses the builtin it means, so ``except ValueError`` still works.
"""

from __future__ import annotations


class ClaimMapError(Exception):
    """Root of all claimmap errors."""


class GazetteerFormatError(ClaimMapError, ValueError):
    """A gazetteer file is missing, malformed or of an unknown version."""


class IngestError(ClaimMapError, ValueError):
    """An article could not be read: empty, binary, too large or undecodable."""


class FetchError(IngestError, ConnectionError):
    """A URL cannot be fetched: offline, not http(s), refused, timed out or too large."""


class GeocoderError(ClaimMapError, RuntimeError):
    """The geocoder answered, but not with something usable."""


class GeocoderUnavailable(GeocoderError, ConnectionError):
    """The geocoder cannot be reached now: offline, timed out, refused or rate-limited."""


class StorageError(ClaimMapError, RuntimeError):
    """The database cannot be opened or written."""


class DatabaseCorruptError(StorageError):
    """The database file is not SQLite, is damaged, or fails its integrity check."""


class SchemaVersionError(StorageError):
    """The database was written by a newer claimmap than this one."""


class UnknownPlaceError(ClaimMapError, KeyError):
    """No place in any gazetteer tier has this id."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the message as is
        return str(self.args[0]) if self.args else ""


class NotFoundError(ClaimMapError, LookupError):
    """A mention, article or event with this id is not in the database."""


class MapError(ClaimMapError, ValueError):
    """An event, text span or web asset cannot be drawn on the map."""


class ClaimInputError(ClaimMapError, ValueError):
    """Claims or events cannot be built: a mention, claim or option does not fit its article."""


class CurationError(ClaimMapError, ValueError):
    """A dismissal, restore or correction does not fit: unknown kind, nothing to undo, bad value."""


# issue 14: configuration and a full disk get their own leaves
class ConfigError(ClaimMapError, ValueError):
    """A setting (an environment variable or an option) has a value claimmap cannot use."""


class StorageFullError(StorageError):
    """The disk (or the database's size limit) is full: nothing more can be written."""


class ReadOnlyStoreError(StorageError, PermissionError):
    """The database was opened read-only (its file or directory is not writable)."""


# issue 11: the user's table of sources
class SourceTableError(ClaimMapError, ValueError):
    """A sources table (CLAIMMAP_SOURCES) is missing, malformed or names an unknown side/kind."""


class ControlLayerError(ClaimMapError, ValueError):
    """A control-layer file is not a GeoJSON FeatureCollection of dated polygons."""
