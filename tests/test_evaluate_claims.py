"""Tests for claimmap.evaluate_claims: the claims dev set, per language, in both modes.

Every measure of issue 11's table is printed (run with ``-s`` to read it): events found, coarse
type, actor, status, confirmations and denials caught, spurious events, and what answering
always "claimed" / always "Russian forces" would score.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimmap.errors import ClaimMapError
from claimmap.evaluate_claims import (
    ClaimScores,
    GoldPassage,
    evaluate_claims,
    load_claims_devset,
    paired_agreement,
    passage_claims,
)
from claimmap.places.resolve import Resolver

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "uk", "ru")


@pytest.fixture(scope="module")
def devset() -> list[GoldPassage]:
    return load_claims_devset(DATA / "claims_devset.jsonl")


@pytest.fixture(scope="module")
def paired() -> list[GoldPassage]:
    return load_claims_devset(DATA / "claims_paired.jsonl")


@pytest.fixture(scope="module")
def gold_scores(devset: list[GoldPassage]) -> dict[str, ClaimScores]:
    scores = evaluate_claims(devset)
    print("\nclaims dev set, gold mentions:")
    for s in scores.values():
        print("  " + s.describe())
    return scores


def test_devset_covers_three_languages_and_both_rare_statuses(devset: list[GoldPassage]) -> None:
    rows = [(p.language, r) for p in devset for r in p.rows if r.event]
    assert len(rows) >= 120
    for language in LANGUAGES:
        statuses = {r.status for lang, r in rows if lang == language}
        assert {"claimed", "confirmed", "denied"} <= statuses, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_gold_mentions_meet_the_issue_targets(
    gold_scores: dict[str, ClaimScores], language: str
) -> None:
    s = gold_scores[language]
    assert s.events_found >= 0.90, s.describe()
    assert s.coarse_type >= 0.90, s.describe()
    assert s.actor >= 0.90, s.describe()
    assert s.status >= 0.90, s.describe()
    assert s.confirmations >= 0.80, s.describe()
    assert s.denials >= 0.80, s.describe()
    assert s.spurious_rate <= 0.03, s.describe()


@pytest.mark.parametrize("language", LANGUAGES)
def test_rules_beat_the_trivial_answers(gold_scores: dict[str, ClaimScores], language: str) -> None:
    s = gold_scores[language]
    assert s.actor_right > s.always_russian, s.describe()
    assert s.status_right > s.always_claimed, s.describe()


def test_end_to_end_runs_the_resolver_and_prints_the_table(
    devset: list[GoldPassage], resolver: Resolver
) -> None:
    scores = evaluate_claims(devset, resolver=resolver)
    print("\nclaims dev set, end to end (offline resolver):")
    for s in scores.values():
        print("  " + s.describe())
    # English place resolution is good, so the claims must hold up end to end there; Ukrainian
    # and Russian depend on the Cyrillic resolver (issue 9) and are printed, not held.
    assert scores["en"].events_found >= 0.90, scores["en"].describe()
    assert scores["en"].status >= 0.90, scores["en"].describe()
    assert scores["all"].found > 0.6 * scores["all"].gold_events


def test_paired_passages_agree_across_languages(paired: list[GoldPassage]) -> None:
    agree, total, notes = paired_agreement(paired)
    print(f"\npaired passages: {agree}/{total} (place, event type, actor, status) agree")
    assert total >= 30
    assert agree / total >= 0.90, "\n".join(notes)


def test_paired_passages_score_alike_in_each_language(paired: list[GoldPassage]) -> None:
    scores = evaluate_claims(paired)
    print("\npaired passages, gold mentions:")
    for s in scores.values():
        print("  " + s.describe())
    found = {lang: scores[lang].found for lang in LANGUAGES}
    assert max(found.values()) - min(found.values()) <= 1, found


def test_gold_mentions_need_no_resolver(devset: list[GoldPassage]) -> None:
    claims = passage_claims(devset[0])
    gold = {(r.start, r.end) for r in devset[0].rows if r.place_id or r.event}
    assert {(c.mention_start, c.mention_end) for c in claims} <= gold


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not a claims dev-set row"),
        ('{"id": "x", "lang": "en", "text": "Sumy", "rows": [{"start": 0}]}', "not a claims"),
        (
            json.dumps(
                {
                    "id": "x",
                    "lang": "en",
                    "text": "Sumy",
                    "rows": [
                        {
                            "start": 0,
                            "end": 3,
                            "surface": "Sumy",
                            "kind": "settlement",
                            "event": False,
                            "event_type": "mention",
                            "actor": "unspecified",
                        }
                    ],
                }
            ),
            "offsets of 'Sumy' do not match",
        ),
    ],
)
def test_bad_devset_rows_raise_a_clear_error(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ClaimMapError, match=message) as err:
        load_claims_devset(path)
    assert "bad.jsonl:1" in str(err.value)


def test_scores_count_misses_spurious_events_and_false_denials(tmp_path: Path) -> None:
    text = "Russian forces captured Novenke. Khotin is quiet. Kyiv denied that Sumy was shelled."
    rows = []
    for name, event, event_type, actor, status in (
        ("Novenke", True, "territorial_capture", "Russian forces", "claimed"),
        ("Khotin", True, "shelling", "Russian forces", "claimed"),
        ("Sumy", False, "mention", "unspecified", ""),
    ):
        start = text.index(name)
        rows.append(
            {"start": start, "end": start + len(name), "surface": name, "kind": "settlement",
             "place_id": f"p:{name}", "event": event, "event_type": event_type, "actor": actor,
             "status": status}
        )  # fmt: skip
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "t", "lang": "en", "text": text, "rows": rows}) + "\n")
    s = evaluate_claims(load_claims_devset(path))["en"]
    assert (s.gold_events, s.found, s.type_right, s.actor_right, s.status_right) == (2, 1, 1, 1, 1)
    assert (s.predicted_events, s.spurious) == (2, 1)  # Sumy: shelled, but gold says no event
    assert any("missed shelling" in e for e in s.errors)
    assert any("spurious" in e for e in s.errors)
