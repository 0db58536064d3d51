"""A small local HTTP server that speaks Nominatim's ``/search`` JSON API, for tests.

It is a real server on 127.0.0.1 (geopy talks HTTP to it); ``mode`` makes it misbehave the ways
the real service does: 429 with Retry-After, 500, a body that is not JSON, JSON that is not a
list of places or has results without coordinates, an empty answer, a result in another country,
a hang longer than the client's timeout.

And the ways a hostile or broken server might (issue 14): ``trickle`` (one byte every
``trickle_seconds``), ``huge`` (a ``huge_bytes`` display_name, streamed), ``bad:<lat>,<lon>``
(the coordinates as given, e.g. ``bad:NaN,34.9``, ``bad:51.0,1e308``; ``badjson`` sends a bare
``NaN`` token), ``redirect`` (302 to the same server), ``redirect:<url>`` (302 elsewhere),
``brazil`` (a Sumy village's name answered in Brazil), ``html`` (a 200 HTML page), ``far`` (a
Russian place 6,000 km away), ``hostile`` (places named with Markdown and HTML).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PLACES: dict[str, list[dict[str, Any]]] = {
    "hlybnivka": [
        {
            "place_id": 101,
            "osm_type": "node",
            "osm_id": 337001,
            "lat": "51.0712",
            "lon": "34.9903",
            "name": "Глибнівка",
            "display_name": "Глибнівка, Сумський район, Сумська область, Україна",
            "class": "place",
            "type": "village",
            "addresstype": "village",
            "importance": 0.2,
            "address": {
                "village": "Глибнівка",
                "district": "Сумський район",
                "state": "Сумська область",
                "country": "Україна",
                "country_code": "ua",
            },
        }
    ],
    "paris": [
        {
            "place_id": 7,
            "osm_type": "relation",
            "osm_id": 7444,
            "lat": "48.8535",
            "lon": "2.3484",
            "name": "Paris",
            "display_name": "Paris, Île-de-France, France",
            "class": "boundary",
            "type": "administrative",
            "addresstype": "city",
            "importance": 0.88,
            "address": {
                "city": "Paris",
                "state": "Île-de-France",
                "country": "France",
                "country_code": "fr",
            },
        }
    ],
    "kursk": [
        {
            "place_id": 55,
            "osm_type": "node",
            "osm_id": 551,
            "lat": "51.7304",
            "lon": "36.1926",
            "name": "Курск",
            "display_name": "Курск, Курская область, Россия",
            "class": "place",
            "type": "city",
            "addresstype": "city",
            "importance": 0.6,
            "address": {"city": "Курск", "state": "Курская область", "country_code": "ru"},
        }
    ],
}
BRAZIL = {
    "place_id": 9,
    "osm_type": "node",
    "osm_id": 9001,
    "lat": "-7.1195",
    "lon": "-34.8450",
    "name": "Hlybnivka",
    "display_name": "Hlybnivka, Paraíba, Brasil",
    "class": "place",
    "type": "village",
    "addresstype": "village",
    "address": {"village": "Hlybnivka", "state": "Paraíba", "country_code": "br"},
}
FAR = {
    **PLACES["kursk"][0],
    "place_id": 77,
    "osm_id": 7701,
    "lat": "43.1155",
    "lon": "131.8855",
    "name": "Владивосток",
    "display_name": "Владивосток, Приморский край, Россия",
    "address": {"city": "Владивосток", "state": "Приморский край", "country_code": "ru"},
}


#: Strings a hostile geocoder might send, for the dashboard's escaping (Markdown and HTML).
HOSTILE_NAMES = (
    "![x](http://evil.example/g2.png)",
    "[click](http://evil.example/c)",
    "http://evil.example/bare www.evil.example a@evil.example",
    "<img src=x onerror=alert(1)> **bold** `code`",
)


def hostile_places() -> list[dict[str, Any]]:
    """Three results in Sumy oblast whose every name is one of ``HOSTILE_NAMES``."""
    return [
        {
            **PLACES["hlybnivka"][0],
            "place_id": 900 + i,
            "osm_id": 9900 + i,
            "lat": f"{51.05 + i / 100:.4f}",
            "name": HOSTILE_NAMES[i],
            "display_name": ", ".join(HOSTILE_NAMES),
            "address": {
                "village": HOSTILE_NAMES[i],
                "district": HOSTILE_NAMES[(i + 1) % 4],
                "state": HOSTILE_NAMES[(i + 2) % 4],
                "municipality": HOSTILE_NAMES[(i + 3) % 4],
                "country_code": "ua",
            },
        }
        for i in range(3)
    ]


class FakeClock:
    """A clock and a sleep for the geocoder: sleeping only moves the clock, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class NominatimStandIn:
    """Server state: what it answers and what it was asked."""

    mode: list[str] = field(default_factory=list)  #: modes to use, one per request; then "ok"
    retry_after: str = "2"
    hang_seconds: float = 3.0
    trickle_seconds: float = 0.2
    huge_bytes: int = 50 * 1024 * 1024
    sent_bytes: int = 0  #: body bytes the server managed to send in ``huge`` mode
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"


def _handler(state: NominatimStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            body: bytes,
            headers: dict[str, str] | None = None,
            content_type: str = "application/json; charset=utf-8",
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            state.requests.append(query)
            state.user_agents.append(self.headers.get("User-Agent", ""))
            mode = state.mode.pop(0) if state.mode else "ok"
            if url.path != "/search":
                self._send(404, b'{"error": "not found"}')
            elif mode == "429":
                self._send(429, b'{"error": "rate limited"}', {"Retry-After": state.retry_after})
            elif mode == "500":
                self._send(500, b'{"error": "internal"}')
            elif mode == "garbage":
                self._send(200, b"<html>this is not json")
            elif mode == "nocoords":
                self._send(200, b'[{"place_id": 1, "osm_type": "node", "osm_id": 1, "name": "X"}]')
            elif mode == "object":
                self._send(200, b'{"error": "Database connection failed"}')
            elif mode == "empty":
                self._send(200, b"[]")
            elif mode == "hang":
                time.sleep(state.hang_seconds)
                self._send(200, b"[]")
            elif mode == "elsewhere":
                self._send(200, json.dumps(PLACES["paris"]).encode())
            elif mode == "trickle":
                self._trickle(json.dumps(PLACES["hlybnivka"]).encode())
            elif mode == "huge":
                self._huge()
            elif mode.startswith("bad:"):
                lat, lon = mode[4:].split(",")
                place = {**PLACES["hlybnivka"][0], "lat": lat, "lon": lon}
                self._send(200, json.dumps([place]).encode())
            elif mode == "badjson":
                self._send(200, b'[{"place_id": 1, "lat": NaN, "lon": Infinity, "name": "X"}]')
            elif mode == "redirect":
                self._send(302, b"", {"Location": f"/search?{url.query}"})
            elif mode.startswith("redirect:"):
                self._send(302, b"", {"Location": mode[len("redirect:") :] + f"?{url.query}"})
            elif mode == "brazil":
                self._send(200, json.dumps([BRAZIL]).encode())
            elif mode == "longname":  # under the byte cap, over the stored-string cap
                place = {**PLACES["hlybnivka"][0], "display_name": "Глибнівка " + "x" * 200_000}
                self._send(200, json.dumps([place]).encode())
            elif mode == "hostile":
                self._send(200, json.dumps(hostile_places()).encode())
            elif mode == "far":
                self._send(200, json.dumps([FAR]).encode())
            elif mode == "html":
                page = b"<!doctype html><html><body><h1>Please log in</h1></body></html>"
                self._send(200, page, content_type="text/html; charset=utf-8")
            else:
                q = (query.get("q") or [""])[0].strip().lower()
                self._send(200, json.dumps(PLACES.get(q, [])).encode())

        def _trickle(self, body: bytes) -> None:
            """The whole answer, one byte every ``trickle_seconds`` (headers included)."""
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            try:
                for i in range(len(head) + len(body)):
                    self.wfile.write((head + body)[i : i + 1])
                    self.wfile.flush()
                    time.sleep(state.trickle_seconds)
            except OSError:  # the client gave up: what it should do
                self.close_connection = True

        def _huge(self) -> None:
            """A result whose display_name is ``huge_bytes`` long, streamed in 64 KiB pieces."""
            start = b'[{"place_id": 1, "lat": "51.07", "lon": "34.99", "display_name": "'
            end = b'", "address": {"country_code": "ua"}}]'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(start) + state.huge_bytes + len(end)))
            self.end_headers()
            piece = b"A" * 65536
            try:
                self.wfile.write(start)
                left = state.huge_bytes
                while left > 0:
                    self.wfile.write(piece[:left])
                    state.sent_bytes += min(left, len(piece))
                    left -= len(piece)
                self.wfile.write(end)
            except OSError:
                self.close_connection = True

    return Handler


@contextmanager
def serve(state: NominatimStandIn | None = None) -> Iterator[NominatimStandIn]:
    """Run the stand-in on a free loopback port for the duration of the block."""
    state = state or NominatimStandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
