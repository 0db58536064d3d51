"""Read articles (plain text, Markdown, HTML, uploaded bytes, pasted text) into ``Article`` records.

    >>> from claimmap.inputs.files import read_text
    >>> from claimmap.inputs.text import similarity
    >>> a = read_text("Shelling of Shostka\\nPublished: 2025-06-03\\n\\nTwo were wounded.")
    >>> a.title, a.published, a.language, len(a.article_id)
    ('Shelling of Shostka', '2025-06-03', 'en', 16)
    >>> similarity(a.text, a.text)
    1.0

The text is kept verbatim, because every later stage keeps character offsets into
``Article.text``. The one change made to it is that zero-width and bidi control characters
(U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF) are removed: they are invisible, split
place names in two and never carry meaning in news text. Line endings are left as they are.
Markdown loses its light markup; for it ``Article.text`` is the text left.

Metadata comes from the file, never from its mtime: for plain text and Markdown a "Published:",
"Date:" or "Source:" line, or a dateline ("June 3, 2025", "03.06.2025") near the top. HTML
pages go to ``claimmap.inputs.web`` (trafilatura: main text without menus, related links and
comments, and the page's own metadata).

Bytes are decoded as UTF-8 (with or without BOM), UTF-16/32 with a BOM, else as whichever legacy
code page (Windows-1251, KOI8-R/U, CP866, ISO 8859-5, Mac Cyrillic, Windows-1252)
charset-normalizer finds coherent; if none is, the file is refused rather than mangled. Binary,
empty and whitespace-only files and files over ``MAX_BYTES`` raise ``IngestError``.

``article_id`` hashes the whitespace-normalised text, so re-reading a file is a no-op.
``origin_id`` is left empty: only the store knows the other articles (``Store.find_origin``).
Near-duplicates (one report rewritten by two outlets) are found with ``similarity``: the Jaccard
index of word 3-shingles. The two seed articles score 0.084 and a hand-written rewrite 0.104;
unrelated Sumy war news scores at most 0.022. Hence ``NEAR_DUPLICATE_THRESHOLD = 0.05``.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from claimmap.errors import IngestError
from claimmap.inputs.text import (
    _INVISIBLE,
    article_id,
    detect_language,
    parse_date,
)
from claimmap.records import Article

#: Files larger than this (20 MiB) are refused: no news article is that long.
MAX_BYTES: int = 20 * 1024 * 1024
#: Suffixes ``expand_paths`` picks from directories.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".xml", ".rss", ".atom")

_LEGACY_ENCODINGS = ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic", "cp1252")
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
    (b"{\\rtf", "RTF document"),
)
_HEAD_CHARS = 800  # metadata lines and datelines are looked for this close to the top
_META_LINE = re.compile(
    r"^[ \t]*(?P<key>published|date|posted|source|outlet)[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_TAG = re.compile(r"<[A-Za-z!/]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc but tab, LF, VT, FF, CR
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Extracted(NamedTuple):
    text: str
    title: str = ""
    source: str = ""
    published: str = ""


def read_path(path: Path) -> Article:
    """Read one article file; the format follows the suffix (HTML is also sniffed).

    Only regular files are read: a FIFO, socket or device is refused at once (it is opened
    without blocking and checked before any read), a directory too. A name that is not valid
    UTF-8 (``lat\\xe9in.txt`` from an old archive) is kept with the bad bytes written as
    ``\\xe9`` (``path_text``), so the article still saves."""
    path = Path(path)
    name = path_text(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IngestError(f"{name}: is a directory, not an article file")
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(f"{name}: is a {_file_kind(info.st_mode)}, not a regular file")
            if info.st_size > MAX_BYTES:
                raise IngestError(
                    f"{name}: {info.st_size:,} bytes is over the {MAX_BYTES:,}-byte limit"
                )
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError as err:
        raise IngestError(f"{name}: no such file") from err
    except IsADirectoryError as err:
        raise IngestError(f"{name}: is a directory, not an article file") from err
    except PermissionError as err:
        raise IngestError(f"{name}: permission denied") from err
    except OSError as err:
        raise IngestError(f"{name}: cannot be read ({err.strerror or err})") from err
    return read_bytes(data, name=name)


def path_text(path: str | Path) -> str:
    """A path as text that can always be stored and printed: bytes that are not UTF-8 (kept by
    Python as surrogates) are written ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def shown(text: str) -> str:
    """``text`` safe for a terminal: control characters (ESC, CR, LF, BEL, C1, bidi overrides)
    are written as escapes such as ``\\x1b``, so a file name cannot rewrite the screen."""
    return _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return kind
    return "special file"


def read_bytes(data: bytes, *, name: str) -> Article:
    """Read an uploaded file's bytes; ``name`` picks the format and appears in every error."""
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit")
    text = _INVISIBLE.sub("", _decode(data, name))
    suffix = Path(name).suffix.lower()
    if suffix in (".md", ".markdown"):
        found = _markdown(text)
    elif _is_page(text, suffix):
        from claimmap.inputs.web import read_html  # web imports this module's helpers

        if not text.strip():
            raise IngestError(f"{name}: only whitespace")
        return read_html(text, name=name)
    else:
        found = _Extracted(text)
    return _article(found, name=name, path=name)


def _is_page(text: str, suffix: str) -> bool:
    """An HTML page: its suffix says so and it has a tag, or it starts like one."""
    if text.lstrip()[:20].lower().startswith(("<!doctype", "<html")):
        return True
    return suffix in (".html", ".htm") and _TAG.search(text) is not None


def read_text(
    text: str, *, title: str = "", source: str = "", published: str = "", path: str = ""
) -> Article:
    """Make an article from pasted text; metadata not given is looked for in the text."""
    name = path or "pasted text"
    if len(text) > MAX_BYTES:
        raise IngestError(f"{name}: over the {MAX_BYTES:,}-character limit")
    iso = parse_date(published) if published else ""
    if published and not iso:
        raise IngestError(f"{name}: published date {published!r} is not a date")
    return _article(_Extracted(_INVISIBLE.sub("", text), title, source, iso), name=name, path=path)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files stay as given; directories become their article files (recursive, sorted, no dot
    files); duplicates are dropped. The first problem ``collect_paths`` finds (a path that does
    not exist, a directory that cannot be read) raises ``IngestError``."""
    found, problems = collect_paths(paths)
    if problems:
        raise IngestError(problems[0][1])
    return found


def collect_paths(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Like ``expand_paths``, but a bad path never stops the others: returns the files found
    and ``(name, why)`` for each path that does not exist, each directory that cannot be read
    and each file with an article suffix in a directory that is not a regular file."""
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(_walk(path, problems))
        elif path.exists() or path.is_symlink():
            found.append(path)  # read_path says what is wrong with it, if anything
        else:
            problems.append((path_text(path), f"{path_text(path)}: no such file or directory"))
    return list(dict.fromkeys(found)), problems


def _walk(top: Path, problems: list[tuple[str, str]]) -> list[Path]:
    def unreadable(err: OSError) -> None:
        where = path_text(err.filename or top)
        why = "permission denied" if isinstance(err, PermissionError) else err.strerror or err
        problems.append((where, f"{where}: directory skipped, cannot be read ({why})"))

    files: list[Path] = []
    for root, dirs, names in os.walk(top, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(root, name)
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_file():
                files.append(path)
            elif not path.is_dir():
                problems.append((path_text(path), f"{path_text(path)}: not a regular file"))
    return sorted(files)


def _article(found: _Extracted, *, name: str, path: str) -> Article:
    text = found.text
    if not text.strip():
        raise IngestError(f"{name}: the file is empty" if not text else f"{name}: only whitespace")
    head = text.lstrip()[:_HEAD_CHARS]
    meta = {m["key"].lower(): m["value"] for m in reversed(list(_META_LINE.finditer(head)))}
    published = found.published or next(
        (d for key in ("published", "date", "posted") if (d := parse_date(meta.get(key, "")))),
        "",
    )
    if not published:  # a dateline: a short line near the top that holds a date
        lines = (line for line in head.splitlines() if len(line.strip()) <= 80)
        published = next((d for line in lines if (d := parse_date(line))), "")
    first_line = next(line for line in text.splitlines() if line.strip())
    return Article(
        article_id=article_id(text),
        title=" ".join((found.title or first_line).split())[:300],
        text=text,
        source=found.source or meta.get("source", "") or meta.get("outlet", ""),
        published=published,
        language=detect_language(text),
        path=path,
    )


def _decode(data: bytes, name: str) -> str:
    if not data:
        raise IngestError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise IngestError(
                    f"{name}: starts with a {encoding} byte-order mark but {err}"
                ) from err
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name}: looks like a binary file ({kind})")
    if b"\x00" in data:
        raise IngestError(
            f"{name}: looks like a binary file (it contains NUL bytes; "
            "UTF-16 text needs a byte-order mark)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only legacy-encoded files need it

        best = from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
        if best is None:
            raise IngestError(
                f"{name}: not UTF-8, and none of {', '.join(_LEGACY_ENCODINGS)} decodes it "
                "coherently; save it as UTF-8"
            ) from None
        text = str(best)
    if _CONTROL.subn("", text)[1] > 0.1 * len(text):
        raise IngestError(f"{name}: looks like a binary file (mostly non-printable characters)")
    return text


# --- Markdown ---------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_=])([ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_BLOCK_PREFIX = re.compile(r"^ {0,3}(?:>[ \t]?)+|^[ \t]*[-*+][ \t]+(?=\S)")
_INLINE = (
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),
)


def _inline(line: str) -> str:
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return line


def _markdown(text: str) -> _Extracted:
    meta: dict[str, str] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front["body"].splitlines():
            key, sep, value = line.partition(":")
            if sep and value.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end() :]
    lines: list[str] = []
    title = meta.get("title", "")
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            lines.append(line)
        elif _RULE.match(line):
            lines.append("")
        elif not _REF_DEF.match(line):
            heading = _HEADING.match(line)
            line = _inline(heading["text"] if heading else _BLOCK_PREFIX.sub("", line))
            if heading and heading["level"] == "#" and not title:
                title = line
            lines.append(line)
    date = parse_date(meta.get("date", "") or meta.get("published", ""))
    return _Extracted(
        "\n".join(lines), title, meta.get("source", "") or meta.get("author", ""), date
    )
