"""From YAML events to plain values, within limits, with the position of every key and value.

A policy file comes from people and from scripts, so nothing in it may crash
or exhaust the process that reads it. PyYAML's own composer recurses once per
level of nesting and expands aliases without bound; this one walks the event
stream (which the parser produces without recursion) and stops, with the
position of the fault, at:

- nesting deeper than `MAX_DEPTH` (and an alias inside the node it names);
- more than `MAX_NODES` values, counting every copy an alias makes (so an alias
  bomb is stopped after a few thousand values, not a billion);
- more than `MAX_ALIASES` aliases, or a key longer than `MAX_KEY_LENGTH`.

Every explicit tag (`!!python/name`, `!!binary`, `!custom`, `!!int`) is
refused: a policy is plain mappings, lists and scalars. A scalar that YAML
reads as a date, a number or a boolean but that is not one (`2026-02-30`, an
integer of 4,300 digits) is an error at its position, not an exception.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from registre.core.policy.diagnostics import Diagnostic, Position

PathKey = tuple[str | int, ...]

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_ALIASES = 1_000
MAX_KEY_LENGTH = 256
# Integers beyond this are no count, duration or day in a policy; Python refuses
# to even parse those over 4,300 digits.
MAX_INTEGER_DIGITS = 18

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR_NAMES = {
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:bool": "a boolean",
}


_NODE_EVENTS = frozenset({yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent})
_END_EVENTS = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})


class LimitExceeded(Exception):
    """Reading stopped: the file goes beyond a limit (size, depth, values, aliases) or cannot be composed."""

    def __init__(self, position: Position, message: str, code: str = "limit") -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(position, "error", message, code)


@dataclass
class Budget:
    """What all the files of one policy may use together."""

    nodes: int = 0
    aliases: int = 0

    def spend(self, nodes: int, position: Position) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise LimitExceeded(
                position, f"the policy holds more than {MAX_NODES:,} values (aliases included): it is not read further"
            )


@dataclass
class _Open:
    """A mapping or sequence being composed."""

    value: dict[str, Any] | list[Any]
    path: PathKey | None  # None: the value is discarded (a duplicate key), positions are not recorded
    anchor: str | None
    nodes_at_start: int
    key: str | None = None
    key_done: bool = False
    skip_value: bool = False
    position: Position = field(default_factory=lambda: Position("", 1, 1))


@dataclass
class _Anchor:
    value: Any
    nodes: int


class Composer:
    """Compose one file's events into plain values; problems go to `report`, limits raise LimitExceeded."""

    def __init__(
        self,
        display: str,
        budget: Budget,
        record: Callable[[PathKey, Position, bool], None],
        report: Callable[[Diagnostic], None],
        interpolate: Callable[[str, Position], str],
    ) -> None:
        self.display = display
        self.budget = budget
        self.record = record
        self.report = report
        self.interpolate = interpolate
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.anchors: dict[str, _Anchor] = {}
        self.stack: list[_Open] = []
        self.failed = False

    def position(self, mark: Any) -> Position:
        return Position(self.display, mark.line + 1, mark.column + 1) if mark else Position(self.display, 1, 1)

    def problem(self, position: Position, message: str, code: str = "yaml", *, fatal: bool = True) -> None:
        """Report; a fatal problem (a tag, a value YAML cannot read) makes the whole file unusable."""
        self.failed = self.failed or fatal
        self.report(Diagnostic(position, "error", message, code))

    def compose(self, text: str) -> Any:
        """The document's value (None for an empty file, or when a problem makes it unusable)."""
        root: list[Any] = []
        documents = 0
        for event in _events(text):
            kind = type(event)
            if kind in _NODE_EVENTS:
                self.on_node(event, root)
            elif kind in _END_EVENTS:
                self.on_end(event, root)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LimitExceeded(
                        self.position(event.start_mark), "a policy file holds one YAML document (remove '---')", "yaml"
                    )
        if self.failed:
            return None
        return root[0] if root else None

    # Events ---------------------------------------------------------------

    def on_node(self, event: Any, root: list[Any]) -> None:
        position = self.position(event.start_mark)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, dict) and not parent.key_done:
            self.on_key(parent, event, position)
            return
        path = self.child_path(parent, root)
        if isinstance(event, yaml.AliasEvent):
            self.attach(parent, root, self.resolve_alias(event, position), path, position)
            return
        self.budget.spend(1, position)
        self.refuse_tag(event, position)
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, position)
            if event.anchor:
                self.anchors[event.anchor] = _Anchor(value, 1)
            self.attach(parent, root, value, path, position)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise LimitExceeded(position, f"the policy nests deeper than {MAX_DEPTH} levels")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        if path is not None:
            self.record(path, position, False)
        self.stack.append(_Open(container, path, event.anchor, self.budget.nodes, position=position))

    def on_end(self, event: Any, root: list[Any]) -> None:
        done = self.stack.pop()
        if done.anchor:
            self.anchors[done.anchor] = _Anchor(done.value, self.budget.nodes - done.nodes_at_start + 1)
        parent = self.stack[-1] if self.stack else None
        self.attach(parent, root, done.value, None, done.position)

    def on_key(self, parent: _Open, event: Any, position: Position) -> None:
        parent.key_done = True
        parent.skip_value = True
        if isinstance(event, yaml.AliasEvent):
            value = self.resolve_alias(event, position)
            key = value if isinstance(value, str) else None
        elif isinstance(event, yaml.ScalarEvent):
            self.budget.spend(1, position)
            self.refuse_tag(event, position)
            key = str(event.value)
        else:
            raise LimitExceeded(position, "a key must be a plain name, not a mapping or a list", "yaml")
        if key is None:
            self.problem(position, "a key must be a plain name")
            return
        if len(key) > MAX_KEY_LENGTH:
            message = f"a key of {len(key):,} characters is longer than {MAX_KEY_LENGTH}"
            self.problem(position, message, "limit", fatal=False)
            return
        assert isinstance(parent.value, dict)
        if key in parent.value:
            self.problem(position, f"'{key}' is declared twice in the same mapping", "duplicate-key", fatal=False)
            return
        parent.key, parent.skip_value = key, False
        if parent.path is not None:
            self.record((*parent.path, key), position, True)

    # Values ---------------------------------------------------------------

    def child_path(self, parent: _Open | None, root: list[Any]) -> PathKey | None:
        if parent is None:
            return ()
        if parent.path is None:
            return None
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        return None if parent.skip_value else (*parent.path, str(parent.key))

    def attach(self, parent: _Open | None, root: list[Any], value: Any, path: PathKey | None, at: Position) -> None:
        if path is not None:
            self.record(path, at, False)
        if parent is None:
            root.append(value)
        elif isinstance(parent.value, list):
            parent.value.append(value)
        else:
            if not parent.skip_value and parent.key is not None:
                parent.value[parent.key] = value
            parent.key, parent.key_done, parent.skip_value = None, False, False

    def resolve_alias(self, event: Any, position: Position) -> Any:
        name = event.anchor
        self.budget.aliases += 1
        if self.budget.aliases > MAX_ALIASES:
            raise LimitExceeded(position, f"the policy uses more than {MAX_ALIASES:,} aliases")
        if any(open_.anchor == name for open_ in self.stack):
            raise LimitExceeded(position, f"alias *{name} is inside the node it names: a value cannot contain itself")
        anchor = self.anchors.get(name)
        if anchor is None:
            raise LimitExceeded(position, f"alias *{name} names no anchor (&{name}) declared before it", "yaml")
        self.budget.spend(anchor.nodes, position)
        return copy.deepcopy(anchor.value)

    def refuse_tag(self, event: Any, position: Position) -> None:
        if event.tag is not None:
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")[:80]
            self.problem(position, f"YAML tag {tag} is not allowed in a policy: write a plain value")

    def scalar(self, event: Any, position: Position) -> Any:
        if event.tag is not None:
            return event.value
        if not event.implicit[0]:  # quoted: text, whatever it looks like
            return self.interpolate(event.value, position)
        tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        if tag == "tag:yaml.org,2002:int" and len(event.value.lstrip("+-0")) > MAX_INTEGER_DIGITS:
            self.problem(position, f"the number {event.value[:20]}... is too large", "invalid-value")
            return None
        construct = self.constructor.yaml_constructors.get(tag)
        if construct is None or tag == "tag:yaml.org,2002:str":
            return self.interpolate(event.value, position)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return construct(self.constructor, node)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            kind = _SCALAR_NAMES.get(tag, "a value")
            self.problem(position, f"'{event.value[:80]}' is not {kind}: quote it to keep it as text", "invalid-value")
            return None


def _events(text: str) -> Iterable[Any]:
    return yaml.parse(text, Loader=_Loader)
