"""What an audit entry is, whoever writes it: its checks and the hash that chains it to the one before.

Django's `actions.record` and the command line's writer (`direct`) both build
entries from these, so that either may follow the other in one chain and
`actions.verify_chain` reads both alike. Nothing here imports Django.

    content = entry_content(counts={"crm.contacts.deleted": 1}, details={"system": "crm"})
    digest = entry_hash({**fields, **content, "previous_hash": head_hash})
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ACTOR_NAME_LENGTH = 150
# Every field `hash` covers, `hash` aside.
HASHED_FIELDS = (
    "sequence",
    "created_at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "action",
    "request_id",
    "subject_ref",
    "counts",
    "details",
    "previous_hash",
)


def check_action(action: str) -> None:
    """ValueError unless `action` is a dotted lower-case name (`request.created`)."""
    if not ACTION_NAME.match(action):
        raise ValueError(f"an audit action is a dotted lower-case name such as request.created, not {action!r}")


def entry_content(counts: Mapping[str, int] | None, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """`counts` and `details` as they read back from a JSON column; ValueError for personal data in `details`."""
    content = {"counts": _canonical_json(counts or {}), "details": _canonical_json(details or {})}
    if EMAIL.search(json.dumps(content["details"], ensure_ascii=False)):
        raise ValueError("audit details must not hold personal data (an email address was given)")
    return content


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes that an entry's `hash` covers: the `HASHED_FIELDS` of `fields`, as sorted compact JSON."""
    content = {name: fields[name] for name in HASHED_FIELDS}
    moment = content["created_at"]
    # A time emptied or garbled in the database gives a hash that no longer matches: "modified".
    content["created_at"] = moment.isoformat(timespec="microseconds") if isinstance(moment, datetime) else str(moment)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def _canonical_json(value: Mapping[str, Any]) -> Any:
    """`value` as it will read back from a JSON column (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, sort_keys=True, ensure_ascii=False))
