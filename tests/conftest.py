"""Shared fixtures: the offline resolver is built once per test session (it is read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimmap.resolve import Resolver

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def resolver() -> Resolver:
    return Resolver.offline()
