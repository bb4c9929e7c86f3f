"""Problems found in a policy, each tied to a place in a file."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# Every rule that can report a problem; docs/policy.md describes each of them.
RULES = frozenset(
    {
        "io",
        "yaml",
        "limit",
        "type",
        "duplicate-key",
        "include",
        "env",
        "unknown-key",
        "missing",
        "invalid-value",
        "reference-format",
        "unknown-reference",
        "data-subjects",
        "legal-basis",
        "legitimate-interest",
        "special-category",
        "criminal-data",
        "retention",
        "uncovered-dataset",
        "transfer",
        "processor",
        "tenant",
        "security",
        "unused-processor",
        "duplicate-reference",
        "field",
        "erase",
        "automated-decisions",
        "mention",
        "reference-cycle",
        "ownership",
        "dpia",
        "consent",
        "cookies",
    }
)


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A place in a policy file; line and column count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where, how serious, what, and a stable code for tooling."""

    position: Position
    severity: Severity
    message: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise ValueError(f"unregistered rule code {self.code!r}")

    def __str__(self) -> str:
        return f"{self.position}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.update(data.pop("position"))
        return data


def suggest(word: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix when a close candidate exists, else ""."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file order, without duplicates."""
    unique = {(d.position, d.severity, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=lambda d: (d.position, d.message))


def diagnostics_to_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [d.to_dict() for d in diagnostics]
    summary = {
        "errors": sum(1 for d in items if d["severity"] == "error"),
        "warnings": sum(1 for d in items if d["severity"] == "warning"),
    }
    return json.dumps({"diagnostics": items, **summary}, indent=2, ensure_ascii=False)
