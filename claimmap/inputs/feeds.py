"""Read RSS and Atom feeds with feedparser: each item an ``Article`` with its link and date.

    >>> from claimmap.inputs.feeds import read_feed
    >>> rss = b'''<?xml version="1.0"?><rss version="2.0"><channel><title>Sumy News</title>
    ... <item><title>Shelling of Shostka</title><link>https://sumy.example/1</link>
    ... <pubDate>Tue, 03 Jun 2025 08:15:00 +0300</pubDate>
    ... <description>&lt;p&gt;Two were wounded.&lt;/p&gt;</description></item></channel></rss>'''
    >>> [(name, a)] = read_feed(rss, name="sumy.xml")
    >>> a.title, a.url, a.published_at, a.source
    ('Shelling of Shostka', 'https://sumy.example/1', '2025-06-03T08:15:00+03:00', 'Sumy News')
    >>> a.text
    'Shelling of Shostka\\n\\nTwo were wounded.'

The item's text is its title, a blank line, then the fullest body the feed carries: the longest
``content`` (RSS ``content:encoded``, Atom ``<content>``), else the summary (``description``),
with the HTML turned into plain text by ``claimmap.inputs.web.html_text`` (lxml). The date
is the item's own ``published`` (else ``updated``) as written, so the offset survives
(``published_at``); feedparser's UTC reading of it is the fallback. The feed's title is the source.

Before feedparser sees the bytes, defusedxml parses them with entity declarations and external
references forbidden: a billion-laughs bomb or an ``<!ENTITY x SYSTEM "file:///etc/passwd">``
is refused with ``IngestError`` instead of being expanded (feedparser alone drops such DTDs and
reads on, which hides the attack and garbles the feed). Encodings come from the XML declaration
(Windows-1251, KOI8-R, ...) as feedparser reads them; a feed that declares none and is not
UTF-8 is decoded like an article file (charset-normalizer over the Cyrillic code pages). A
document that is not a feed raises ``IngestError``; an item with no text is returned as an
``IngestError`` beside the good items.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from claimmap.errors import IngestError
from claimmap.inputs.files import MAX_BYTES
from claimmap.inputs.text import article_id, detect_language
from claimmap.records import Article

__all__ = ["looks_like_feed", "read_feed"]

_DECLARED = re.compile(rb"\s*<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)


def looks_like_feed(head: bytes) -> bool:
    """Whether the first bytes of a document hold an RSS, RDF or Atom root element."""
    return _FEED_ROOT.search(head[:2048]) is not None


def read_feed(data: bytes, *, name: str, url: str = "") -> list[tuple[str, Article | IngestError]]:
    """Every item of the feed as (item name, article), or (item name, error) for an item that
    cannot be read. Raises ``IngestError`` when the whole document is refused."""
    import feedparser

    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit")
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    data = _utf8_if_undeclared(data, name)
    _refuse_entities(data, name)
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    version = parsed.get("version", "")
    if not version and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise IngestError(
            f"{name}: not an RSS or Atom feed" + (f" ({_one_line(why)})" if why else "")
        )
    feed = parsed.feed
    source = " ".join(_plain(feed.get("title", "")).split())
    if not parsed.entries:
        raise IngestError(f"{name}: the feed {source or url or name!r} has no items")
    items: list[tuple[str, Article | IngestError]] = []
    for number, entry in enumerate(parsed.entries, 1):
        link = str(entry.get("link", ""))
        link = link if link.startswith(("http://", "https://")) else ""
        item_name = link or f"{name} item {number}"
        try:
            items.append((item_name, _article(entry, name=name, source=source, link=link)))
        except IngestError as err:
            items.append((item_name, err))
    return items


def _article(entry: Any, *, name: str, source: str, link: str) -> Article:
    title = " ".join(_plain(entry.get("title", "")).split())
    bodies = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    body = max(bodies, key=len) if bodies else entry.get("summary", "")
    text = _plain(body)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}" if text else title
    if not text.strip():
        raise IngestError(f"{name}: item {link or title or '(untitled)'} has no text")
    published_at = _timestamp(entry)
    return Article(
        article_id=article_id(text),
        title=(title or text.splitlines()[0])[:300],
        text=text,
        source=source,
        published=published_at[:10],
        language=detect_language(text),
        path=name,
        url=link,
        published_at=published_at,
    )


def _plain(value: str) -> str:
    from claimmap.inputs.web import html_text

    return html_text(value) if value else ""


def _timestamp(entry: Any) -> str:
    for key in ("published", "updated", "created"):
        raw = str(entry.get(key, "")).strip()
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()  # RSS: RFC 822
        except (TypeError, ValueError):
            pass
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()  # Atom
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")  # feedparser's reading of other forms, in UTC
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
    return ""


def _utf8_if_undeclared(data: bytes, name: str) -> bytes:
    """A feed that is not UTF-8 and declares no encoding (feedparser would read it as
    Windows-1252 mojibake) is decoded as ``claimmap.inputs.files`` decodes articles (Windows-1251,
    KOI8, ...; refused when no code page reads it coherently) and handed on as UTF-8."""
    head = data[:200]
    if _DECLARED.match(head) or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        from claimmap.inputs.files import _decode

        return _decode(data, name).encode("utf-8")
    return data


def _refuse_entities(data: bytes, name: str) -> None:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    try:
        safe.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise IngestError(
            f"{name}: the feed declares XML entities or external references "
            f"({type(err).__name__}); refused, nothing expanded"
        ) from err
    except (ParseError, ValueError, LookupError):
        pass  # not well-formed: feedparser's lenient parser reads what it can


def _one_line(err: object) -> str:
    return " ".join(str(err).split())[:200]
