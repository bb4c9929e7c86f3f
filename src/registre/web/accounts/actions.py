"""Every change of state of staff accounts: staff, API tokens, login failures."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils import timezone

from registre.web.accounts.models import ApiToken, LoginFailure, StaffScope
from registre.web.accounts.permissions import ACTIONS, ROLES, Principal, can, require
from registre.web.audit.actions import Actor, record
from registre.web.vault.keys import lookup_hash

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "rgt_"
LAST_USED_PRECISION = timedelta(minutes=1)


# --- Staff -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_staff(
    email: str,
    role: str,
    *,
    username: str | None = None,
    activities: Iterable[str] = (),
    clients: Iterable[str] = (),
    actor: Actor | None = None,
) -> tuple[AbstractBaseUser, str]:
    """A new active staff member with `role` and a generated password; (user, password).

    The password is returned once, to be shown once: it is stored hashed (Argon2).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    users = get_user_model().objects
    if users.filter(username=username or email).exists():
        raise ValueError(f"a staff member named {username or email!r} already exists")
    password = secrets.token_urlsafe(18)
    user = users.create_user(username=username or email, email=email, password=password)
    user.groups.add(Group.objects.get_or_create(name=role)[0])  # made by a migration; back if deleted
    activities, clients = sorted(set(activities)), sorted(set(clients))
    if activities or clients:
        StaffScope.objects.create(user=user, activities=activities, clients=clients)
    record(actor or Actor.system(), "staff.created", details={"user_id": user.pk, "role": role})
    return user, password


def staff_role(user: AbstractBaseUser) -> str | None:
    """The role of a staff member (the first of ROLES they hold), or None."""
    held = set(user.groups.values_list("name", flat=True))
    return next((role for role in ROLES if role in held), None)


@transaction.atomic
def update_staff(
    user: AbstractBaseUser, actor: Principal, *, role: str, activities: Iterable[str] = (), clients: Iterable[str] = ()
) -> AbstractBaseUser:
    """Give `user` the one role `role` and this scope (empty lists: everything the role allows); audited."""
    require(actor, "staff.manage")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    activities, clients = sorted(set(activities)), sorted(set(clients))
    StaffScope.objects.update_or_create(user=user, defaults={"activities": activities, "clients": clients})
    details = {"user_id": user.pk, "role": role, "activities": activities, "clients": clients}
    record(actor, "staff.updated", details=details)
    return user


@transaction.atomic
def deactivate_staff(user: AbstractBaseUser, actor: Principal) -> None:
    """Close a staff member's access: no login, every API token revoked; their history stays. Audited."""
    require(actor, "staff.manage")
    if getattr(actor, "pk", None) == user.pk:
        raise ValueError("you cannot deactivate your own account")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(owner=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(actor, "staff.deactivated", details={"user_id": user.pk})


# --- API tokens ------------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(owner: AbstractBaseUser, name: str, actions: Iterable[str]) -> tuple[ApiToken, str]:
    """A new API token for `owner`, limited to `actions`; (token row, the token itself, to show once).

    Raises ValueError for an unknown action or one that the owner may not do.
    """
    actions = sorted(set(actions))
    refused = [action for action in actions if action not in ACTIONS or not can(owner, action)]
    if refused or not actions:
        raise ValueError(f"actions not allowed for this token: {', '.join(refused) or 'none given'}")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, owner=owner, actions=actions, digest=token_digest(raw), prefix=raw[: len(TOKEN_PREFIX) + 6]
    )
    record(owner, "token.created", details={"token_id": token.pk, "name": name, "actions": actions})
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, by: Principal) -> None:
    """Revoke `token` for good (idempotent); recorded in the audit log."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(by, "token.revoked", details={"token_id": token.pk, "name": token.name})


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token whose value is `raw`, or None; notes when it was used (to the minute)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("owner").filter(digest=token_digest(raw), revoked_at=None).first()
    if token is None or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def bearer_token(authorization: str | None) -> ApiToken | None:
    """The token of an `Authorization: Bearer rgt_...` header, if valid and active."""
    scheme, _, value = (authorization or "").partition(" ")
    return authenticate_token(value.strip()) if scheme.lower() == "bearer" else None


# --- Login throttling ------------------------------------------------------------------------------------


def login_key(username: str, address: str) -> str:
    return lookup_hash(f"login:{username}|{address}")


def is_locked_out(username: str, address: str) -> bool:
    """Whether `username` from `address` failed too often within the window (REGISTRE_LOGIN_*)."""
    since = timezone.now() - timedelta(seconds=settings.REGISTRE_LOGIN_WINDOW)
    failures = LoginFailure.objects.filter(key=login_key(username, address), created_at__gte=since).count()
    return failures >= settings.REGISTRE_LOGIN_FAILURES


def record_login_failure(username: str, address: str) -> None:
    """Count one failed login; failures older than the window are forgotten."""
    now = timezone.now()
    LoginFailure.objects.filter(created_at__lt=now - timedelta(seconds=settings.REGISTRE_LOGIN_WINDOW)).delete()
    LoginFailure.objects.create(key=login_key(username, address), created_at=now)
    if is_locked_out(username, address):
        logger.warning("login locked after %d failures", settings.REGISTRE_LOGIN_FAILURES)


def clear_login_failures(username: str, address: str) -> None:
    LoginFailure.objects.filter(key=login_key(username, address)).delete()
