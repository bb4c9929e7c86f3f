"""Reading policy YAML: includes, environment variables, and where every value came from.

PyYAML's composer gives nodes with their position; we turn them into plain
Python values and keep a map from each value's path (a tuple of keys and list
indexes) to its position, so that any later problem can be reported as
`file:line:col`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from registre.core.policy.composer import MAX_BYTES, Budget, Composer, LimitExceeded, PathKey
from registre.core.policy.diagnostics import Diagnostic, Position

_ENV = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")
INCLUDE_KEY = "include"
MAX_INCLUDES = 100
MAX_INCLUDE_NAME = 1024


@dataclass
class SourceMap:
    """Positions of the values (and of the keys) of a loaded document."""

    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    root: Position = field(default_factory=lambda: Position("<policy>", 1, 1))

    def locate(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = (self.keys, self.values) if key else (self.values, self.keys)
        for length in range(len(path), 0, -1):
            prefix = path[:length]
            for positions in table:
                if prefix in positions:
                    return positions[prefix]
        return self.root


@dataclass
class Document:
    """A policy document as plain data, with its source map and loading problems."""

    data: dict[str, Any]
    source_map: SourceMap
    files: list[Path]
    diagnostics: list[Diagnostic]


# libyaml's parser, when PyYAML was built with it, composes the same nodes with the same marks ten
# times faster than the pure-Python one.


class _Reader:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.source_map = SourceMap()
        self.diagnostics: list[Diagnostic] = []
        self.files: list[Path] = []
        self.budget = Budget()

    def problem(self, position: Position, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(position, "error", message, code))

    def read_file(self, path: Path, display: str) -> Any:
        """The file's value, or None when it cannot be used (each reason reported at its position)."""
        self.files.append(path)
        text = self.read_text(path, display)
        if text is None:
            return None
        composer = Composer(display, self.budget, self.record, self.diagnostics.append, self.interpolate)
        try:
            value = composer.compose(text)
        except LimitExceeded as exc:
            self.diagnostics.append(exc.diagnostic)
            return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = Position(display, mark.line + 1, mark.column + 1) if mark else Position(display, 1, 1)
            self.problem(where, f"invalid YAML: {exc.problem or exc.context}", "yaml")
            return None
        except yaml.YAMLError as exc:
            self.problem(Position(display, 1, 1), f"invalid YAML: {exc}", "yaml")
            return None
        if value is None and not composer.failed:
            return {}
        return value

    def read_text(self, path: Path, display: str) -> str | None:
        try:
            with path.open("rb") as file:
                content = file.read(MAX_BYTES + 1)
        except OSError as exc:
            self.problem(Position(display, 1, 1), f"cannot read the policy: {exc.strerror or exc}", "io")
            return None
        if len(content) > MAX_BYTES:
            message = f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: a policy is not that large"
            self.problem(Position(display, 1, 1), message, "limit")
            return None
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = content.count(b"\n", 0, exc.start) + 1
            column = exc.start - (content.rfind(b"\n", 0, exc.start) + 1) + 1
            message = f"cannot read the policy: byte 0x{content[exc.start]:02x} is not UTF-8 (save the file as UTF-8)"
            self.problem(Position(display, line, column), message, "io")
            return None

    def record(self, path: PathKey, position: Position, key: bool) -> None:
        (self.source_map.keys if key else self.source_map.values)[path] = position

    def interpolate(self, text: str, position: Position) -> str:
        def replace(match: re.Match[str]) -> str:
            name, default = match.group("name"), match.group("default")
            if name in self.environ:
                return self.environ[name]
            if default is not None:
                return default
            self.problem(position, f"environment variable {name} is not set", "env")
            return ""

        return _ENV.sub(replace, text)


def read_document(path: Path, environ: Mapping[str, str] | None = None) -> Document:
    """Read a policy file and the files it includes into one document.

    1. Parse the main file, keeping the position of every key and value.
    2. For each path under the top-level `include:` key (relative to the file),
       parse it the same way and merge its top-level sections: mappings are
       merged key by key, and a name declared in two files is an error.
    3. Replace `${NAME}` and `${NAME:-default}` with the environment's value.
    """
    reader = _Reader(os.environ if environ is None else environ)
    display = _display_name(path)
    reader.source_map.root = Position(display, 1, 1)
    data = reader.read_file(path, display)
    if data is None:
        return Document({}, reader.source_map, reader.files, reader.diagnostics)
    if not isinstance(data, dict):
        reader.problem(Position(display, 1, 1), "a policy must be a mapping of sections", "type")
        return Document({}, reader.source_map, reader.files, reader.diagnostics)
    includes = data.pop(INCLUDE_KEY, [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or len(includes) > MAX_INCLUDES:
        message = f"include: takes a file name or a list of at most {MAX_INCLUDES} file names"
        reader.problem(reader.source_map.locate((INCLUDE_KEY,)), message, "include")
        includes = []
    for index, include in enumerate(includes):
        where: PathKey = (INCLUDE_KEY, index)
        if not isinstance(include, str) or not include.strip() or len(include) > MAX_INCLUDE_NAME:
            message = f"an included file is a path of at most {MAX_INCLUDE_NAME} characters"
            reader.problem(reader.source_map.locate(where), message, "include")
            continue
        _merge_include(reader, data, path.parent / include, where)
    return Document(data, reader.source_map, reader.files, reader.diagnostics)


def _merge_include(reader: _Reader, data: dict[str, Any], path: Path, where: PathKey) -> None:
    try:
        exists = path.is_file()
    except OSError:
        exists = False
    if not exists:
        reader.problem(reader.source_map.locate(where), f"included file {path} does not exist", "include")
        return
    # An included file's positions are recorded under its own paths; we read it
    # into a separate map first, then move each section's positions over.
    main_map = reader.source_map
    reader.source_map = SourceMap(root=Position(_display_name(path), 1, 1))
    included = reader.read_file(path, _display_name(path))
    included_map, reader.source_map = reader.source_map, main_map
    if not isinstance(included, dict):
        if included is not None:
            reader.problem(included_map.root, "an included file must be a mapping of sections", "type")
        return
    for section, value in included.items():
        if section not in data:
            data[section] = value
            _copy_positions(included_map, main_map, (section,))
        elif isinstance(data[section], dict) and isinstance(value, dict):
            for name, item in value.items():
                if name in data[section]:
                    reader.problem(
                        included_map.locate((section, name), key=True),
                        f"{section}.{name} is already declared at {main_map.locate((section, name), key=True)}",
                        "duplicate-key",
                    )
                    continue
                data[section][name] = item
                _copy_positions(included_map, main_map, (section, name))
        else:
            reader.problem(
                included_map.locate((section,), key=True),
                f"section '{section}' is already declared in the main file",
                "duplicate-key",
            )


def _copy_positions(source: SourceMap, target: SourceMap, prefix: PathKey) -> None:
    for table_name in ("values", "keys"):
        source_table, target_table = getattr(source, table_name), getattr(target, table_name)
        for path, position in source_table.items():
            if path[: len(prefix)] == prefix:
                target_table[path] = position


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)
