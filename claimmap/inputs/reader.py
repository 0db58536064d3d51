"""Pick the reader for a file or a download: text, Markdown, HTML, a feed or a Telegram export.

    >>> from claimmap.inputs.reader import sniff
    >>> sniff(b'{"name": "DSNS", "messages": []}', "x"), sniff(b"<rss version='2.0'>", "a.txt")
    ('telegram', 'feed')
    >>> sniff(b"<!DOCTYPE html><html>", "upload"), sniff(b"Shelling of Shostka", "a.txt")
    ('html', 'text')

One file can hold many articles (a feed, an export of 100,000 messages), so readers here yield
``Item``s lazily: ``(name, Article)`` for an article, ``(name, IngestError)`` for something that
could not be read (the rest goes on), ``(name, Note)`` for a remark for the ingest report
("120 service messages skipped"). The suffix decides (.json a Telegram export, .xml/.rss/.atom a
feed, .html/.htm a page, .md Markdown, else text), and the content where the suffix says nothing
or is wrong: JSON starting with ``{``, a feed root (``<rss``, ``<feed``, ``<rdf:RDF``) or an HTML
start.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from claimmap.errors import IngestError
from claimmap.inputs.files import MAX_BYTES, read_bytes, read_path
from claimmap.records import Article

__all__ = ["Item", "Note", "read_data", "read_file", "read_files", "sniff"]

_HEAD = 4096
_FEED_SUFFIXES = (".xml", ".rss", ".atom")


class Note(str):
    """A remark for the ingest report; not an error."""

    __slots__ = ()


Item = tuple[str, Article | IngestError | Note]


def sniff(head: bytes, name: str) -> str:
    """``telegram``, ``feed``, ``html`` or ``text`` for a document's first bytes and name."""
    from claimmap.inputs.feeds import looks_like_feed

    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:_HEAD]
    suffix = Path(name).suffix.lower()
    lowered = start.lower()
    if start.startswith(b"{") and (suffix in ("", ".json") or b'"messages"' in start):
        return "telegram"
    if suffix == ".json":
        return "telegram"
    if looks_like_feed(start) and not lowered.startswith((b"<!doctype html", b"<html")):
        return "feed"
    if suffix in _FEED_SUFFIXES:
        return "feed"
    if suffix in (".html", ".htm") or lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def read_files(paths: Iterable[Path]) -> Iterator[Item]:
    """Every article in the files, in order; a bad file is one error item and the rest go on."""
    for path in paths:
        yield from read_file(path)


def read_file(path: Path) -> Iterator[Item]:
    """The articles in one file (one for a text or a page; many for a feed or an export)."""
    path = Path(path)
    try:
        # only a regular file is opened to look at its head: opening a FIFO would block, and
        # read_path refuses anything else at once, by name
        if not stat.S_ISREG(path.stat().st_mode):
            raise OSError("not a regular file")
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        head = b""  # read_path names the problem
    kind = sniff(head, path.name) if head else "text"
    if kind == "telegram":
        yield from _telegram(path, path.name)
    elif kind == "feed":
        try:
            if path.stat().st_size > MAX_BYTES:
                raise IngestError(f"{path}: over the {MAX_BYTES:,}-byte limit for a feed")
            yield from _feed(path.read_bytes(), path.name, "")
        except OSError as err:
            yield path.name, IngestError(f"{path}: cannot be read ({err.strerror or err})")
        except IngestError as err:
            yield path.name, err
    else:
        try:
            yield path.name, read_path(path)
        except IngestError as err:
            yield path.name, err


def read_data(data: bytes, *, name: str, url: str = "", charset: str = "") -> Iterator[Item]:
    """The articles in uploaded or downloaded bytes; ``url`` is where they came from and
    ``charset`` what the server said the text is in (pages only: feeds declare their own)."""
    kind = sniff(data[:_HEAD], name)
    if kind == "telegram":
        yield from _telegram(io.BytesIO(data), name)
        return
    try:
        if kind == "feed":
            yield from _feed(data, name, url)
        elif kind == "html" and url:
            from claimmap.inputs.web import read_html

            yield name, read_html(_text(data, name, charset), name=name, url=url)
        else:
            yield name, read_bytes(data, name=name)
    except IngestError as err:
        yield name, err


def _text(data: bytes, name: str, charset: str) -> str:
    from claimmap.inputs.files import _decode

    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # the header is wrong or unknown: find out from the bytes
    return _decode(data, name)


def _feed(data: bytes, name: str, url: str) -> Iterator[Item]:
    from claimmap.inputs.feeds import read_feed

    yield from read_feed(data, name=name, url=url)


def _telegram(source: Path | io.BytesIO, name: str) -> Iterator[Item]:
    from claimmap.inputs.telegram import ExportReport, read_export

    report = ExportReport()
    try:
        for message in read_export(source, report=report, name=name):
            yield message.article.url, message.article
    except IngestError as err:
        yield name, err
    for note in report.notes:
        yield name, Note(note)
    yield name, Note(f"{name}: Telegram export: {report.describe()}")
