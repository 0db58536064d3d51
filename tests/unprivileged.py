"""Run a function as the unprivileged user ``nobody``, for tests of permissions.

    >>> run_as_nobody(lambda: 1 + 1)   # doctest: +SKIP
    2

Root reads and writes every file whatever its mode, so a test of an unreadable directory or a
read-only database run as root would prove nothing; as root the function runs in a forked
child that has become nobody (uid/gid 65534) and sends its JSON-able result back on a pipe.
As any other user it simply runs.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable
from typing import Any

NOBODY = 65534


def run_as_nobody(func: Callable[[], Any]) -> Any:
    if os.geteuid() != 0:
        return func()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report, exit without pytest's clean-up
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            message = {"ok": func()}
        except BaseException:
            message = {"error": traceback.format_exc()}
        try:
            os.write(write, json.dumps(message).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    message = json.loads(data)
    if "error" in message:
        raise AssertionError("as nobody:\n" + message["error"])
    return message["ok"]
