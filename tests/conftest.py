"""Shared fixtures: the offline resolver is built once per test session (it is read-only)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pgserver import PgServer, find_bindir

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


# --- back ends (issue 17): every storage, pipeline, concurrency and crash test runs on each ----

#: SQLite files, PostgreSQL databases without PostGIS, and with it
BACKENDS = ("sqlite", "postgres", "postgis")


def unavailable(why: str) -> None:
    """Skip, saying why; in CI (CI=true) fail instead: there the server must be installed."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throw-away PostgreSQL server for the session (started on first use)."""
    bindir, why = find_bindir()
    if bindir is None:
        unavailable(why)
    assert bindir is not None
    server = PgServer.start(bindir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_db(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """A factory of new, empty databases of the back end: file paths for SQLite, URLs of
    databases on the session's server for PostgreSQL (dropped after the test)."""
    made: list[str] = []
    if backend == "sqlite":

        def make() -> str:
            made.append(str(tmp_path / f"db{len(made)}.sqlite"))
            return made[-1]

        yield make
        return
    server: PgServer = request.getfixturevalue("pg_server")
    if backend == "postgis" and not server.postgis:
        unavailable("PostGIS is not installed for this server (apt-get install "
                    "postgresql-15-postgis-3)")  # fmt: skip

    def make_pg() -> str:
        made.append(server.create_database(postgis=backend == "postgis"))
        return made[-1]

    yield make_pg
    for url in made:
        server.admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture
def db(new_db: Callable[[], str]) -> str:
    """One new, empty database of the back end."""
    return new_db()
