"""Read a web page's main text and metadata with trafilatura (and htmldate for the date).

    >>> from claimmap.inputs.web import read_html
    >>> page = ('<html><head><title>Shelling of Shostka | Sumy News</title></head><body>'
    ...         '<nav><a href="/kyiv">Kyiv</a> <a href="/kharkiv">Kharkiv</a></nav><article>'
    ...         '<p>Russian forces shelled Shostka on Tuesday morning, the regional military '
    ...         'administration said. Two civilians were wounded and a school was damaged, '
    ...         'officials added in a statement on the messaging channel.</p></article>'
    ...         '</body></html>')
    >>> a = read_html(page, name="shostka.html")
    >>> a.title, "Kharkiv" in a.text
    ('Shelling of Shostka', False)

Menus ("Kyiv Kharkiv Odesa Dnipro"), related-article lists, cookie banners, share buttons,
comments and footers are not article text: trafilatura keeps the main content (the text with few
links in the page's content blocks) and drops the rest, so none of it becomes a place mention.
``Article.text`` is trafilatura's plain text (a blank line between blocks), kept verbatim from
there on: every offset points into it. Metadata: title, site (``source``, with the author after
it: ``Sumy News (O. Kovalenko)``),
canonical URL (``<link rel=canonical>``, ``og:url``, else the URL it was fetched from), the date
as htmldate finds it (``published``) and, when the page states a time with it
(``article:published_time``, ``datePublished``, ``<time datetime>``), ``published_at``.

A page with nothing left after extraction, and a login or subscription wall (a password field or
"sign in to continue" and little text), raise ``IngestError``: they are reported, not stored.
``html_text`` turns an HTML fragment (a feed item's content) into plain text with lxml.
"""

from __future__ import annotations

import datetime as dt
import re

from claimmap.errors import IngestError
from claimmap.inputs.text import _INVISIBLE, article_id, detect_language, parse_date
from claimmap.records import Article

__all__ = ["MIN_TEXT_CHARS", "html_text", "read_html"]

#: Less main text than this on a page with a login form or a "sign in" wall is not an article.
MIN_TEXT_CHARS = 400
_WALL = re.compile(
    r"\b(?:sign|log)\s?in\s+(?:to\s+(?:continue|read|view)|or\s+(?:sign|register|subscribe))"
    r"|\bsubscribe\s+to\s+(?:continue|read)|\bcreate\s+(?:a\s+)?free\s+account"
    r"|увійдіть|авторизуйтеся|войдите|авторизуйтесь|зарегистрируйтесь",
    re.IGNORECASE,
)
_MAX_DEPTH = 256  # libxml2's limit without XML_PARSE_HUGE
_PASSWORD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
_TIME_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@name="pubdate" or @name="publishdate" or @name="date"]/@content',
    "//time/@datetime",
)
_BLOCKS = ("p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
           "table", "tr", "section", "article", "figure", "figcaption", "dd", "dt")  # fmt: skip
_BLANK_LINE = re.compile(r"\n\s*\n")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def read_html(html: str, *, name: str, url: str = "") -> Article:
    """The article on a page: main text and metadata. ``url`` is where it was fetched from."""
    import trafilatura  # a heavy import; only pages need it

    html = _INVISIBLE.sub("", html)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            deduplicate=False,
            fast=True,  # no fallback extractors: on a page of menus they return the menus
        )
    except (ValueError, TypeError, RecursionError) as err:
        raise IngestError(f"{name}: the HTML page cannot be parsed ({err})") from err
    # trafilatura writes one block per line; a blank line between blocks makes them the
    # paragraphs every other reader gives (the panel shows claims in their paragraphs)
    lines = (doc.text or "").splitlines() if doc is not None else []
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    walled = bool(_PASSWORD.search(html) or _WALL.search(_visible_sample(html)))
    if walled and len(text) < MIN_TEXT_CHARS:
        raise IngestError(f"{name}: a login or subscription wall, not an article: not stored")
    if not text and _too_deep(html):
        raise IngestError(
            f"{name}: HTML nested more than {_MAX_DEPTH} elements deep (no real page is); refused"
        )
    if not text:
        raise IngestError(
            f"{name}: no article text on the page once menus, banners and comments are removed"
        )
    title = " ".join((doc.title or "").split()) or " ".join(text.splitlines()[0].split())
    site = " ".join((doc.sitename or "").split())
    author = " ".join((doc.author or "").split())
    source = f"{site} ({author})" if site and author and author != site else site or author
    published = parse_date(doc.date or "") if doc.date else ""
    published_at = _published_at(html, published)
    canonical = doc.url or url
    return Article(
        article_id=article_id(text),
        title=title[:300],
        text=text,
        source=source,
        published=published or published_at[:10],
        language=detect_language(text),
        path=name,
        url=canonical if canonical.startswith(("http://", "https://")) else url,
        published_at=published_at,
    )


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's content): a paragraph per block element,
    white space collapsed inside it, scripts and styles dropped, entities decoded.

    A fragment is the article itself, with no boilerplate to remove, and short: trafilatura's
    fallback for short input breaks lines at inline tags (``in <i>Shostka</i>.`` became three
    lines), so fragments go straight through lxml, the parser trafilatura uses."""
    if "<" not in fragment and "&" not in fragment:
        return "\n\n".join(_paragraphs(fragment))
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return "\n\n".join(_paragraphs(fragment))
    for element in root.xpath("//script|//style|//iframe|//noscript|//template|//svg"):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter("br"):
        element.tail = "\n\n" + (element.tail or "")
    return "\n\n".join(_paragraphs(root.text_content()))


def _paragraphs(text: str) -> list[str]:
    return [p for p in (" ".join(block.split()) for block in _BLANK_LINE.split(text)) if p]


def _too_deep(html: str) -> bool:
    """Whether lxml (libxml2) stopped at its nesting limit: what is deeper is not parsed."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    parser = lxml_html.HTMLParser()
    try:
        lxml_html.document_fromstring(html, parser=parser)
    except (ParserError, ValueError):
        return False
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _visible_sample(html: str) -> str:
    from trafilatura import html2txt

    return html2txt(html)[:5000] if len(html) < 2_000_000 else ""


def _published_at(html: str, date: str) -> str:
    """The first stated publication timestamp that has a time and agrees with ``date``."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    try:
        tree = lxml_html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    values = [str(v) for xpath in _TIME_XPATHS for v in tree.xpath(xpath)]
    values += _JSONLD_DATE.findall(html[:500_000])
    for value in values:
        try:
            stamp = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if "T" in value and (not date or stamp.date().isoformat() == date):
            return stamp.isoformat()
    return ""
