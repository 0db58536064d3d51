"""The gold development set (tests/data/devset.jsonl): extraction and resolution figures.

Run ``python -m pytest tests/test_devset.py -s`` to see the figures; the README quotes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimmap.evaluate import Scores, evaluate, load_devset
from claimmap.places.resolve import Resolver

DEVSET = Path(__file__).parent / "data" / "devset.jsonl"


@pytest.fixture(scope="module")
def scores(resolver: Resolver) -> Scores:
    result = evaluate(resolver, load_devset(DEVSET))
    print("\n" + result.describe())
    for line in result.errors:
        print("  " + line)
    return result


def test_devset_is_large_enough() -> None:
    passages = load_devset(DEVSET)
    assert len(passages) >= 25
    tags = {t for p in passages for t in p.tags}
    assert {"homonym", "russian_form", "truncated", "cross_border", "distractor"} <= tags


def test_extraction_precision_and_recall(scores: Scores) -> None:
    assert scores.precision >= 0.85
    assert scores.recall >= 0.85


def test_resolution_beats_the_population_heuristic(scores: Scores) -> None:
    assert scores.resolution_accuracy >= 0.85
    assert scores.resolution_accuracy > scores.baseline_accuracy + 0.2
