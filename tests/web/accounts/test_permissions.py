"""can(): roles, scopes and API tokens, from the one table of actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from registre.web.accounts.actions import create_token, revoke_token
from registre.web.accounts.models import StaffScope
from registre.web.accounts.permissions import (
    ACTIONS,
    ScopeKeys,
    UnknownAction,
    allowed_actions,
    can,
    require,
    roles_of,
)

pytestmark = pytest.mark.django_db


class Thing:
    """An object of some activities, for some client (as a rights request will be)."""

    def __init__(self, *activities: str, client: str | None = None) -> None:
        self.keys = ScopeKeys(frozenset(activities), client)

    def scope_keys(self) -> ScopeKeys:
        return self.keys


EXPECTED = {
    "administrator": set(ACTIONS),
    "dpo": set(ACTIONS) - {"staff.manage", "tokens.manage"},
    "agent": {
        "console.view",
        "tokens.create",
        "policy.view",
        "requests.view",
        "requests.handle",
        "requests.read_directive",
        "requests.create",
        "clients.view",
        "retention.view",
        "consent.view",
        "consent.record",
        "instructions.view",
        "instructions.record",
    },
    "auditor": {
        "console.view",
        "staff.view",
        "tokens.create",
        "audit.view",
        "audit.export",
        "jobs.view",
        "policy.view",
        "requests.view",
        "clients.view",
        "retention.view",
        "breaches.view",
        "authority.view",
        "authorised.view",
        "dpia.view",
        "instructions.view",
        "inspections.view",
        "consent.view",
        "consent.export",
        "discovery.view",
        "notices.view",
    },
}


@pytest.mark.parametrize("person", ["admin", "dpo", "agent", "auditor"])
def test_each_role_may_do_exactly_its_actions(people, person):
    role = {"admin": "administrator"}.get(person, person)
    assert set(allowed_actions(people[person])) == EXPECTED[role]


def test_only_a_dpo_or_an_administrator_approves_an_erasure(people):
    assert [name for name in people if name != "anonymous" and can(people[name], "requests.approve_erasure")] == [
        "dpo",
        "admin",
    ]


def test_nobody_without_a_role_may_do_anything(outsider):
    assert allowed_actions(outsider) == []
    assert allowed_actions(AnonymousUser()) == []


def test_a_superuser_may_do_everything(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@registre.test", "pw")
    assert allowed_actions(root) == list(ACTIONS)


def test_an_inactive_user_may_do_nothing(dpo):
    dpo.is_active = False
    assert not can(dpo, "console.view")


def test_an_unknown_action_is_an_error_not_a_refusal(dpo):
    with pytest.raises(UnknownAction):
        can(dpo, "requests.aprove_erasure")


def test_require_raises_permission_denied(agent):
    from django.core.exceptions import PermissionDenied

    require(agent, "requests.handle")
    with pytest.raises(PermissionDenied):
        require(agent, "audit.view")


def test_roles_are_read_once_per_user_object(agent, django_assert_num_queries):
    assert roles_of(agent) == {"agent"}
    with django_assert_num_queries(0):
        assert roles_of(agent) == {"agent"}


def test_a_staff_member_without_a_scope_sees_every_object(agent):
    assert can(agent, "requests.handle", Thing("prospecting", client="acme"))


def test_an_agent_limited_to_activities_sees_only_objects_of_those(agent):
    StaffScope.objects.create(user=agent, activities=["prospecting"])
    assert can(agent, "requests.handle", Thing("prospecting", "billing"))
    assert not can(agent, "requests.handle", Thing("billing"))
    assert can(agent, "requests.handle"), "without an object, the role alone answers"


def test_an_agent_limited_to_clients_sees_only_those_clients_objects(agent):
    StaffScope.objects.create(user=agent, clients=["acme"])
    assert can(agent, "requests.view", Thing("hosting", client="acme"))
    assert not can(agent, "requests.view", Thing("hosting", client="globex"))
    assert not can(agent, "requests.view", Thing("prospecting"))


def test_unscoped_actions_ignore_the_scope(auditor):
    StaffScope.objects.create(user=auditor, activities=["prospecting"])
    assert can(auditor, "audit.view", Thing("billing"))


def test_a_token_may_do_what_it_was_given_and_its_owner_still_may(dpo):
    token, _raw = create_token(dpo, "product", ["requests.view", "requests.handle"])
    assert can(token, "requests.view")
    assert not can(token, "audit.view"), "the owner may, the token was not given it"
    dpo.groups.clear()
    dpo._registre_roles = None
    assert not can(token, "requests.view"), "the owner lost the role"


def test_a_revoked_token_may_do_nothing(dpo):
    token, _raw = create_token(dpo, "product", ["requests.view"])
    revoke_token(token, dpo)
    assert not can(token, "requests.view")


def test_a_token_is_bound_by_its_owners_scope(agent):
    StaffScope.objects.create(user=agent, activities=["prospecting"])
    token, _raw = create_token(agent, "crm", ["requests.view"])
    assert can(token, "requests.view", Thing("prospecting"))
    assert not can(token, "requests.view", Thing("billing"))
