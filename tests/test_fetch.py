"""Tests for claimmap.inputs.fetch and ``claimmap fetch`` against a real HTTP server on
127.0.0.1 (never the internet): pages and feeds become linked articles; redirects, sizes,
timeouts, schemes and offline mode are held to their limits, one line per bad URL."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimmap.cli import main
from claimmap.errors import FetchError
from claimmap.inputs.fetch import USER_AGENT, fetch, read_urls
from claimmap.pipeline import Pipeline

PAGE = """<!DOCTYPE html><html><head><title>Shelling of Yunakivka | Sumy Herald</title>
<link rel="canonical" href="https://herald.example/yunakivka">
<meta property="og:site_name" content="Sumy Herald"></head><body>
<nav><a href="/">Kyiv</a> <a href="/">Kharkiv</a> <a href="/">Odesa</a></nav>
<article><h1>Shelling of Yunakivka</h1><p>Russian forces shelled Yunakivka in Sumy oblast on
Tuesday, the regional military administration said. Two civilians were wounded.</p>
<p>Fighting continued near Kindrativka, the General Staff said in its evening report.</p>
</article></body></html>"""

UK_PAGE = """<html><head><title>Обстріл</title></head><body><article><p>Російські війська
обстріляли Юнаківку Сумської області вранці, повідомила обласна військова адміністрація.
Поранено двох людей, пошкоджено школу та кілька будинків у центрі села.</p></article>
</body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Border Watch</title>
<item><title>Drone attack on Shostka</title><link>https://watch.example/shostka</link>
<pubDate>Wed, 04 Jun 2025 21:40:00 +0300</pubDate>
<description>A drone hit a warehouse in Shostka, officials said.</description></item>
</channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    agents: list[str] = []  # noqa: RUF012  (shared with the test, on purpose)

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        Handler.agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/page":
            self.send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/uk":
            self.send(200, UK_PAGE.encode("cp1251"), "text/html; charset=windows-1251")
        elif path == "/feed":
            self.send(200, FEED.encode(), "application/rss+xml")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/hop/{left - 1}" if left else "/page")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-ftp":
            self.redirect("ftp://example.org/x")
        elif path == "/big":
            self.send(200, b"x" * 5000, "text/html")
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
        elif path == "/slow":
            time.sleep(3)
            self.send(200, PAGE.encode(), "text/html")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/login":
            wall = '<html><body><form><input type="password"></form><p>Sign in to continue.</p>'
            self.send(200, wall.encode(), "text/html")
        else:
            self.send(404, b"not here", "text/plain")

    def send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMMAP_OFFLINE", raising=False)


def test_a_page_becomes_an_article_with_its_canonical_link(server: str) -> None:
    Handler.agents.clear()
    [(name, article)] = list(read_urls([f"{server}/page"], offline=False))
    assert name == f"{server}/page"
    assert not isinstance(article, Exception)
    assert article.url == "https://herald.example/yunakivka"
    assert article.source == "Sumy Herald"
    assert "Kharkiv" not in article.text
    assert Handler.agents == [USER_AGENT]


def test_the_charset_header_decodes_the_page(server: str) -> None:
    [(_, article)] = list(read_urls([f"{server}/uk"], offline=False))
    assert not isinstance(article, Exception)
    assert article.url == f"{server}/uk"  # no canonical link: where it was fetched from
    assert "Юнаківку" in article.text


def test_a_feed_url_gives_its_items(server: str) -> None:
    [(name, article)] = list(read_urls([f"{server}/feed"], offline=False))
    assert name == "https://watch.example/shostka"
    assert not isinstance(article, Exception)
    assert article.published_at == "2025-06-04T21:40:00+03:00"


def test_redirects_are_followed_within_the_limit(server: str) -> None:
    assert fetch(f"{server}/hop/3", offline=False).url == f"{server}/page"
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{server}/hop/9", offline=False)


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp"])
def test_redirects_only_to_http(server: str, path: str) -> None:
    with pytest.raises(FetchError, match=r"which is not http\(s\); refused"):
        fetch(f"{server}{path}", offline=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "javascript:x"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError, match=r"only http:// and https:// URLs"):
        fetch(url, offline=False)


@pytest.mark.parametrize(
    ("path", "message"),
    [("/big", "5,000 bytes is over the 4,096-byte limit"),
     ("/big-chunked", "grows past the 4,096-byte limit")],
)  # fmt: skip
def test_the_size_limit(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch(f"{server}{path}", offline=False, max_bytes=4096)


def test_timeouts(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{server}/slow", offline=False, timeout=(2.0, 0.5))
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch(f"{server}/trickle", offline=False, timeout=(2.0, 2.0), deadline=1.0)
    assert time.monotonic() - started < 3.5


def test_http_errors_and_refused_connections(server: str) -> None:
    with pytest.raises(FetchError, match="answered 404"):
        fetch(f"{server}/missing", offline=False)
    with pytest.raises(FetchError, match="cannot be fetched"):
        fetch("http://127.0.0.1:9/", offline=False)


def test_offline_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"offline \(--offline or CLAIMMAP_OFFLINE=1\)"):
        fetch("http://127.0.0.1:9/", offline=True)
    monkeypatch.setenv("CLAIMMAP_OFFLINE", "1")
    with pytest.raises(FetchError, match="offline"):
        fetch("http://127.0.0.1:9/")
    assert time.monotonic() - started < 0.5


def test_one_bad_url_loses_nothing_else(server: str) -> None:
    pipeline = Pipeline.open(db=":memory:", offline=False, geocoder_url="http://127.0.0.1:9")
    summary = pipeline.ingest_urls(
        [f"{server}/page", f"{server}/login", "file:///etc/passwd", f"{server}/feed"]
    )
    assert summary.ingested == (f"{server}/page", "https://watch.example/shostka")
    assert summary.failed == (
        (f"{server}/login",
         f"{server}/login: a login or subscription wall, not an article: not stored"),
        ("file:///etc/passwd", "file:///etc/passwd: only http:// and https:// URLs are fetched"),
    )  # fmt: skip
    assert all("\n" not in why for _, why in summary.failed)
    urls = {a.url for a in pipeline.store.articles()}
    assert urls == {"https://herald.example/yunakivka", "https://watch.example/shostka"}
    assert any("https://herald.example/yunakivka" in e.source_urls for e in pipeline.store.events())


def test_the_pipeline_offline_fetches_nothing(server: str) -> None:
    Handler.agents.clear()
    pipeline = Pipeline.open(db=":memory:", offline=True)
    summary = pipeline.ingest_urls([f"{server}/page"])
    assert summary.ingested == ()
    assert "offline" in summary.failed[0][1]
    assert Handler.agents == []


def test_cli_fetch(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.db")
    code = main(["fetch", f"{server}/feed", f"{server}/missing", "--db", db, "-q"])
    err = capsys.readouterr().err
    assert code == 0
    assert "ingested 1" in err
    assert "answered 404" in err
    started = time.monotonic()
    assert main(["fetch", f"{server}/page", "--db", db, "--offline"]) == 1
    assert "claimmap: error: offline" in capsys.readouterr().err
    assert time.monotonic() - started < 0.5
