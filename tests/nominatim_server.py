"""A small local HTTP server that speaks Nominatim's ``/search`` JSON API, for tests.

It is a real server on 127.0.0.1 (geopy talks HTTP to it); ``mode`` makes it misbehave the ways
the real service does: 429 with Retry-After, 500, a body that is not JSON, JSON that is not a
list of places or has results without coordinates, an empty answer, a result in another country,
a hang longer than the client's timeout.
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
}


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

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
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
            else:
                q = (query.get("q") or [""])[0].strip().lower()
                self._send(200, json.dumps(PLACES.get(q, [])).encode())

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
