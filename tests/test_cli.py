"""The CLI contract: every command has help; mentions, events, resolve, ingest, override."""

from __future__ import annotations

import csv
import io
import json
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
COMMANDS = [
    "resolve",
    "mentions",
    "ingest",
    "fetch",
    "events",
    "articles",
    "override",
    "build-gazetteer",
]


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
