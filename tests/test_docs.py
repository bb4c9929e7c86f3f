"""The docs name every command, option, policy key and check rule: an undocumented one fails here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from pydantic import BaseModel

from registre.cli.main import app
from registre.core.policy import model
from registre.core.policy.diagnostics import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def policy_models() -> list[type[BaseModel]]:
    return [
        value
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, model.Model) and value is not model.Model
    ]


def commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


@pytest.mark.parametrize("model_class", policy_models(), ids=lambda m: m.__name__)
def test_every_policy_key_is_documented(model_class):
    text = (DOCS / "policy.md").read_text(encoding="utf-8")
    for name, info in model_class.model_fields.items():
        key = info.alias or name
        assert f"`{key}`" in text, f"{model_class.__name__}.{key} is not in docs/policy.md"


def test_every_check_rule_is_documented():
    text = (DOCS / "policy.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (?:error|warning)", text, re.MULTILINE))
    assert documented >= RULES, f"undocumented rules: {sorted(RULES - documented)}"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_and_option_is_documented(name):
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"## `registre {name}" in text, f"registre {name} has no section in docs/cli.md"
    section = text.split(f"## `registre {name}", 1)[1].split("\n## ", 1)[0]
    for parameter in commands()[name].params:
        for option in parameter.opts:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in section, f"registre {name} {option} is not in docs/cli.md"
