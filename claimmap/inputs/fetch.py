"""Fetch pages and feeds by URL, for users who are online (``claimmap fetch``, "Add by URL").

    >>> from claimmap.inputs.fetch import check_url
    >>> check_url("https://sumy.example/news/1")
    'https://sumy.example/news/1'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    claimmap.errors.FetchError: file:///etc/passwd: only http:// and https:// URLs are fetched

``fetch`` downloads one URL with a user agent that names claimmap, a connect and a read timeout
and a deadline for the whole download (a server that trickles a byte a second is cut off), a
size limit (``Content-Length`` over it is refused before the body is read, and a body that
grows past it is cut off), and at most ``MAX_REDIRECTS`` redirects, each checked: only to
http(s). Offline (``offline=True`` or ``CLAIMMAP_OFFLINE=1``) it raises ``FetchError`` at once,
before any connection. ``read_urls`` turns each download into articles with the readers in
``claimmap.inputs.reader`` (a page through trafilatura, a feed through feedparser), the final
URL after redirects being the article's link unless the page names a canonical one.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from claimmap.errors import FetchError
from claimmap.inputs.files import MAX_BYTES

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "Download",
    "check_url",
    "env_offline",
    "fetch",
    "read_urls",
]

USER_AGENT = "claimmap/0.1 (war-news claim mapper; fetches pages a user asked for)"
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0  #: seconds to connect
READ_TIMEOUT = 20.0  #: seconds of silence between two chunks
DEADLINE = 60.0  #: seconds for the whole download
_CHUNK = 64 * 1024
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
_ACCEPT += "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class Download:
    """What a URL answered: the final URL after redirects, the body and its media type."""

    url: str
    data: bytes
    content_type: str = ""
    charset: str = ""


def env_offline() -> bool:
    """Whether ``CLAIMMAP_OFFLINE`` asks to stay off the network."""
    return os.environ.get("CLAIMMAP_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def check_url(url: str) -> str:
    """The URL, stripped, if it is http(s) with a host; else ``FetchError``."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url}: only http:// and https:// URLs are fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: the URL has no host")
    return url


def fetch(
    url: str,
    *,
    offline: bool | None = None,
    max_bytes: int = MAX_BYTES,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    deadline: float = DEADLINE,
) -> Download:
    """Download one URL within the limits; every failure is a one-line ``FetchError``."""
    import requests

    url = check_url(url)
    if env_offline() if offline is None else offline:
        raise FetchError(f"{url}: offline (--offline or CLAIMMAP_OFFLINE=1): not fetched")
    started = time.monotonic()
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc surprises: the URL the user gave
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = session.get(
                    current, headers=headers, timeout=timeout, stream=True, allow_redirects=False
                )
            except requests.Timeout as err:
                raise FetchError(f"{url}: timed out ({_reason(err)})") from err
            except requests.RequestException as err:
                raise FetchError(f"{url}: cannot be fetched ({_reason(err)})") from err
            with response:
                if response.is_redirect:
                    target = urljoin(current, response.headers.get("Location", ""))
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise FetchError(
                            f"{url}: redirects to {target[:200]}, which is not http(s); refused"
                        )
                    current = target
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        f"{url}: the server answered {response.status_code} {response.reason}"
                    )
                data = _body(response, url, max_bytes, started, deadline)
                media, charset = _content_type(response.headers.get("Content-Type", ""))
                return Download(current, data, media, charset)
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def read_urls(urls: Iterable[str], *, offline: bool | None = None, **limits: object) -> Iterator:
    """The articles behind each URL, as ``claimmap.inputs.reader`` items: a bad URL is one
    error item and the rest go on."""
    from claimmap.inputs.reader import read_data

    for url in urls:
        try:
            got = fetch(url, offline=offline, **limits)  # type: ignore[arg-type]
        except FetchError as err:
            yield url.strip(), err
            continue
        yield from read_data(got.data, name=got.url, url=got.url, charset=got.charset)


def _body(response: object, url: str, max_bytes: int, started: float, deadline: float) -> bytes:
    """The body within the size limit and the deadline. A read blocks until a chunk is full,
    so a server that trickles bytes is stopped by closing the response from a timer."""
    import requests

    length = response.headers.get("Content-Length", "")  # type: ignore[attr-defined]
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url}: {int(length):,} bytes is over the {max_bytes:,}-byte limit")
    expired = threading.Event()

    fileno = _fileno(response)

    def stop() -> None:  # closing does not wake a blocked recv(); shutting the socket down does
        expired.set()
        if fileno is not None:
            with (
                contextlib.suppress(OSError, ValueError),
                socket.socket(fileno=os.dup(fileno)) as sock,  # the same socket, its own fd
            ):
                sock.shutdown(socket.SHUT_RDWR)
        response.close()  # type: ignore[attr-defined]

    timer = threading.Timer(max(deadline - (time.monotonic() - started), 0.0), stop)
    timer.daemon = True
    timer.start()
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):  # type: ignore[attr-defined]
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: the body grows past the {max_bytes:,}-byte limit")
            chunks.append(chunk)
    except (requests.RequestException, OSError, ValueError, AttributeError) as err:
        if expired.is_set():
            raise FetchError(f"{url}: the download took longer than {deadline:g} s") from err
        raise FetchError(f"{url}: the download broke off ({_reason(err)})") from err
    finally:
        timer.cancel()
    if expired.is_set():
        raise FetchError(f"{url}: the download took longer than {deadline:g} s")
    return b"".join(chunks)


def _fileno(response: object) -> int | None:
    """The descriptor of the socket a streamed requests response reads from, if reachable."""
    try:
        return int(response.raw._fp.fp.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, TypeError):
        return None


def _content_type(value: str) -> tuple[str, str]:
    message = Message()
    message["Content-Type"] = value or "application/octet-stream"
    return message.get_content_type(), str(message.get_param("charset") or "")


def _reason(err: Exception) -> str:
    text = " ".join(str(err).split())
    for marker in ("Read timed out", "Connection refused", "Name or service not known",
                   "timed out", "Max retries exceeded"):  # fmt: skip
        if marker in text:
            return marker.lower()
    return text[:160] or type(err).__name__
