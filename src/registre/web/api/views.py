"""Webhooks in the console: the list with each one's last delivery, create (the secret shown once), pause, delete.

The same actions as the API's (`webhooks.py`), so that the two cannot drift; `webhooks.manage` throughout.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required
from registre.web.api.models import EVENTS, Webhook
from registre.web.api.webhooks import create_webhook, delete_webhook, ping_webhook, update_webhook


class WebhookForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("URL"), max_length=500, help_text=gettext_lazy("https, public address."))
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"), widget=forms.CheckboxSelectMultiple, choices=[(e, e) for e in EVENTS]
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)


@never_cache
@action_required("webhooks.manage")
def webhooks(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None, initial={"events": list(EVENTS)[:1]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hook, secret = create_webhook(
                request.user, url=data["url"], events=data["events"], description=data["description"]
            )
        except ValueError as error:
            form.add_error("url", str(error))
        else:
            return render(request, "api/webhook_created.html", {"hook": hook, "secret": secret})
    context = {"hooks": Webhook.objects.order_by("-created_at"), "form": form}
    return render(request, "api/webhooks.html", context, status=400 if form.errors else 200)


@require_POST
@action_required("webhooks.manage")
def webhook_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk)
    update_webhook(hook, request.user, active=not hook.active)
    messages.success(request, _("The webhook is active.") if hook.active else _("The webhook is paused."))
    return redirect("webhooks:list")


@require_POST
@action_required("webhooks.manage")
def webhook_ping(request: HttpRequest, pk: int) -> HttpResponse:
    ping_webhook(get_object_or_404(Webhook, pk=pk), request.user)
    messages.success(request, _("A test event is queued; its delivery appears here once sent."))
    return redirect("webhooks:list")


@require_POST
@action_required("webhooks.manage")
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    delete_webhook(get_object_or_404(Webhook, pk=pk), request.user)
    messages.success(request, _("The webhook is deleted."))
    return redirect("webhooks:list")
