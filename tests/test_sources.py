"""Tests for claimmap.claims.sources: the table of who says it, and the user's extension of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimmap.claims import sources as sources_module
from claimmap.claims.claims import extract_claims
from claimmap.claims.sources import KINDS, SIDES, Source, SourceTable, default_sources, load_sources
from claimmap.errors import ClaimMapError, SourceTableError
from claimmap.records import Article, Mention, Place, Resolution


@pytest.mark.parametrize(
    ("text", "name", "side"),
    [
        ("the Russian Ministry of Defence said", "Russian Ministry of Defence", "RU"),
        ("Минобороны России сообщило", "Russian Ministry of Defence", "RU"),
        ("за даними Міноборони РФ", "Russian Ministry of Defence", "RU"),
        ("TASS reported", "TASS", "RU"),
        ("сообщает РИА Новости", "RIA Novosti", "RU"),
        ("Rybar wrote", "Russian war bloggers", "RU"),
        ("пишут «Два майора»", "Russian war bloggers", "RU"),
        ("Kursk governor Alexander Khinshtein", "Kursk governor", "RU"),
        ("губернатор Белгородской области Гладков", "Belgorod governor", "RU"),
        ("за даними Генштабу ЗСУ", "General Staff of Ukraine", "UA"),
        ("повідомили в Сумській ОВА", "Sumy oblast administration", "UA"),
        ("the 80th Brigade said", "Ukrainian brigade", "UA"),
        ("речник ДПСУ Андрій Демченко", "State Border Guard Service", "UA"),
        ("DeepState reported", "DeepState", "monitor"),
        ("ISW assessed", "ISW", "monitor"),
        ("geolocated footage shows", "Geolocated footage", "monitor"),
        ("Kyiv rejected the claim", "Ukrainian government and command", "UA"),
        ("Moscow's claims", "Russian Ministry of Defence", "RU"),
    ],
)
def test_built_in_sources_and_their_sides(text: str, name: str, side: str) -> None:
    found = default_sources().find(text)  # "речник ДПСУ Андрій Демченко" names it twice
    assert {(s.name, s.side) for s in found} == {(name, side)}


def test_kyiv_and_moscow_are_sources_only_when_they_speak() -> None:
    assert default_sources().find("a missile strike on Kyiv") == []
    assert default_sources().find("flights to Moscow resumed") == []


def test_every_built_in_row_has_a_known_side_and_kind() -> None:
    for s in default_sources().sources:
        assert s.side in SIDES, s
        assert s.kind in KINDS, s


def test_a_user_tsv_adds_and_replaces_rows(tmp_path: Path) -> None:
    path = tmp_path / "sources.tsv"
    path.write_text(
        "name\tside\tkind\tpatterns\n"
        "# a local channel we trust\n"
        "Sumy Watch\tmonitor\tmonitor\tsumy watch|сумська варта\n"
        "TASS\tRU\tmedia\ttass|тасс|tass agency\n",
        encoding="utf-8",
    )
    table = load_sources(path)
    assert [s.name for s in table.find("Sumy Watch says")] == ["Sumy Watch"]
    assert [s.name for s in table.find("за даними Сумська варта")] == ["Sumy Watch"]
    assert sum(s.name == "TASS" for s in table.sources) == 1
    assert table.named("tass") == Source("TASS", "RU", "media", ("tass", "тасс", "tass agency"))
    assert table.find("DeepState reported")[0].name == "DeepState"  # built-ins stay
    assert load_sources(path, base=False).find("DeepState reported") == []


def test_a_user_json_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.json"
    rows = [{"name": "Sumy Watch", "side": "monitor", "kind": "monitor", "patterns": "sumy watch"}]
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert load_sources(path).find("Sumy Watch said")[0].side == "monitor"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.tsv", "Only\ttwo\n", "expected 4 tab-separated cells"),
        ("side.tsv", "X\tNATO\tmedia\tx\n", "side 'NATO'"),
        ("kind.tsv", "X\tRU\tpodcast\tx\n", "kind 'podcast'"),
        ("regex.tsv", "X\tRU\tmedia\t(unclosed\n", "bad pattern"),
        ("bad.json", "{not json", "not a list of sources"),
        ("keys.json", '[{"name": "X"}]', "not a list of sources"),
    ],
)
def test_bad_tables_raise_one_clear_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceTableError, match=message) as err:
        load_sources(path).find("anything")
    assert isinstance(err.value, ClaimMapError)
    assert isinstance(err.value, ValueError)


def test_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(SourceTableError, match="cannot read"):
        load_sources(tmp_path / "nope.tsv")


def test_claimmap_sources_extends_the_default_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.tsv"
    path.write_text("Sumy Watch\tmonitor\tmonitor\tsumy watch\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_SOURCES", str(path))
    sources_module.default_sources.cache_clear()
    try:
        assert default_sources().find("Sumy Watch said")[0].name == "Sumy Watch"
    finally:
        monkeypatch.delenv("CLAIMMAP_SOURCES")
        sources_module.default_sources.cache_clear()
    assert default_sources().find("Sumy Watch said") == []


def test_a_user_source_changes_the_status(tmp_path: Path) -> None:
    text = "Russian forces captured Novenke, Sumy Watch said."
    article = Article("s1", "", text)
    start = text.index("Novenke")
    mention = Mention("s1", start, start + 7, "Novenke", "settlement", "novenke")
    res = [Resolution(mention, Place("p:n", "settlement", "Novenke"), 0.9, 1, "sumy", "exact")]
    [plain] = extract_claims(article, res)
    assert (plain.status, plain.source_side) == ("claimed", "")
    path = tmp_path / "s.tsv"
    path.write_text("Sumy Watch\tmonitor\tmonitor\tsumy watch\n", encoding="utf-8")
    [watched] = extract_claims(article, res, sources=load_sources(path))
    assert (watched.status, watched.source, watched.source_side) == (
        "confirmed",
        "Sumy Watch",
        "monitor",
    )


def test_a_table_is_checked_when_built() -> None:
    with pytest.raises(SourceTableError, match="side"):
        SourceTable((Source("X", "EU", "media", ("x",)),))
