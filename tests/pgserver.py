"""A throw-away PostgreSQL server for the tests: initdb in a temporary directory, pg_ctl start.

    >>> server = PgServer.start()                          # doctest: +SKIP
    >>> url = server.create_database(postgis=True)         # doctest: +SKIP
    >>> server.stop()                                      # doctest: +SKIP

The server listens on a free localhost port (password authentication, as a team's server
would) and on a Unix socket in its directory (trust). initdb refuses to run as root, so as root
the server runs as the unprivileged user ``nobody`` and its directory belongs to nobody. It is
tuned for tests (no fsync): a killed *client* still tests atomicity, a killed server is not
what these tests are about. ``find_bindir`` says why there is no server when there is none.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

NOBODY = 65534
USER = "claimmap"
PASSWORD = "team-secret"
POSTGIS_TEMPLATE = "claimmap_postgis_template"


def find_bindir() -> tuple[Path | None, str]:
    """The directory of initdb and pg_ctl (``CLAIMMAP_PG_BINDIR``, Debian's
    /usr/lib/postgresql/N/bin, the PATH), or None and why not."""
    given = os.environ.get("CLAIMMAP_PG_BINDIR")
    candidates = [Path(given)] if given else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory, ""
    return None, (
        "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on the "
        "PATH; install them (Debian: apt-get install postgresql postgresql-15-postgis-3) or set "
        "CLAIMMAP_PG_BINDIR"
    )


def has_postgis(bindir: Path) -> bool:
    """Whether this server's share directory holds the postgis extension."""
    share = subprocess.run(
        [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    ).stdout.strip() if (bindir / "pg_config").is_file() else ""  # fmt: skip
    if not share:
        share = f"/usr/share/postgresql/{bindir.parent.name}"
    return (Path(share) / "extension" / "postgis.control").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    home: Path
    port: int
    postgis: bool
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def start(cls, bindir: Path) -> PgServer:
        home = Path(tempfile.mkdtemp(prefix="claimmap-pg-"))
        home.chmod(0o755)
        server = cls(bindir, home, _free_port(), has_postgis(bindir))
        (home / "pwfile").write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            for path in (home, home / "pwfile"):
                os.chown(path, NOBODY, NOBODY)
        server._run(
            "initdb", "-D", str(home / "data"), "-U", USER, "--pwfile", str(home / "pwfile"),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {server.port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run("pg_ctl", "-D", str(home / "data"), "-l", str(home / "log"), "-w",
                    "-t", "60", "-o", options, "start")  # fmt: skip
        if server.postgis:
            server.admin(f"CREATE DATABASE {POSTGIS_TEMPLATE}")
            server.admin("CREATE EXTENSION postgis", database=POSTGIS_TEMPLATE)
        return server

    def _run(self, program: str, *args: str) -> None:
        as_nobody = {"user": NOBODY, "group": NOBODY} if os.geteuid() == 0 else {}
        done = subprocess.run(
            [str(self.bindir / program), *args],
            capture_output=True, text=True, check=False, cwd=self.home, timeout=120,
            env={**os.environ, "LC_ALL": "C.UTF-8"}, **as_nobody,  # type: ignore[arg-type]
        )  # fmt: skip
        if done.returncode != 0:
            log = (self.home / "log").read_text() if (self.home / "log").exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr.strip()}\n{log[-2000:]}")

    def url(self, database: str, *, password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={self.home}&port={self.port}"

    def admin(self, sql: str, *, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, *, postgis: bool = False) -> str:
        """A new, empty database (with the postgis extension when asked); its URL."""
        name = f"claimmap_test_{next(self._names)}"
        template = f" TEMPLATE {POSTGIS_TEMPLATE}" if postgis else ""
        self.admin(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.home / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.home, ignore_errors=True)
