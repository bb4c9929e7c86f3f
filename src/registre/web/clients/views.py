from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can, scope_of
from registre.web.clients import offboarding as steps
from registre.web.clients.actions import create_client, end_contract, update_client
from registre.web.clients.forms import ClientEditForm, ClientForm, EndContractForm
from registre.web.clients.models import Client, Offboarding
from registre.web.clients.record import CONTENT_TYPES, RecordFormat, render_processor_record
from registre.web.policy import current_policy


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


@action_required("clients.view")
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    return _render_detail(request, client, ClientEditForm(instance=client), EndContractForm())


@require_POST
@action_required("clients.manage")
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    form = ClientEditForm(request.POST, instance=Client.objects.get(pk=pk))
    if not form.is_valid():
        return _render_detail(request, client, form, EndContractForm(), status=400)
    update_client(client, request.user, **form.cleaned_data)
    messages.success(request, _("The client is saved."))
    return redirect("clients:detail", pk=client.pk)


@require_POST
@action_required("clients.manage")
def client_end_contract(request: HttpRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    form = EndContractForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, client, ClientEditForm(instance=client), form, status=400)
    try:
        offboarding = end_contract(client, request.user, contract_end=form.cleaned_data["contract_end"])
    except ValueError:
        messages.error(request, _("This contract was already ended."))
        return redirect("clients:detail", pk=client.pk)
    messages.success(request, _("The export is on its way; deletion on %(date)s.") % {"date": offboarding.deletion_due})
    return redirect("clients:detail", pk=client.pk)


@action_required("clients.view")
def client_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    offboarding = Offboarding.objects.filter(client=client).first()
    if offboarding is None or not offboarding.certificate_stored_as:
        raise Http404
    response = StreamingHttpResponse(steps.open_certificate(offboarding), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deletion-certificate-{client.tenant}.pdf"'
    return response


@action_required("clients.view")
def processor_record(request: HttpRequest) -> HttpResponse:
    """The processor record (Art. 30(2)) naming the clients of the user's scope, as PDF or XLSX."""
    clients = Client.objects.all()
    scope = scope_of(request.user)
    if scope.clients is not None:
        clients = clients.filter(tenant__in=scope.clients)
    return _record_response(request, list(clients), None, "registre-processor")


@action_required("clients.view")
def client_processor_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One client's copy of the processor record: only the activities carried out on its behalf."""
    client = visible_client(request, pk)
    return _record_response(request, [client], client, f"registre-processor-{client.tenant}")


def _record_response(request: HttpRequest, clients: list[Client], client: Client | None, name: str) -> HttpResponse:
    policy = current_policy()
    if policy is None or not policy.activities_by_role("processor"):
        raise Http404(_("The policy declares no processor activity: there is no processor record."))
    lang = request.GET.get("lang") or (client.language if client is not None else "fr")
    fmt: RecordFormat = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
    content = render_processor_record(policy, clients, lang=lang, fmt=fmt, client=client)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{"en" if lang == "en" else "fr"}.{fmt}"'
    return response


@never_cache
def client_export(request: HttpRequest, token: str) -> HttpResponse:
    offboarding = steps.find_export(token)
    if offboarding is None:
        raise Http404
    try:
        chunks = steps.open_export(offboarding)
    except FileNotFoundError:
        return render(request, "clients/expired.html", status=410)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{offboarding.client.tenant}-export.zip"'
    return response


def visible_client(request: HttpRequest, pk: int) -> Client:
    client = get_object_or_404(Client, pk=pk)
    if not can(request.user, "clients.view", client):
        raise PermissionDenied
    return client


def _render_detail(
    request: HttpRequest, client: Client, form: ClientEditForm, end_form: EndContractForm, status: int = 200
) -> HttpResponse:
    manage = can(request.user, "clients.manage")
    offboarding = Offboarding.objects.filter(client=client).first()
    context = {
        "client": client,
        "offboarding": offboarding,
        "form": form if manage else None,
        "end_form": end_form if manage and offboarding is None else None,
        "may_see_instructions": can(request.user, "instructions.view", client),
    }
    return render(request, "clients/detail.html", context, status=status)
