import csv
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimmap.places.gazetteer_build import JOINED, read_joined
from claimmap.places.variants import (
    derive_russian,
    former_names,
    latin_variants,
    normalise,
    russian_reference,
    russian_rule_accuracy,
    skeleton,
)

DATA = Path(__file__).parent / "data"
SOURCE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gazetteer-source"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Sudža", "sudza"),
        ("Miropol’ye", "miropolye"),
        ("Miropol'ye", "miropolye"),
        ("Kondrat`yevka", "kondratyevka"),
        ("Ob´yednane", "obyednane"),
        ("Khotinʹ", "khotin"),
        ("Хотінь", "хотін"),
        ("Об’єднане", "обєднане"),
        ("Їжаківка", "їжаківка"),
        ("Йосипівка", "йосипівка"),
        ("Знобь-Новгородское", "зноб новгородское"),
        ("Zno\u200bb\u200d–Novhorodske", "znob novhorodske"),
        ("\u202aSumy\u202c", "sumy"),
        ("  Velyka \t  Pysarivka ", "velyka pysarivka"),
        ("KYIV", "kyiv"),
        ("Ｓｕｍｙ", "sumy"),
        ("Sumî", "sumi"),
    ],
)
def test_normalise(raw: str, key: str) -> None:
    assert normalise(raw) == key


@given(st.text())
def test_normalise_is_idempotent_and_clean(text: str) -> None:
    key = normalise(text)
    assert normalise(key) == key
    assert not any(c in key for c in "'’ʼ`´ʹьъ\u200b\u202e-")
    assert "  " not in key
    assert key == key.strip()


def test_normalise_is_fast() -> None:
    words = [f"Oleksandrivka{i} Miropol’ye-{i}" for i in range(20_000)]
    normalise.cache_clear()
    start = time.perf_counter()
    for word in words:
        normalise(word)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "spellings",
    [
        ("Alexandria", "Aleksandriya", "Aleksandria", "Aleksandrija"),
        ("Oleksandriia", "Oleksandriya", "Oleksandrija"),
        ("Kyndrativka", "Kindrativka"),
        ("Junakivka", "Yunakivka", "Iunakivka"),
        ("Kondratovka", "Kondratowka"),
        ("Myropillia", "Myropillya", "Myropillja"),
        ("Miropol'ye", "Miropolye", "Miropole", "Miropolie", "Miropol’ye"),
        ("Khotin", "Khotyn", "Hotin"),
        ("Sudzha", "Sudža", "Sudza"),
        ("Velykyi", "Velikiy", "Velykyy"),
        ("Єсмань", "Есмань"),
        ("Тёткино", "Теткино"),
        ("Ґрунь", "Грунь"),
        ("Хотінь", "Хотїнь"),
    ],
)
def test_skeleton_joins_news_spellings(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1, [skeleton(s) for s in spellings]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Oleksandriia", "Alexandria"),  # Ukrainian Olek- vs Russian Alek-
        ("Kondratovka", "Kindrativka"),
        ("Sumy", "Summy Hills"),
        ("Miropol", "Miropole"),  # the truncated form is a variant, not a skeleton match
    ],
)
def test_skeleton_keeps_different_names_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize(
    ("uk", "ru"),
    [
        ("Кіндратівка", "Кондратовка"),
        ("Миропілля", "Мирополье"),
        ("Юнаківка", "Юнаковка"),
        ("Олександрія", "Александрия"),
        ("Суми", "Сумы"),
        ("Ромни", "Ромны"),
        ("Козацьке", "Казацкое"),
        ("Грузьке", "Грузское"),
        ("Карабутове", "Карабутово"),
        ("Волокитине", "Волокитино"),
        ("Вільне", "Вольное"),
        ("Велика Писарівка", "Великая Писаревка"),
        ("Нова Гута", "Новая Гута"),
        ("Веселий Гай", "Веселый Гай"),
        ("Андріївка", "Андреевка"),
        ("Білопілля", "Белополье"),
        ("Тростянець", "Тростянец"),
        ("Глухів", "Глухов"),
        ("Ганнівка-Тернівська", "Анновка-Терновская"),
        ("Нововолодимирівка", "Нововладимировка"),
        ("Троїцьке", "Троицкое"),
        ("Юрієве", "Юрьево"),
        ("Коровинці", "Коровинцы"),
        ("Білиця", "Белица"),
        ("Ведмеже", "Ведмежье"),
        ("Чернеччина", "Чернетчина"),
        ("Буринь", "Бурынь"),
        ("Підгірне", "Подгорное"),
        ("Привільне", "Привольное"),
        ("Ясенове", "Ясеновое"),
        ("Товста", "Толстая"),
        ("Гаврилівка", "Гавриловка"),
        ("Писарівка", "Писаревка"),
        ("Софіївка", "Софиевка"),
        ("Сергіївка", "Сергеевка"),
        ("Євгенівка", "Евгеновка"),
        ("Новоіванівка", "Новоивановка"),
        ("Мар’янівка", "Марьяновка"),
        ("Підгір’я", "Подгорье"),
        ("Відрадне", "Отрадное"),
        ("Нижній Яловець", "Нижний Яловец"),
        ("Кам’яне", "Каменное"),
        ("Купріне", "Куприно"),
        ("Станова", "Становая"),  # a one-word -ова name is an adjective
        ("Коржова", "Коржевая"),
        ("Діброва", "Дуброва"),  # a noun in -ова
        ("Нова Борова", "Новая Борова"),
        ("Ленінське", "Ленинское"),  # Soviet eponyms in former names
        ("Іллічівка", "Ильичевка"),
        ("Слов’янськ", "Славянск"),
    ],
)
def test_derive_russian(uk: str, ru: str) -> None:
    assert derive_russian(uk) == ru


def _ru_rows() -> list[dict[str, str]]:
    with (DATA / "gazetteer_ru_names.tsv").open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_russian_rule_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ru_rows()
    assert len(rows) == 315
    hits, total = russian_rule_accuracy(rows, with_former_names=False)
    with capsys.disabled():
        print(f"\nderive_russian: {hits}/{total} = {hits / total:.1%} of GeoNames Russian names")
    assert total >= 240  # the filter must not shrink the reference set to the easy cases
    # From the current name alone: 216/244 = 0.885 (misses by class in gazetteer/README.md).
    assert hits / total >= 0.88


@pytest.mark.skipif(not SOURCE.is_dir(), reason="needs ../shared/data/gazetteer-source")
def test_russian_rule_accuracy_with_former_names(capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_joined(SOURCE / JOINED)
    current = russian_rule_accuracy(rows, with_former_names=False)
    hits, total = russian_rule_accuracy(rows)
    with capsys.disabled():
        print(f"\nderive_russian with former names: {hits}/{total} = {hits / total:.1%}")
    assert current == russian_rule_accuracy(_ru_rows(), with_former_names=False)
    assert hits > current[0]
    # The requirement is 0.90; with former names the rules reach 219/244 = 0.898, not the
    # target. The floor guards against regressions, it does not claim the target.
    assert hits / total >= 0.895


@pytest.mark.parametrize(
    ("row", "former"),
    [
        (  # 2024 rename, the old name known from OCHA and a GeoNames Cyrillic alternate
            {"name_uk": "Бунячине", "name_en_kmu2010": "Buniachyne", "ocha_en": "Buniakyne",
             "name_ru_guess": "Бунякине|Бунякино"},
            ("Бунякине",),
        ),
        (  # Russian spelling with the same KMU transliteration is not a Ukrainian name
            {"name_uk": "Лебединий Бобрик", "name_en_kmu2010": "Lebedynyi Bobryk",
             "ocha_en": "Moskovskyi Bobryk",
             "name_ru_guess": "Московский бобрик|Московський Бобрик"},
            ("Московський Бобрик",),
        ),
        (  # uk_other_variants: Belarusian and mixed-script spellings are left out
            {"name_uk": "Хутір-Михайлівський", "uk_other_variants": "Хуцір-Мыхайліўскі",
             "name_en_kmu2010": "Khutir-Mykhailivskyi", "ocha_en": "Druzhba",
             "name_ru_guess": "Дружба|Хутор-Михайловский"},
            ("Дружба",),
        ),
        ({"name_uk": "Спаське", "uk_other_variants": "Ленінське"}, ("Ленінське",)),
        ({"name_uk": "Глухів", "uk_other_variants": "Глухіў"}, ()),
        ({"name_uk": "Есмань", "uk_other_variants": "Єсмань"}, ("Єсмань",)),
        ({"name_uk": "Суми", "name_ru_guess": "Сумы"}, ()),  # no former-name columns
    ],
)  # fmt: skip
def test_former_names(row: dict[str, str], former: tuple[str, ...]) -> None:
    assert former_names(row) == former


@pytest.mark.parametrize(
    ("uk", "guess", "kept"),
    [
        ("Кіндратівка", "Кондратовка", ("Кондратовка",)),
        ("Копилове", "Жовтневе", ()),  # a Soviet-era name, not a Russian form
        ("Бунячине", "Бунякине|Бунякино", ("Бунякино",)),  # Ukrainian ending dropped
        ("Журавка", "Жураўка", ()),  # Belarusian ў
        ("Свеса", "Свесса|Свэса", ("Свесса",)),  # Belarusian э after a consonant
        ("Малий Самбір", "Мал.Самбор", ()),  # abbreviation
        ("Чернеча Слобода", "Чернеча-Слобода", ()),  # the Ukrainian name with a hyphen
        ("Нова Слобода", "Nоvа Slоbоdа|Новая Слобода", ("Новая Слобода",)),  # mixed script
        ("Нова Слобода", "Нава Слабада|Новая Слобода", ("Новая Слобода",)),  # Belarusian akanye
        ("Конотоп", "Канатоп", ()),
        ("Охтирка", "Ахтырка", ("Ахтырка",)),  # one о -> а is a Russian spelling
        ("В’язове", "Вязовое", ("Вязовое",)),  # the apostrophe is not a word break
        ("Вільшана", "Ольшана", ("Ольшана",)),  # prothetic в
        ("Миколаївка", "Жовтневе|Николаевка", ("Николаевка",)),  # Микола / Никола
        ("Старе Село", "Стари Село|Червоное", ()),  # no Russian adjective ending
        ("Кривий Ріг", "Криви Рог|Кривой Рог", ("Кривой Рог",)),
        ("Козачі Майдани", "Казачьи Майданы", ("Казачьи Майданы",)),  # possessive -ьи
        ("Марчишина Буда", "Марчихина Буда", ("Марчихина Буда",)),  # possessive -ина
        ("Бринці-Загірні", "Брынци-Загорные", ("Брынци-Загорные",)),  # a hyphen joins nouns
        ("Кам’янобрідський", "Кембридж", ()),  # more than three letters apart
        ("Дніпро", "Днепропетровск", ()),
    ],
)
def test_russian_reference(uk: str, guess: str, kept: tuple[str, ...]) -> None:
    assert russian_reference(uk, guess) == kept


def test_latin_variants_miropillia() -> None:
    variants = latin_variants("Миропілля", name_ru="Мирополье")
    assert {"Myropillia", "Myropillya", "Miropol", "Miropolye", "Miropolie", "Miropol'ye"} <= set(
        variants
    )
    assert list(variants) == sorted(set(variants))
    assert all(v.isascii() for v in variants)


def test_latin_variants_use_the_derived_russian_name() -> None:
    variants = latin_variants("Олександрія")
    assert {"Oleksandriia", "Oleksandriya", "Aleksandriya"} <= set(variants)
    assert skeleton("Alexandria") in {skeleton(v) for v in variants}
    assert "Kondratovka" in latin_variants("Кіндратівка")
    assert {"Yunakivka", "Junakiwka", "Yunakovka"} <= set(latin_variants("Юнаківка"))
