"""A declared list of clients, read from a file: the controllers a processor's record names.

The file has the shape of the policy's `clients:` section, with or without
that key at the top:

    clients:
      acme:
        name: Acme SAS
        contact: {name: DUPONT, first_name: Anne, email: dpo@acme.example}
        activities: [hosted-messaging]
        agreement: {subprocessors: objection, transfers: consent}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from registre.core.policy.model import Client

_CLIENTS = TypeAdapter(dict[str, Client])


class ClientListError(ValueError):
    """The list of clients cannot be read, or a client is not declared as the format requires."""


def load_clients(path: str | Path) -> dict[str, Client]:
    """The clients declared in the YAML file at `path`, by key, in file order."""
    path = Path(path)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ClientListError(f"{path}: cannot read the list of clients ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise ClientListError(f"{path}: not valid YAML ({error})") from error
    if isinstance(data, dict) and set(data) == {"clients"}:
        data = data["clients"]
    if not isinstance(data, dict):
        raise ClientListError(f"{path}: expected a mapping of clients by key (clients: {{acme: {{name: ...}}}})")
    try:
        return _CLIENTS.validate_python(data)
    except ValidationError as error:
        problems = "; ".join(
            f"clients.{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}" for problem in error.errors()
        )
        raise ClientListError(f"{path}: {problems}") from error
