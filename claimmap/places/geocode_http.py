"""The geocoder's HTTP transport: one total deadline, a byte cap, redirects on the same origin.

    >>> from claimmap.places.geocode_http import BoundedAdapter
    >>> adapter = BoundedAdapter(proxies={}, ssl_context=None, max_bytes=1024)
    >>> adapter.max_bytes
    1024

geopy's ``Nominatim`` builds the request and reads the answer; this adapter (geopy's adapter
interface, ``adapter_factory=``) carries it, and treats the server as untrusted:

* **one deadline per request**: ``timeout`` is the whole request (connect, headers, body and any
  redirects), not one socket read. A watchdog shuts the socket down when it is over, so a server
  that trickles one byte a second cannot hold an ingest (``requests``' timeout is per read);
* **a size cap**: a body over ``max_bytes`` (1 MiB by default; a Nominatim answer with five
  results and addresses is about 5 KB) is refused after reading ``max_bytes + 1`` bytes;
* **redirects stay on the origin**: at most ``max_redirects`` hops, each to the same scheme, host
  and port; any other target (another host or port, https -> http) is refused and not contacted,
  so the article's place names in the query string never go to a third party;
* **JSON only**: an HTML page (a captive portal, a login wall, an error page) is refused by its
  content type or first byte, before parsing; ``NaN``/``Infinity`` tokens are refused too;
* **no retries of its own**: retries and back-off belong to ``NominatimTier`` (bounded, budgeted).

Errors are geopy's, as its adapter contract asks (``GeocoderTimedOut``, ``GeocoderUnavailable``,
``GeocoderServiceError``, ``GeocoderParseError``, ``AdapterHTTPError`` for non-2xx answers).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut, GeopyError
from geopy.exc import GeocoderUnavailable as GeopyUnavailable

__all__ = ["MAX_BYTES", "MAX_REDIRECTS", "BoundedAdapter", "OffOriginRedirect", "TooLarge"]

#: The largest answer body read (1 MiB).
MAX_BYTES = 1024 * 1024
#: Redirect hops followed, all on the request's own origin.
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


class TooLarge(GeocoderServiceError):
    """The answer body is over the byte cap."""


class OffOriginRedirect(GeocoderServiceError):
    """The server redirected to another scheme, host or port."""


class BoundedAdapter(BaseSyncAdapter):
    """A geopy adapter over ``http.client`` with a total deadline and a byte cap."""

    def __init__(
        self,
        *,
        proxies: Any,
        ssl_context: ssl.SSLContext | None,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.ssl_context = ssl_context
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        if text.lstrip()[:1] == "<":
            raise GeocoderParseError("the geocoder answered with HTML, not JSON")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as err:
            raise GeocoderParseError(f"the geocoder's answer is not JSON ({err})") from err

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        deadline = time.monotonic() + float(timeout)
        origin = _origin(url)
        for _hop in range(self.max_redirects + 1):
            status, response_headers, body = self._get(url, headers, deadline, float(timeout))
            if status in (301, 302, 303, 307, 308):
                target = urljoin(url, response_headers.get("location", ""))
                if _origin(target) != origin:
                    raise OffOriginRedirect(
                        f"the geocoder redirected to another host ({_show_origin(target)}); "
                        f"not followed (only {_show_origin(url)} is asked)"
                    )
                url = target
                continue
            text = body.decode("utf-8", errors="replace")
            if not 200 <= status < 300:
                raise AdapterHTTPError(
                    f"Non-successful status code {status}",
                    status_code=status,
                    headers=response_headers,
                    text=text[:500],
                )
            if "html" in response_headers.get("content-type", "").lower():
                raise GeocoderParseError("the geocoder answered with HTML, not JSON")
            return text
        raise GeocoderServiceError(f"the geocoder redirected more than {self.max_redirects} times")

    def _get(
        self, url: str, headers: dict[str, str], deadline: float, timeout: float
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise GeocoderTimedOut(f"the geocoder did not answer within {timeout:g} s")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            context = self.ssl_context or ssl.create_default_context()
            conn = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=remaining, context=context
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=remaining)
        expired = threading.Event()
        watchdog: threading.Timer | None = None
        try:
            try:
                conn.connect()
            except TimeoutError as err:
                raise GeocoderTimedOut(f"the geocoder did not answer within {timeout:g} s") from err
            except OSError as err:
                raise GeopyUnavailable(f"cannot connect to the geocoder ({err})") from err
            watchdog = threading.Timer(
                max(0.0, deadline - time.monotonic()), _shutdown, (conn.sock, expired)
            )
            watchdog.daemon = True
            watchdog.start()
            path = parts.path or "/"
            conn.request("GET", f"{path}?{parts.query}" if parts.query else path, headers=headers)
            response = conn.getresponse()
            body = bytearray()
            while len(body) <= self.max_bytes:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                body += chunk
                if time.monotonic() > deadline:
                    expired.set()
                    break
            if expired.is_set():
                raise GeocoderTimedOut(f"the geocoder did not answer within {timeout:g} s")
            if len(body) > self.max_bytes:
                raise TooLarge(
                    f"the geocoder's answer is over {self.max_bytes:,} bytes; not read further"
                )
            return response.status, {k.lower(): v for k, v in response.getheaders()}, bytes(body)
        except GeopyError:
            raise  # ours, from above (some of geopy's errors are OSErrors too)
        except (OSError, http.client.HTTPException, ValueError) as err:
            if expired.is_set() or isinstance(err, TimeoutError):
                raise GeocoderTimedOut(f"the geocoder did not answer within {timeout:g} s") from err
            raise GeocoderServiceError(f"the geocoder's answer broke off ({err!r:.120})") from err
        finally:
            if watchdog is not None:
                watchdog.cancel()
            conn.close()


def _shutdown(sock: socket.socket | None, expired: threading.Event) -> None:
    """The watchdog: wake a read blocked on a slow server by shutting the socket down."""
    expired.set()
    if sock is None:
        return
    try:  # a duplicate of the descriptor: shutting it down wakes the reader, TLS or not
        with socket.fromfd(sock.fileno(), sock.family, sock.type) as dup:
            dup.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass  # already closed: the request is over


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _show_origin(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"
