"""The dates module: rules one by one, and its score on the dated development set."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from claimmap.claims.claims import extract_claims, split_sentences
from claimmap.claims.dates import UNDATED, SentenceDate, date_claims, date_sentence
from claimmap.records import Article, Claim

DEVSET = Path(__file__).parent / "data" / "dates_devset.jsonl"
SLACK = {1: 0, 2: 6, 3: 30}  #: days a date may be off and still lie within its precision


@pytest.mark.parametrize(
    ("sentence", "lang", "published", "expected"),
    [
        ("Drones hit Sumy overnight.", "en", "2025-06-09", ("2025-06-08", "2025-06-09", 1)),
        ("It burned on the night of June 5.", "en", "2025-06-06", ("2025-06-05", "2025-06-06", 1)),
        (
            "У ніч на 5 червня ворог атакував Суми.",
            "uk",
            "2025-06-05",
            ("2025-06-04", "2025-06-05", 1),
        ),
        ("В ночь на 5 июня ВСУ атаковали.", "ru", "2025-06-05", ("2025-06-04", "2025-06-05", 1)),
        ("Накануне дрон атаковал автомобиль.", "ru", "2025-06-05", ("2025-06-04", "", 1)),
        ("Напередодні окупанти наступали.", "uk", "2025-06-09", ("2025-06-08", "", 1)),
        ("Five were killed last week.", "en", "2025-07-14", ("2025-07-07", "2025-07-13", 2)),
        ("Held since early June.", "en", "2025-07-28", ("2025-06-01", "2025-07-28", 3)),
        (
            "It said on Monday it took the village on Sunday.",
            "en",
            "2025-06-09",
            ("2025-06-08", "", 1),
        ),
        ("On Friday, fire damaged lines.", "en", "2025-08-19", ("2025-08-15", "", 1)),
        ("За минувшие сутки нанесено поражение.", "ru", "2025-06-20", ("2025-06-20", "", 1)),
        ("Протягом доби ворог атакував.", "uk", "2025-06-20", ("2025-06-20", "", 1)),
        (
            "Between July 25 and 27 they retook it.",
            "en",
            "2025-07-28",
            ("2025-07-25", "2025-07-27", 2),
        ),
        ("At the end of May they took it.", "en", "2025-06-03", ("2025-05-21", "2025-05-31", 3)),
        (
            "В середине июля противник продвинулся.",
            "ru",
            "2025-08-05",
            ("2025-07-11", "2025-07-20", 3),
        ),
        ("Два дні тому росіяни обстріляли Ворожбу.", "uk", "2025-06-24", ("2025-06-22", "", 1)),
        ("On July 27 it was over.", "en", "2025-07-28", ("2025-07-27", "", 1)),
        ("Liberated on 30 December.", "en", "2026-01-02", ("2025-12-30", "", 1)),
        (
            "Tonight drones are over Sumy.",
            "en",
            "2025-06-05T22:00",
            ("2025-06-05", "2025-06-06", 1),
        ),
    ],
)
def test_rules(sentence: str, lang: str, published: str, expected: tuple) -> None:
    got = date_sentence(sentence, language=lang, published=published)
    assert (got.date, got.date_end, got.precision) == expected
    assert got.text
    assert got.text in sentence


def test_no_date_words_give_the_publication_date_at_week_precision() -> None:
    got = date_sentence(
        "Russian forces attacked near Yunakivka.",
        language="en",
        published="2025-07-03T09:00:00+03:00",
    )
    assert got == SentenceDate("2025-07-03", "", 2, "")


def test_an_undated_article_gives_undated_sentences_unless_the_year_is_written() -> None:
    assert date_sentence("Вчора ворог атакував.", language="uk", published="") == UNDATED
    assert date_sentence("В ночь на 14 июля атаковали.", language="ru", published="") == UNDATED
    full = date_sentence("Taken on 27 July 2025.", language="en", published="")
    assert (full.date, full.precision) == ("2025-07-27", 1)


def test_a_bad_day_is_no_date_not_a_crash() -> None:
    got = date_sentence("On 31 June nothing happened.", language="en", published="2025-07-01")
    assert got == SentenceDate("2025-07-01", "", 2, "")


def test_claims_get_their_sentence_date(tmp_path: Path) -> None:
    from claimmap.records import Mention, Place, Resolution

    text = "Russian forces captured Kindrativka on Sunday. Drones hit Sumy overnight."
    article = Article("a1", "t", text, published="2025-06-09", language="en")
    places = [Place("UA1", "settlement", "Kindrativka"), Place("UA2", "settlement", "Sumy")]
    res = []
    for place in places:
        start = text.index(place.name)
        m = Mention(
            "a1", start, start + len(place.name), place.name, "settlement", place.name.lower()
        )
        res.append(Resolution(m, place, 0.9, 1, "sumy", "exact"))
    claims = extract_claims(article, res)
    got = {c.place_id: (c.date, c.date_end, c.date_precision, c.date_text) for c in claims}
    assert got["UA1"] == ("2025-06-08", "", 1, "on Sunday")
    assert got["UA2"] == ("2025-06-08", "2025-06-09", 1, "overnight")
    undated = date_claims(claims, Article("a1", "t", text, published="", language="en"))
    assert all(c.date == "" and c.date_precision == 0 for c in undated)


def _sentence_of(text: str, start: int) -> str:
    for lo, hi in split_sentences(text):
        if lo <= start < hi:
            return text[lo:hi]
    raise AssertionError(f"no sentence holds offset {start}")


def _within(got: SentenceDate, row: dict) -> bool:
    if row["precision"] == 0:  # the text gives no date: a guess must not claim the day
        return got.precision in (0, 2, 3)
    if not got.date:
        return False
    gold_start = date.fromisoformat(row["date"])
    gold_end = date.fromisoformat(row["date_end"] or row["date"])
    start = date.fromisoformat(got.date)
    slack = SLACK[row["precision"]]
    return (gold_start - start).days <= slack and (start - gold_end).days <= slack


def score() -> dict[str, dict[str, list[int]]]:
    """Per language: [right, total] for exact (rows whose gold gives the day) and within."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"exact": [0, 0], "within": [0, 0]})
    misses = []
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        passage = json.loads(line)
        for row in passage["rows"]:
            sentence = _sentence_of(passage["text"], row["start"])
            got = date_sentence(sentence, language=passage["lang"], published=passage["published"])
            lang = out[passage["lang"]]
            if row["precision"] == 1:
                ok = (got.date, got.date_end) == (row["date"], row["date_end"])
                lang["exact"][0] += ok
                lang["exact"][1] += 1
            within = _within(got, row)
            lang["within"][0] += within
            lang["within"][1] += 1
            if not within or (row["precision"] == 1 and got.date != row["date"]):
                misses.append(
                    f"  miss {passage['id']} {row['surface']}: gold {row['date']}"
                    f"..{row['date_end']} p{row['precision']}, got {got}"
                )
    out["misses"] = misses  # type: ignore[assignment]
    return out


def test_devset_scores() -> None:
    scores = score()
    misses = scores.pop("misses")
    total = {"exact": [0, 0], "within": [0, 0]}
    for lang, s in sorted(scores.items()):
        for k in total:
            total[k][0] += s[k][0]
            total[k][1] += s[k][1]
        print(
            f"{lang}: exact {s['exact'][0]}/{s['exact'][1]}, within {s['within'][0]}/"
            f"{s['within'][1]}"
        )
    exact, within = total["exact"][0] / total["exact"][1], total["within"][0] / total["within"][1]
    print(
        f"all: exact {total['exact'][0]}/{total['exact'][1]} ({exact:.1%}), within "
        f"{total['within'][0]}/{total['within'][1]} ({within:.1%})"
    )
    print("\n".join(misses))  # type: ignore[arg-type]
    assert len({json.loads(x)["lang"] for x in DEVSET.read_text().splitlines()}) == 3
    assert sum(1 for _ in DEVSET.read_text().splitlines()) >= 30
    assert exact >= 0.90
    assert within >= 0.95


def test_claim_fields_default_to_undated() -> None:
    claim = Claim(
        "a", 0, 1, "s", "assault", "unspecified", "claimed", "", "p", "location", 0, 1, "s", 1, 0.5
    )
    assert (claim.date, claim.date_end, claim.date_precision, claim.date_text) == ("", "", 0, "")
