"""Tests for claimmap.places.morphology and the per-language tables in places.languages."""

from __future__ import annotations

import pytest

from claimmap.places.languages import CASES, LANGUAGES
from claimmap.places.morphology import case_forms, name_language, person_name


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        ("Юнаківка", "uk", {"Юнаківці", "Юнаківки", "Юнаківкою", "Юнаківку"}),
        ("Андріївка", "uk", {"Андріївкою", "Андріївці"}),
        ("Локня", "uk", {"Локнею", "Локні"}),
        ("Яблунівка", "uk", {"Яблунівці"}),
        ("Суми", "uk", {"Сум", "Сумами", "Сумах"}),
        ("Садки", "uk", {"Садків", "Садках"}),
        ("Миропілля", "uk", {"Миропіллі", "Миропіллям"}),
        ("Новеньке", "uk", {"Новенькому", "Новенького"}),
        ("Глухів", "uk", {"Глухова", "Глуховом"}),
        ("Велика Писарівка", "uk", {"Великій Писарівці", "Великої Писарівки"}),
        ("Юнаковка", "ru", {"Юнаковке", "Юнаковки"}),
        ("Сумы", "ru", {"Сумах", "Сум"}),
        ("Кондратовка", "ru", {"Кондратовки", "Кондратовке"}),
        ("Варачино", "ru", {"Варачина"}),
        ("Великая Писаревка", "ru", {"Великой Писаревки", "Великой Писаревке"}),
        ("Мирополье", "ru", {"Мирополья"}),
        ("Глушково", "uk", {"Глушкового"}),
    ],
)
def test_case_forms(name: str, lang: str, expected: set[str]) -> None:
    forms = case_forms(name, lang)
    assert expected <= forms
    assert name not in forms


def test_area_adjectives_decline_as_adjectives() -> None:
    assert {"Сумській", "Сумської", "Сумську"} <= case_forms("Сумська", "uk", adjective=True)
    assert {"Сумского", "Сумском"} <= case_forms("Сумский", "ru", adjective=True)
    assert {"Хотінської", "Хотінській"} <= case_forms("Хотінська", "uk", adjective=True)


def test_pymorphy_answers_only_from_the_gazetteer_spelling() -> None:
    # pymorphy3 reads "Суми" as a form of "сума" (a sum); those forms must not come in
    assert "Сумою" not in case_forms("Суми", "uk")
    assert "Хотіння" not in case_forms("Хотінь", "uk")


def test_name_language() -> None:
    assert name_language("Хотінь") == ("uk",)
    assert name_language("Сумы") == ("ru",)
    assert name_language("Суджа") == ("uk", "ru")
    assert name_language("Sumy") == ()


def test_person_names() -> None:
    assert person_name("Олега")
    assert person_name("Андрій")
    assert not person_name("Олександрія")
    assert not person_name("Сумская")


def test_every_table_has_the_same_shape() -> None:
    for table in LANGUAGES.values():
        for _, cases in (*table.nouns, *table.adjectives):
            assert tuple(cases) == CASES
        assert set(table.area_words.values()) <= {
            "oblast", "raion", "hromada", "sector", "settlement"
        }  # fmt: skip
