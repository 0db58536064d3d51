"""Tests for claimmap.claims.lexicon: one table per language, the same shape, real inflections."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from claimmap.claims.claims import DETAILS, EVENT_TYPES
from claimmap.claims.lexicon import ANY, ENEMY, LEXICONS, OWN, RU, UA, Lexicon, sentence_language
from claimmap.claims.reading import lower as _lower
from claimmap.claims.reading import rx_for as _rx

ACTOR_VALUES = {RU, UA, ANY, ENEMY, OWN}


def first_hit(language: str, text: str) -> tuple[str, str] | None:
    """(event type, matched text) of the longest trigger at the first matching position."""
    rx, low = _rx(language), _lower(text)
    hits = [(m.start(), -m.end(), t.event_type, low[m.start() : m.end()])
            for t, regex in rx.triggers for m in regex.finditer(low)]  # fmt: skip
    return (min(hits)[2], min(hits)[3]) if hits else None


def actor_of(language: str, text: str) -> str:
    rx, low = _rx(language), _lower(text)
    found = [(m.start(), -m.end(), a) for a, regex in rx.actors for m in regex.finditer(low)]
    return min(found)[2] if found else ""


def test_every_language_fills_every_field() -> None:
    assert set(LEXICONS) == {"en", "uk", "ru"}
    for lex in LEXICONS.values():
        assert isinstance(lex, Lexicon)
        for f in fields(Lexicon):
            if f.name in ("numbers",):
                continue
            value = getattr(lex, f.name)
            assert value not in ("", (), None), (lex.language, f.name)
        _rx(lex.language)  # every pattern compiles


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_tables_use_known_types_details_and_actors(language: str) -> None:
    lex = LEXICONS[language]
    assert {t.event_type for t in lex.triggers} == set(EVENT_TYPES) - {"mention"}
    for t in lex.triggers:
        assert t.detail in ("", *DETAILS), t
        assert t.actor in ("", RU, UA), t
        for pattern in t.patterns:
            re.compile(pattern)
    assert {a for a, _ in lex.actors} <= ACTOR_VALUES
    assert {a for a, _ in lex.adjectives} <= ACTOR_VALUES


@pytest.mark.parametrize(
    ("language", "text", "event_type"),
    [
        ("uk", "Окупанти захопили село", "territorial_capture"),
        ("uk", "село захоплено", "territorial_capture"),
        ("uk", "після захоплення села", "territorial_capture"),
        ("uk", "росіяни окупували", "territorial_capture"),
        ("uk", "Сили оборони звільнили село", "recapture"),
        ("uk", "село звільнено", "recapture"),
        ("uk", "ворог штурмують позиції", "assault"),
        ("uk", "тривають бої", "armed_clash"),
        ("uk", "ворог обстріляв громаду", "shelling"),
        ("uk", "внаслідок обстрілу", "shelling"),
        ("uk", "удар БпЛА по селу", "air_drone_strike"),
        ("uk", "скинули КАБ", "air_drone_strike"),
        ("uk", "сили відступили", "withdrawal"),
        ("ru", "ВС РФ взяли под контроль село", "territorial_capture"),
        ("ru", "подразделения освободили село", "recapture"),
        ("ru", "село освобождён", "recapture"),
        ("ru", "штурм села", "assault"),
        ("ru", "идут бои", "armed_clash"),
        ("ru", "обстрел села", "shelling"),
        ("ru", "удар дрона по машине", "air_drone_strike"),
        ("ru", "ВСУ отступили", "withdrawal"),
        ("en", "the capture of the village", "territorial_capture"),
        ("en", "the occupation of the village", "territorial_capture"),
        ("en", "the village came under fire", "shelling"),
    ],
)
def test_inflected_triggers_have_their_type(language: str, text: str, event_type: str) -> None:
    hit = first_hit(language, text)
    assert hit is not None, text
    assert hit[0] == event_type, (text, hit)


@pytest.mark.parametrize(
    ("language", "text", "actor"),
    [
        ("uk", "ЗСУ", UA),
        ("uk", "Сили оборони", UA),
        ("uk", "ВСУ", UA),
        ("uk", "ВС РФ", RU),
        ("uk", "російські війська", RU),
        ("uk", "окупанти", RU),
        ("uk", "ворог", ENEMY),
        ("uk", "противник", ENEMY),
        ("uk", "штурмовики", RU),
        ("uk", "наші воїни", OWN),
        ("ru", "ВСУ", UA),
        ("ru", "ВС РФ", RU),
        ("ru", "противник", ENEMY),
        ("ru", "наши бойцы", OWN),
        ("ru", "российские войска", RU),
        ("ru", "украинские военные", UA),
        ("en", "the enemy", ENEMY),
        ("en", "our defenders", OWN),
    ],
)
def test_actor_words(language: str, text: str, actor: str) -> None:
    assert actor_of(language, text) == actor


@pytest.mark.parametrize(
    ("language", "text", "field"),
    [
        ("uk", "За даними Генштабу, ворог атакував", "according"),
        ("uk", "Як повідомили в ОВА, ворог атакував", "according"),
        ("ru", "По данным Минобороны, противник", "according"),
        ("ru", "Как сообщили в Минобороны, противник", "according"),
        ("uk", "Генштаб спростували", "denial"),
        ("ru", "в Киеве опровергли", "denial"),
        ("uk", "у ЗСУ підтвердили", "confirm"),
        ("ru", "в ВСУ подтвердили", "confirm"),
    ],
)
def test_attribution_and_status_words(language: str, text: str, field: str) -> None:
    rx = _rx(language)
    regex = getattr(rx, field)
    target = text if field == "according" else _lower(text)
    assert regex.search(target), (language, text, field)


@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        ("uk", "Ворог атакував, заявив Генштаб", "заявив"),
        ("ru", "Противник атаковал, заявил губернатор", "заявил"),
    ],
)
def test_postposed_speech_verbs(language: str, text: str, speaker: str) -> None:
    assert _rx(language).speech.search(_lower(text)).group() == speaker


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Сили оборони звільнили Андріївку.", "uk"),
        ("ВСУ отступили из Кондратовки, сообщили в Минобороны.", "ru"),
        ("Подразделения ВСУ в Курской области отступают.", "ru"),
        ("Russian forces captured Novenke (Новеньке).", "en"),
        ("Fighting near Юнаківка", "en"),
    ],
)
def test_sentence_language(sentence: str, language: str) -> None:
    assert sentence_language(sentence) == language


def test_an_ambiguous_cyrillic_sentence_takes_the_article_language() -> None:
    assert sentence_language("Бои в Сумах", default="uk") == "uk"
    assert sentence_language("Бои в Сумах") == "ru"
