from __future__ import annotations

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

from registre.web.accounts.actions import create_token, revoke_token
from registre.web.accounts.forms import StaffLoginForm, TokenForm
from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import ROLES, action_required, can, require


class StaffLoginView(LoginView):
    form_class = StaffLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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


@action_required("staff.view")
def staff(request: HttpRequest) -> HttpResponse:
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .prefetch_related("groups")
        .select_related("staff_scope")
        .order_by("username")
    )
    rows = [(user, sorted(g.name for g in user.groups.all() if g.name in ROLES)) for user in users]
    return render(request, "accounts/staff.html", {"rows": rows})
