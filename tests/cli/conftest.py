"""Fixtures for the command-line tests: a runner that invokes `registre` in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from registre.cli.main import app


@pytest.fixture
def registre() -> Callable[..., object]:
    """Run `registre ARGS...` and return the result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [str(arg) for arg in args], env=env, catch_exceptions=False)

    return run
