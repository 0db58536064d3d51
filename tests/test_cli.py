"""The CLI contract: every command has help; mentions, events, resolve, ingest, override."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEEDS

from claimmap.cli import build_parser, main
from claimmap.views.export import EVENT_COLUMNS

MENTION_CONTRACT = [
    "article",
    "start",
    "end",
    "surface",
    "kind",
    "place_id",
    "name",
    "name_uk",
    "lat",
    "lon",
    "precision",
    "confidence",
    "tier",
    "reason",
]
COMMANDS = ["resolve", "mentions", "ingest", "fetch", "events", "articles", "override", "dismiss",
            "restore", "correct-claim", "audit", "migrate", "build-gazetteer"]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert command in capsys.readouterr().out


def test_the_parser_lists_every_command() -> None:
    assert set(build_parser()._subparsers._group_actions[0].choices) == set(COMMANDS)  # type: ignore[union-attr]


def test_mentions_csv_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mentions", *map(str, SEEDS), "--offline")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[: len(MENTION_CONTRACT)] == MENTION_CONTRACT
    assert {r["article"] for r in rows} == {p.name for p in SEEDS}
    by_surface = {r["surface"]: r for r in rows}
    assert by_surface["Alexandria"]["place_id"] == "UA59080170090050969"
    assert float(by_surface["Alexandria"]["confidence"]) >= 0.8
    assert by_surface["Miropol"]["name"] == "Myropillia"
    assert by_surface["Sumy direction"]["kind"] == "sector"
    assert by_surface["Sumy direction"]["precision"] == "3"
    assert by_surface["Ukraine"]["kind"] == "country"
    assert not {"Boyko", "Vladimir", "Articles"} & set(by_surface)
    assert {r["tier"] for r in rows} <= {"sumy", "ukraine", "world", "geocoder", "unresolved"}


def test_mentions_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mentions", str(SEEDS[0]), "--offline", "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(set(MENTION_CONTRACT) <= set(r) for r in rows)


def test_events_from_files_round_trip_through_pandas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "events", *map(str, SEEDS), "--offline", "--format", "csv")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(frame.columns) == list(EVENT_COLUMNS)
    settlements = frame[frame["geo_precision"] == 1]
    assert sorted(settlements["location"]) == [
        "Kindrativka",
        "Myropillia",
        "Oleksandriia",
        "Yunakivka",
    ]
    assert set(settlements["n_articles"]) == {2}
    assert set(settlements["n_origins"]) == {1}
    assert (frame[frame["geo_precision"] == 3]["location"] != "Ukraine").all()
    assert frame.to_csv(index=False, lineterminator="\r\n") == out


def test_events_geojson_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "events.geojson"
    code, _, _ = run(
        capsys, "events", *map(str, SEEDS), "--offline", "--format", "geojson", "-o", str(target)
    )
    assert code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) >= 4


def test_ingest_articles_override_with_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "claims.db")
    code, _, err = run(capsys, "ingest", *map(str, SEEDS), "--db", db, "--offline", "-q")
    assert code == 0
    assert "ingested 2" in err
    code, out, _ = run(capsys, "articles", "--db", db)
    assert code == 0
    assert len(out.splitlines()) == 2
    code, out, _ = run(capsys, "mentions", str(SEEDS[0]), "--offline")
    mention_id = next(
        r["mention_id"] for r in csv.DictReader(io.StringIO(out)) if r["surface"] == "Kondratovka"
    )
    code, _, err = run(capsys, "override", mention_id, "UA59080310010046655", "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "events", "--db", db)
    assert "Yunakivka" in out


def test_errors_are_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    code, _, err = run(capsys, "articles", "--db", str(bad))
    assert code == 1
    assert err.startswith("claimmap: error:")
    assert "bad.db" in err
    code, _, err = run(
        capsys, "override", "nope:1:2", "UA59080310010046655", "--db", str(tmp_path / "new.db")
    )
    assert code == 1
    assert err.count("\n") == 1


def test_resolve_prints_ranked_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "resolve",
        "Kondratovka",
        "--offline",
        "--context",
        "Fighting near Yunakivka on the Sumy direction.",
    )
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("1. Kindrativka")
    assert "UA59080290080084186" in first


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "claimmap", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "mentions" in done.stdout


# --- no input stops a batch (issue 14) -------------------------------------------------------


def test_ingest_refuses_a_fifo_at_once_and_ingests_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # a blocking read of it would never end
    db = str(tmp_path / "x.db")
    code, _, err = run(
        capsys, "ingest", str(fifo), str(ROOT / "seeds"), "--db", db, "-q", "--offline"
    )
    assert code == 0
    assert "ingested 2" in err
    assert "fifo.txt: is a FIFO (named pipe), not a regular file" in err


def test_one_missing_path_does_not_abort_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    missing = str(tmp_path / "missing.txt")
    code, _, err = run(capsys, "ingest", missing, *map(str, SEEDS), "--db", db, "-q", "--offline")
    assert code == 0
    assert "ingested 2, skipped 0 as duplicate, failed 1" in err
    assert f"{missing}: no such file or directory" in err


def test_mentions_prints_its_header_and_the_rows_of_the_files_that_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.txt")
    code, out, err = run(capsys, "mentions", missing, str(SEEDS[0]), "--offline")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert {r["article"] for r in rows} == {SEEDS[0].name}
    assert "missing.txt: no such file or directory" in err
    code, out, _ = run(capsys, "mentions", missing, "--offline")
    assert code == 1
    assert out.startswith("article,start,end,surface")


def test_mentions_labels_identical_files_by_their_own_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("first.txt", "second.txt"):
        (tmp_path / name).write_bytes(SEEDS[0].read_bytes())
    code, out, _ = run(capsys, "mentions", str(tmp_path), "--offline")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_file = {
        name: [r for r in rows if r["article"] == name] for name in ("first.txt", "second.txt")
    }
    assert len(by_file["first.txt"]) == len(by_file["second.txt"]) > 0
    assert len(rows) == 2 * len(by_file["first.txt"])
    # one article, so one set of mention ids, each listed once per file
    assert [r["mention_id"] for r in by_file["first.txt"]] == [
        r["mention_id"] for r in by_file["second.txt"]
    ]
    assert len({r["mention_id"] for r in by_file["first.txt"]}) == len(by_file["first.txt"])


def test_escape_sequences_in_file_names_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = tmp_path / "evil\x1b[2J\x1b]0;owned\x07.txt"
    evil.write_bytes(b"")
    db = str(tmp_path / "x.db")
    code, _, err = run(capsys, "ingest", str(evil), "--db", db, "-q", "--offline")
    assert code == 1
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.txt: the file is empty" in err
    code, _, err = run(capsys, "mentions", str(evil), "--offline")
    assert "\x1b" not in err
    assert "evil\\x1b[2J" in err


def test_events_exits_1_when_every_file_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    code, out, err = run(capsys, "events", str(bad), "--offline")
    assert code == 1
    assert "bad.txt: looks like a binary file" in err
    assert out == ""
    code, out, _ = run(capsys, "events", str(bad), str(SEEDS[0]), "--offline")
    assert code == 0
    assert out.startswith("event_id")


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://example.org/", "127.0.0.1:9"])
def test_a_bad_geocoder_url_is_one_line_not_a_traceback(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "CLAIMMAP_GEOCODER_URL": url, "CLAIMMAP_OFFLINE": ""}
    result = subprocess.run(
        [sys.executable, "-m", "claimmap", "resolve", "Zzyzxivka"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"claimmap: error: CLAIMMAP_GEOCODER_URL: geocoder URL {url!r}")


def test_captured_then_liberated_exports_two_dated_events_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "claims.db")
    june, july = tmp_path / "june.txt", tmp_path / "july.txt"
    june.write_text("Russian forces captured Kindrativka on Sunday.\n", encoding="utf-8")
    july.write_text(
        "Ukrainian forces liberated Kindrativka on July 27, the General Staff said.\n",
        encoding="utf-8",
    )
    for path, day in ((june, "2025-06-09"), (july, "2025-07-28")):
        code, _, err = run(
            capsys, "ingest", str(path), "--db", db, "--offline", "-q", "--published", day
        )
        assert code == 0, err
    code, out, _ = run(capsys, "events", "--db", db, "--format", "csv")
    assert code == 0
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["location"] == "Kindrativka"]
    assert [(r["event_type"], r["event_date"], r["time_precision"]) for r in rows] == [
        ("territorial_capture", "2025-06-08", "1"),
        ("recapture", "2025-07-27", "1"),
    ]
    assert rows[0]["claim_dates"] == '2025-06-08 p1 "on Sunday"'
    code, out, _ = run(capsys, "events", "--db", db, "--format", "geojson")
    features = json.loads(out)["features"]
    assert [f["properties"]["event_date"] for f in features] == ["2025-06-08", "2025-07-27"]


def test_published_must_be_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "ingest", str(SEEDS[0]), "--db", str(tmp_path / "x.db"), "-q", "--published", "soon"
    )
    assert code == 1
    assert err.count("\n") == 1
    assert "'soon' is not a date" in err
