from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can, scope_of
from registre.web.clients.actions import create_client
from registre.web.clients.forms import ClientForm
from registre.web.clients.models import Client


@action_required("clients.view")
def client_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, ClientForm())


@require_POST
@action_required("clients.manage")
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    data = form.cleaned_data
    client = create_client(
        data["name"], data["tenant"], data["contact_email"], language=data["language"], actor=request.user
    )
    messages.success(request, _("The client “%(name)s” is added.") % {"name": client.name})
    return redirect("clients:list")


def _render_list(request: HttpRequest, form: ClientForm, status: int = 200) -> HttpResponse:
    clients = Client.objects.all()
    scope = scope_of(request.user)
    if scope.clients is not None:
        clients = clients.filter(tenant__in=scope.clients)
    context = {"clients": clients, "form": form if can(request.user, "clients.manage") else None}
    return render(request, "clients/list.html", context, status=status)
