"""The docs keep their promises: README commands, CI, CLI commands, module docstrings, errors."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from conftest import ROOT

import claimmap.errors as errors
from claimmap.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")
MODULES = sorted(p.stem for p in (ROOT / "claimmap").glob("*.py") if not p.stem.startswith("_"))


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_opens_with_a_sentence_a_picture_and_two_commands() -> None:
    head = README.split("## ", 1)[0]
    assert head.index("![") < head.index("```sh")
    commands = re.findall(r"```sh\n(.+?)\n```", head, re.DOTALL)
    assert len(commands) == 2
    assert "streamlit run dashboard.py" in commands[0]
    assert "pytest" in commands[1]
    picture = re.search(r"!\[[^\]]*\]\(([^)]+)\)", head)
    assert picture is not None
    assert (ROOT / picture.group(1)).is_file()


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    assert "apt-get install" in ci
    assert "chromium" in ci


def test_every_cli_command_is_in_the_readme() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"claimmap {name}" in README


@pytest.mark.parametrize("name", MODULES)
def test_every_module_opens_with_a_usage_example(name: str) -> None:
    doc = importlib.import_module(f"claimmap.{name}").__doc__ or ""
    assert doc.strip(), name
    assert ">>>" in doc or "$ " in doc or "python " in doc, f"{name}: no usage example"


def error_classes() -> list[type[Exception]]:
    return [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ClaimMapError)
    ]


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__name__)
def test_every_error_is_documented_raisable_and_renders(cls: type[Exception]) -> None:
    assert cls.__doc__, cls.__name__
    with pytest.raises(errors.ClaimMapError) as caught:
        raise cls("x.txt: what went wrong")
    assert str(caught.value) == "x.txt: what went wrong"
