"""The one place that answers "may this user (or API token) do this action on this object?".

Roles are Django groups: `administrator`, `dpo`, `agent`, `auditor` (created by
a migration). What each role may do is the table `ACTIONS` below, in code, so
that it is reviewed like code and walked by the permission-matrix test. An
app adds its actions to this table: a dotted `noun.verb` name, the roles
allowed, and whether it is scoped.

A scoped action, checked on an object, also needs the object within the
user's scope (`StaffScope`: some activities, some clients). Such an object
implements `scope_keys()` (see `ScopeKeys`).

    can(request.user, "audit.view")                   # a bool
    require(request.user, "requests.handle", request_) # or PermissionDenied
    @action_required("audit.view")                     # a view: login, then 403 when refused
    class JobList(ActionRequiredMixin, ListView): action = "jobs.view"

An API token (`ApiToken`) is a principal too: it may do an action when it was
given that action and its owner may do it, now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.models import ApiToken

ADMINISTRATOR, DPO, AGENT, AUDITOR = "administrator", "dpo", "agent", "auditor"
ROLES = (ADMINISTRATOR, DPO, AGENT, AUDITOR)
EVERY_ROLE = frozenset(ROLES)
MANAGERS = frozenset({ADMINISTRATOR, DPO})
READERS = frozenset({ADMINISTRATOR, DPO, AUDITOR})


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    description: str | Promise
    scoped: bool = False


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("console.view", EVERY_ROLE, _("Open the staff console")),
        Action("staff.view", READERS, _("See the staff and their roles")),
        Action("staff.manage", frozenset({ADMINISTRATOR}), _("Create staff, change roles and scopes")),
        Action("tokens.create", EVERY_ROLE, _("Create and revoke one's own API tokens")),
        Action("tokens.manage", frozenset({ADMINISTRATOR}), _("See and revoke every API token")),
        Action("audit.view", READERS, _("Read the audit log")),
        Action("audit.export", READERS, _("Export the audit log")),
        Action("jobs.view", READERS, _("See background jobs, their logs and errors")),
        Action("policy.view", EVERY_ROLE, _("Read the policy and its versions")),
        Action("policy.manage", MANAGERS, _("Apply a new version of the policy")),
        Action("requests.view", EVERY_ROLE, _("See rights requests"), scoped=True),
        Action("requests.handle", frozenset({ADMINISTRATOR, DPO, AGENT}), _("Handle rights requests"), scoped=True),
        Action("requests.approve_erasure", MANAGERS, _("Approve the execution of an erasure"), scoped=True),
        Action(
            "requests.read_directive",
            frozenset({ADMINISTRATOR, DPO, AGENT}),
            _("Read a person's directives for after death"),
            scoped=True,
        ),
        Action("clients.view", EVERY_ROLE, _("See the clients (processor mode)"), scoped=True),
        Action("clients.manage", MANAGERS, _("Add clients (processor mode)")),
        Action("requests.create", frozenset({ADMINISTRATOR, DPO, AGENT}), _("File rights requests through the API")),
        Action(
            "requests.create_verified",
            MANAGERS,
            _("File rights requests whose identity the product has verified (no email check)"),
        ),
        Action("webhooks.manage", MANAGERS, _("Manage webhooks")),
        Action("retention.view", EVERY_ROLE, _("See retention sweeps, their forecast and the case holds")),
        Action("retention.sweep", MANAGERS, _("Run a retention sweep now, or compute its forecast")),
        Action("retention.hold", MANAGERS, _("Place and lift case holds")),
        Action("discovery.view", READERS, _("See the scans for undeclared personal data and their findings")),
        Action("discovery.run", MANAGERS, _("Scan the databases for personal data")),
        Action("discovery.decide", MANAGERS, _("Accept or dismiss the findings of a scan")),
        Action("breaches.view", READERS, _("Read the breach register and its documents")),
        Action("breaches.manage", MANAGERS, _("Declare breaches, assess them and record their notifications")),
        Action("authority.view", READERS, _("Read the register of authority requests"), scoped=True),
        Action(
            "authority.manage", MANAGERS, _("Record authority requests, their disclosures and notices"), scoped=True
        ),
        Action("authorised.view", READERS, _("Read the register of authorised staff")),
        Action("authorised.manage", MANAGERS, _("Designate staff, record their training, end their mission")),
        Action("dpia.view", READERS, _("Read the impact assessments and their documents")),
        Action("dpia.manage", MANAGERS, _("Create, assess and validate impact assessments; record the consultation")),
        Action("instructions.view", EVERY_ROLE, _("Read the log of client instructions"), scoped=True),
        Action(
            "instructions.record",
            frozenset({ADMINISTRATOR, DPO, AGENT}),
            _("Log a client's documented instruction"),
            scoped=True,
        ),
        Action(
            "instructions.flag",
            MANAGERS,
            _("Flag an instruction that looks unlawful, and tell the client"),
            scoped=True,
        ),
        Action("inspections.view", READERS, _("See the audits by clients and the authority"), scoped=True),
        Action(
            "inspections.manage",
            MANAGERS,
            _("Schedule audits, build and keep their package"),
            scoped=True,
        ),
        Action("consent.view", EVERY_ROLE, _("See the consent ledger and a person's consents")),
        Action("consent.record", frozenset({ADMINISTRATOR, DPO, AGENT}), _("Record consents and objections")),
        Action("consent.export", READERS, _("Export a person's proof of consent")),
        Action("consent.suppressions", MANAGERS, _("Read the suppression list (the company's mailers)")),
        Action("consent.links", MANAGERS, _("Issue unsubscribe links for mailings")),
        Action("notices.view", READERS, _("See the sub-processor notice campaigns and each client's answer")),
        Action("notices.manage", MANAGERS, _("Send sub-processor notices to the clients")),
    ]
}


class UnknownAction(KeyError):
    """An action name that is not in ACTIONS: a typo must not read as a refusal."""


@dataclass(frozen=True)
class ScopeKeys:
    """Where an object belongs: the activities it concerns and the client it was processed for."""

    activities: frozenset[str] = field(default_factory=frozenset)
    client: str | None = None


class Scoped(Protocol):
    def scope_keys(self) -> ScopeKeys: ...


@dataclass(frozen=True)
class Scope:
    """A staff member's scope; None on an axis means unrestricted."""

    activities: frozenset[str] | None = None
    clients: frozenset[str] | None = None

    def contains(self, keys: ScopeKeys) -> bool:
        """Restricted activities: the object concerns one of them. Restricted clients: it is one of theirs."""
        if self.activities is not None and not self.activities & keys.activities:
            return False
        return self.clients is None or keys.client in self.clients


Principal = AbstractBaseUser | AnonymousUser | ApiToken


def can(principal: Principal, action: str, obj: Scoped | None = None) -> bool:
    """Whether `principal` may do `action` (on `obj`, for scoped actions). Raises UnknownAction."""
    if action not in ACTIONS:
        raise UnknownAction(action)
    if isinstance(principal, ApiToken):
        return principal.allows(action) and can(principal.owner, action, obj)
    if not principal.is_authenticated or not principal.is_active:
        return False
    if getattr(principal, "is_superuser", False):
        return True
    spec = ACTIONS[action]
    if not roles_of(principal) & spec.roles:
        return False
    return obj is None or not spec.scoped or scope_of(principal).contains(obj.scope_keys())


def require(principal: Principal, action: str, obj: Scoped | None = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless `can(principal, action, obj)`."""
    if not can(principal, action, obj):
        raise PermissionDenied(action)


def allowed_actions(principal: Principal) -> list[str]:
    """The actions `principal` may do (on objects within their scope), in the order of ACTIONS."""
    return [name for name in ACTIONS if can(principal, name)]


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The Registre roles of `user` (their groups that are roles), read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_registre_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._registre_roles = cached
    return cached


def scope_of(user: AbstractBaseUser) -> Scope:
    """The scope of `user`: unrestricted unless a StaffScope row lists activities or clients."""
    try:
        row = user.staff_scope
    except ObjectDoesNotExist:
        return Scope()
    return Scope(_axis(row.activities), _axis(row.clients))


def _axis(values: Iterable[str]) -> frozenset[str] | None:
    values = frozenset(values)
    return values or None


View = TypeVar("View", bound=Callable[..., HttpResponse])


def action_required(action: str) -> Callable[[View], View]:
    """Decorate a view: anonymous users go to the login page, staff without `action` get a 403."""
    if action not in ACTIONS:
        raise UnknownAction(action)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, action)
            return view(request, *args, **kwargs)

        guarded.registre_action = action
        return guarded

    return decorate


class ActionRequiredMixin:
    """The class-based form of `action_required`: set `action` on the view."""

    action: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, self.action)
        return super().dispatch(request, *args, **kwargs)
