"""Shared fixtures: the offline resolver is built once per test session (it is read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimmap.places.resolve import Resolver
from claimmap.records import Place

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
#: Hand-made places for the seeds' place names, for tests of the stages after resolution.
HAND_PLACES = {
    "Alexandria": Place("UA-alex", "settlement", "Oleksandriia"),
    "Miropol": Place("UA-myro", "settlement", "Myropillia"),
    "Yunakivka": Place("UA-yuna", "settlement", "Yunakivka"),
    "Kondratovka": Place("UA-kond", "settlement", "Kindrativka"),
    "Sumy direction": Place("sector:sumy", "sector", "Sumy direction"),
    "Sumy front": Place("sector:sumy", "sector", "Sumy direction"),
    "Ukraine": Place("country:UA", "country", "Ukraine"),
}


@pytest.fixture(scope="session")
def resolver() -> Resolver:
    return Resolver.offline()
