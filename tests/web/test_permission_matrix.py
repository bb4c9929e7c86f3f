"""Every URL of the application, for every named user: the status they get.

The matrix is data: one `Route` per URL name, the status for each person.
URLs are collected from the URLconf, so a URL that an app adds later fails
`test_every_url_is_in_the_matrix` until its row is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registre.web.accounts.actions import create_token
from registre.web.jobs.tasks import verify_audit_chain

PEOPLE = ("anonymous", "outsider", "agent", "auditor", "dpo", "admin")
LOGIN = 302  # anonymous people are sent to the login page
DENIED = 403


@dataclass(frozen=True)
class Route:
    """What each person gets from one URL. `kwargs` builds the URL's arguments (objects it points at)."""

    expect: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict[str, User | None]], dict[str, Any]] | None = None
    data: dict[str, str] = field(default_factory=dict)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PEOPLE, status)


def staff(allowed: set[str], ok: int = 200) -> dict[str, int]:
    """Anonymous: to the login page; the people in `allowed`: `ok`; everyone else: 403."""
    return {person: LOGIN if person == "anonymous" else ok if person in allowed else DENIED for person in PEOPLE}


ROLES = {"agent", "auditor", "dpo", "admin"}
READERS = {"auditor", "dpo", "admin"}


def a_token_of_the_admin(people: dict[str, User | None]) -> dict[str, Any]:
    admin = people["admin"]
    assert admin is not None
    token, _raw = create_token(admin, "matrix", ["console.view"])
    return {"pk": token.pk}


def a_job(people: dict[str, User | None]) -> dict[str, Any]:
    return {"pk": verify_audit_chain.enqueue().id}


MATRIX: dict[str, Route] = {
    "root": Route(everyone(302)),
    "health": Route(everyone(200)),
    "set_language": Route(everyone(302), method="post", data={"language": "en", "next": "/console/"}),
    "console:home": Route(staff(ROLES)),
    "accounts:login": Route({**everyone(302), "anonymous": 200}),
    "accounts:logout": Route(everyone(302), method="post"),
    "accounts:password": Route(staff(ROLES | {"outsider"})),
    "accounts:staff": Route(staff(READERS)),
    "accounts:tokens": Route(staff(ROLES)),
    # Revoking someone else's token needs tokens.manage: the administrator only.
    "accounts:token-revoke": Route(staff({"admin"}, ok=302), method="post", kwargs=a_token_of_the_admin),
    "audit:list": Route(staff(READERS)),
    "audit:export": Route(staff(READERS)),
    "jobs:list": Route(staff(READERS)),
    "jobs:detail": Route(staff(READERS), kwargs=a_job),
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """The name of every URL pattern, with its namespace (`audit:list`); an unnamed pattern fails."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, prefix))
        else:
            assert isinstance(pattern, URLPattern)
            assert pattern.name, f"URL pattern {pattern.pattern} has no name: the matrix cannot cover it"
            names.append(namespace + pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"add these URLs to the permission matrix: {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    assert not sorted(set(MATRIX) - set(url_names()))


@pytest.mark.parametrize("row", sorted(MATRIX.items()), ids=lambda item: item[0])
def test_every_row_says_what_every_person_gets(row):
    name, route = row
    assert set(route.expect) == set(PEOPLE), name


CASES = [(name, person) for name in sorted(MATRIX) for person in PEOPLE]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "person"), CASES, ids=[f"{name}-{person}" for name, person in CASES])
def test_each_person_gets_the_expected_status(name, person, people, client_for):
    route = MATRIX[name]
    url = reverse(name, kwargs=route.kwargs(people) if route.kwargs else None)
    response = getattr(client_for(people[person]), route.method)(url, route.data)
    assert response.status_code == route.expect[person], f"{route.method.upper()} {url} as {person}"
    if person == "anonymous" and route.expect[person] == LOGIN and name != "root":
        assert response["Location"].startswith(reverse("accounts:login")) or route.method == "post"
