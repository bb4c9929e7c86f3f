"""docs/web.md names every setting the web layer reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "registre" / "web"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def settings_read() -> list[str]:
    names: set[str] = set()
    for module in ("settings.py", "environment.py"):
        names |= set(re.findall(r'"(REGISTRE_[A-Z_]+)"', (WEB / module).read_text(encoding="utf-8")))
    return sorted(names)


@pytest.mark.parametrize("name", settings_read())
def test_every_setting_is_documented(name):
    assert f"`{name}`" in DOCS.read_text(encoding="utf-8"), f"{name} is not in docs/web.md"
