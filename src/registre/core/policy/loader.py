"""From a policy file to a typed `Policy`, with every problem tied to its position."""

from __future__ import annotations

import copy
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from registre.core.policy.composer import PathKey
from registre.core.policy.diagnostics import Diagnostic, suggest
from registre.core.policy.model import Policy
from registre.core.policy.source import Document, SourceMap, read_document

DEFAULT_POLICY = "registre.yaml"
POLICY_ENV = "REGISTRE_POLICY"
# Sections holding named entries: an entry with a shape error is set aside so
# that the rest of the policy can still be checked for meaning.
_NAMED_SECTIONS = ("subjects", "categories", "systems", "activities", "processors")

_MISSING_MESSAGES = {
    "purpose": "has no purpose: state why the data are processed (purpose: {fr: ..., en: ...})",
    "keep": "has no duration: add keep: with an ISO 8601 duration such as P3Y",
    "url": "has no url: give a SQLAlchemy URL, for example ${CRM_DATABASE_URL}",
    "location": "has no location: give the ISO country code where the system is hosted",
    "registre": "does not say which policy format it uses: add registre: 1 at the top",
}


class PolicyError(Exception):
    """A policy that cannot be used; `diagnostics` says why and where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "invalid policy")


@dataclass
class LoadedPolicy:
    """The outcome of loading: the policy (None when unusable) and what was found."""

    policy: Policy | None
    source_map: SourceMap
    files: list[Path]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Names that are declared but whose entry failed validation: references to
    # them are not reported again as undeclared.
    invalid_names: dict[str, set[str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def resolve_policy_path(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The policy file to use: the given path, else $REGISTRE_POLICY, else ./registre.yaml."""
    environ = os.environ if environ is None else environ
    return Path(path or environ.get(POLICY_ENV) or DEFAULT_POLICY)


def parse_policy(path: str | Path, environ: Mapping[str, str] | None = None) -> LoadedPolicy:
    """Read and validate the shape of a policy, without the checks of meaning.

    1. Read the YAML (includes, `${ENV}`), keeping positions.
    2. Validate with the models; turn each error into a positioned diagnostic.
    3. If entries of named sections failed, set them aside and validate the
       rest, so that `check_policy` can still look at everything else.
    """
    document = read_document(Path(path), environ)
    loaded = LoadedPolicy(None, document.source_map, document.files, list(document.diagnostics))
    loaded.raw = document.data
    if not document.data and document.diagnostics:
        return loaded
    try:
        policy = Policy.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors()
        loaded.diagnostics.extend(_diagnostic_from_error(error, document) for error in errors)
        pruned = _prune_invalid_entries(document.data, errors, loaded.invalid_names)
        try:
            policy = Policy.model_validate(pruned)
        except ValidationError:
            return loaded
    loaded.policy = _anchor_sqlite_paths(policy, Path(path).parent, loaded)
    return loaded


def _anchor_sqlite_paths(policy: Policy, base: Path, loaded: LoadedPolicy) -> Policy:
    """Make relative SQLite paths relative to the policy file, not to the current folder.

    A policy kept in git next to its SQLite files then works from anywhere.
    Invalid URLs are reported here, where every system's URL is first read.
    """
    systems = dict(policy.systems)
    for name, system in policy.systems.items():
        if not system.url:  # an unset environment variable, already reported
            continue
        try:
            url = make_url(system.url)
        except (ArgumentError, ValueError):
            where = loaded.source_map.locate(("systems", name, "url"))
            message = f"systems.{name}.url is not a SQLAlchemy URL (such as postgresql://user@host:5432/db)"
            loaded.diagnostics.append(Diagnostic(where, "error", message, "invalid-value"))
            continue
        database = url.database or ""
        relative_file = database not in ("", ":memory:") and not database.startswith("file:")
        if url.drivername.startswith("sqlite") and relative_file and not Path(database).is_absolute():
            absolute = url.set(database=str((base / database).resolve()))
            systems[name] = system.model_copy(update={"url": absolute.render_as_string(hide_password=False)})
    return policy.model_copy(update={"systems": systems})


def _prune_invalid_entries(
    data: dict[str, Any], errors: list[ErrorDetails], invalid: dict[str, set[str]]
) -> dict[str, Any]:
    """A copy of `data` without what failed: unknown keys are dropped, broken entries set aside."""
    pruned = copy.deepcopy(data)
    broken_transfers: set[int] = set()
    for error in errors:
        loc = error["loc"]
        if error["type"] == "extra_forbidden":
            _delete_at(pruned, loc)
        elif len(loc) >= 2 and loc[0] in _NAMED_SECTIONS and isinstance(pruned.get(str(loc[0])), dict):
            pruned[str(loc[0])].pop(str(loc[1]), None)
            invalid.setdefault(str(loc[0]), set()).add(str(loc[1]))
        elif len(loc) >= 2 and loc[0] == "transfers" and isinstance(loc[1], int):
            broken_transfers.add(loc[1])
    if broken_transfers and isinstance(pruned.get("transfers"), list):
        pruned["transfers"] = [item for i, item in enumerate(pruned["transfers"]) if i not in broken_transfers]
    return pruned


def _delete_at(data: Any, loc: tuple[str | int, ...]) -> None:
    for part in loc[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(data, dict):
        data.pop(loc[-1], None)


def _diagnostic_from_error(error: ErrorDetails, document: Document) -> Diagnostic:
    loc: PathKey = tuple(part for part in error["loc"] if part != "[key]")
    where = _describe(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key '{key}' in {_describe(loc[:-1])}{suggest(key, allowed)}"
        if set(allowed) == {"fr", "en"}:
            # `{fr: a, b, en: c}` splits at the comma: the usual cause of this error.
            message += '; a text that contains a comma must be quoted inside {...}: {fr: "a, b"}'
        return Diagnostic(document.source_map.locate(loc, key=True), "error", message, "unknown-key")
    if kind == "missing":
        key = str(loc[-1])
        owner = _describe(loc[:-1])
        detail = _MISSING_MESSAGES.get(key, f"is missing the required key '{key}'")
        return Diagnostic(document.source_map.locate(loc[:-1], key=True), "error", f"{owner} {detail}", "missing")
    message = re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    if error.get("input") is None and kind.endswith("_type"):
        message = "has no value (~ or nothing after the colon): give one, or remove the key"
    elif kind == "literal_error":
        expected = re.findall(r"'([^']+)'", str(error.get("ctx", {}).get("expected", "")))
        given = error.get("input")
        hint = suggest(str(given), expected) if isinstance(given, str) else ""
        message = f"'{given}' is not allowed; expected one of: {', '.join(expected)}{hint}"
    elif kind == "string_pattern_mismatch" and error["loc"][-1:] == ("[key]",):
        message = f"'{loc[-1]}' is not a valid name: use letters, digits, '_' or '-'"
    return Diagnostic(document.source_map.locate(loc), "error", f"{where}: {message}", "invalid-value")


def _describe(loc: PathKey) -> str:
    if not loc:
        return "the policy"
    return ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in loc).replace(".[", "[")


def _allowed_keys(loc: PathKey) -> list[str]:
    """The keys a mapping at `loc` accepts, found by walking the model types."""
    annotation: Any = Policy
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _as_model(annotation)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    model = _as_model(annotation)
    if model is not None:
        for name, info in model.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    for candidate in _union_members(annotation):
        origin = typing.get_origin(candidate)
        if origin in (list, dict):
            return typing.get_args(candidate)[-1]
    return None


def _as_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _union_members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _union_members(annotation: Any) -> list[Any]:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [_strip_annotated(arg) for arg in typing.get_args(annotation)]
    return [annotation]


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation
