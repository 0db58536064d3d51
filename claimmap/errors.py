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
