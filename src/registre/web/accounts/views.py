from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registre.web.accounts.actions import (
    create_staff,
    create_token,
    deactivate_staff,
    revoke_token,
    staff_role,
    update_staff,
)
from registre.web.accounts.forms import StaffForm, StaffLoginForm, TokenForm
from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import ROLES, action_required, can, require
from registre.web.audit.actions import Actor


class StaffLoginView(LoginView):
    form_class = StaffLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.REGISTRE_OIDC_ENABLED
        context["oidc_provider"] = settings.REGISTRE_OIDC_PROVIDER_NAME
        return context


class StaffPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password.html"
    success_url = reverse_lazy("console:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


login = StaffLoginView.as_view()
logout = LogoutView.as_view()
password = StaffPasswordChangeView.as_view()


@never_cache
@action_required("tokens.create")
def tokens(request: HttpRequest) -> HttpResponse:
    """The API tokens one may see, and the form to create one; a new token is shown once, here."""
    form = TokenForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        token, raw = create_token(request.user, form.cleaned_data["name"], form.cleaned_data["actions"])
        return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    rows = ApiToken.objects.select_related("owner")
    if not can(request.user, "tokens.manage"):
        rows = rows.filter(owner=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows})


@require_POST
@action_required("tokens.create")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if token.owner_id != request.user.pk:
        require(request.user, "tokens.manage")
    revoke_token(token, request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@never_cache
@action_required("staff.view")
def staff(request: HttpRequest) -> HttpResponse:
    """The staff, and for administrators the form that creates one (the password is shown once)."""
    manage = can(request.user, "staff.manage")
    form = StaffForm(request.POST or None) if manage else None
    if request.method == "POST":
        require(request.user, "staff.manage")
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                user, password = create_staff(
                    data["email"],
                    data["role"],
                    username=data["username"] or None,
                    activities=data["activities"],
                    clients=data["clients"],
                    actor=Actor.of(request.user),
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "accounts/staff_created.html", {"member": user, "password": password})
    return render(request, "accounts/staff.html", {"rows": staff_rows(), "form": form}, status=_status(form))


def staff_rows() -> list[tuple[Any, list[str]]]:
    users = (
        get_user_model()
        .objects.prefetch_related("groups")
        .select_related("staff_scope")
        .order_by("-is_active", "username")
    )
    return [(user, sorted(g.name for g in user.groups.all() if g.name in ROLES)) for user in users]


@never_cache
@action_required("staff.manage")
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    scope = getattr(member, "staff_scope", None)
    initial = {
        "role": staff_role(member),
        "clients": scope.clients if scope else [],
        "activities": scope.activities if scope else [],
    }
    form = StaffForm(request.POST or None, initial=initial, creating=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update_staff(member, request.user, role=data["role"], activities=data["activities"], clients=data["clients"])
        messages.success(request, _("The role and scope of %(name)s are saved.") % {"name": member.get_username()})
        return redirect("accounts:staff")
    return render(request, "accounts/staff_edit.html", {"member": member, "form": form}, status=_status(form))


@require_POST
@action_required("staff.manage")
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    try:
        deactivate_staff(member, request.user)
    except ValueError:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.get_username()})
    return redirect("accounts:staff")


def _status(form: StaffForm | None) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200
