"""Fixtures for the command-line tests: a runner that invokes `registre` in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from registre.cli.main import app


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own data folder: the application database of a developer's `.registre` is not the test's."""
    monkeypatch.setenv("REGISTRE_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def registre() -> Callable[..., object]:
    """Run `registre ARGS...` and return the result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [str(arg) for arg in args], env=env, catch_exceptions=False)

    return run
