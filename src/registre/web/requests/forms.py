"""The console's forms: the inbox's filters, manual intake, and one small form per step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.deadlines import MAX_EXTENSION_MONTHS
from registre.core.engine import identity_kinds
from registre.core.policy import Policy
from registre.web.clients.models import Client
from registre.web.requests.models import LANGUAGES, DataRequest
from registre.web.requests.plans import DIRECT_MARKETING
from registre.web.requests.workflow import CLOSED, OPEN, Channel, Kind, State

MAX_UPLOAD = 20 * 1024 * 1024
IDENTITY_LABELS = {"email": _("Email address"), "phone": _("Phone number"), "customer_number": _("Customer number")}


def identity_label(identity_type: str) -> str:
    """The label of an identity type of the policy (`customer_number` -> "Customer number")."""
    return str(IDENTITY_LABELS.get(identity_type, identity_type.replace("_", " ").capitalize()))


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", _("Open")), ("", _("All")), *State.choices],
    )
    kind = forms.ChoiceField(label=_("Right"), required=False, choices=[("", _("All")), *Kind.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=20)

    def filter(self, requests: QuerySet[DataRequest]) -> QuerySet[DataRequest]:
        """`requests` narrowed by the valid filters; open requests by default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {"state": "open"}
        state = data.get("state", "open")
        if state == "open":
            requests = requests.filter(state__in=OPEN)
        elif state:
            requests = requests.filter(state=state)
        if data.get("kind"):
            requests = requests.filter(kind=data["kind"])
        if data.get("overdue"):
            requests = requests.filter(due_on__lt=timezone.localdate()).exclude(state__in=CLOSED)
        if data.get("reference"):
            requests = requests.filter(reference__icontains=data["reference"].strip())
        return requests


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("A file is larger than 20 MB."))
        return cleaned


class IntakeForm(forms.Form):
    """A request received by email or post, typed in by staff, with the documents that came with it."""

    kind = forms.ChoiceField(label=_("Right"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(Channel.EMAIL, Channel.EMAIL.label), (Channel.POST, Channel.POST.label)]
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    email = forms.EmailField(label=_("The person's email address"), help_text=_("Where the answer is sent."))
    name = forms.CharField(label=_("The person's name"), max_length=150, required=False)
    lang = forms.ChoiceField(label=_("Language of the answer"), choices=LANGUAGES)
    client = forms.ModelChoiceField(
        label=_("Client (processor mode)"),
        queryset=Client.objects.all(),
        required=False,
        help_text=_("When the request concerns data we process for a client: it is forwarded to it."),
    )
    changes = forms.CharField(
        label=_("Rectification: one correction per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "phone = +33 6 12 34 56 78"}),
        help_text=_("field = new value"),
    )
    scope = forms.ChoiceField(
        label=_("Objection to"),
        required=False,
        choices=[(DIRECT_MARKETING, _("Direct marketing")), ("situation", _("Other processing (grounds given)"))],
    )
    directive = forms.CharField(
        label=_("Directives for after death"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    message = forms.CharField(
        label=_("What the person wrote"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("Attachments (proof of identity...)"), required=False)
    verified = forms.BooleanField(
        label=_("The person's identity is verified (e.g. by the proof attached)"),
        required=False,
        help_text=_("The request then goes straight to review, with every identifier given."),
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.identity_types = [t for t in identity_kinds(policy) if t != "email"]
        for identity_type in self.identity_types:
            self.fields[f"identity_{identity_type}"] = forms.CharField(
                label=identity_label(identity_type), required=False, max_length=200
            )

    def clean_received_on(self) -> dt.date:
        received: dt.date = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.RECTIFICATION and not self.rectified_changes():
            self.add_error("changes", _("Give at least one correction, as field = new value."))
        if cleaned.get("kind") == Kind.POST_MORTEM and not cleaned.get("directive"):
            self.add_error("directive", _("Type the person's directives."))
        return cleaned

    def rectified_changes(self) -> dict[str, str]:
        lines = (self.cleaned_data.get("changes") or "").splitlines()
        pairs = (line.partition("=") for line in lines if "=" in line)
        return {name.strip(): value.strip() for name, _eq, value in pairs if name.strip()}

    def identities(self) -> dict[str, str]:
        return {t: self.cleaned_data.get(f"identity_{t}", "") for t in self.identity_types}

    def details(self) -> dict[str, Any]:
        data, details = self.cleaned_data, {}
        if data.get("message"):
            details["message"] = data["message"]
        if data["kind"] == Kind.RECTIFICATION:
            details["changes"] = self.rectified_changes()
        if data["kind"] == Kind.OBJECTION:
            details["scope"] = data.get("scope") or DIRECT_MARKETING
        if data["kind"] == Kind.POST_MORTEM:
            details["directive"] = data["directive"]
        return details

    def received_at(self) -> dt.datetime:
        """Noon of the day received, in the local time zone (the hour does not count: Art. 3(1) of 1182/71)."""
        day: dt.date = self.cleaned_data["received_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[f"identity_{t}"] for t in self.identity_types]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (staff only)"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the person will read it"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=[(1, _("1 month")), (MAX_EXTENSION_MONTHS, _("2 months"))],
    )
    reason = forms.CharField(
        label=_("Reasons, as the person will read them"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ForwardForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.all())
    note = forms.CharField(label=_("Note (staff only)"), required=False, max_length=2000)


class InstructionForm(forms.Form):
    instruction = forms.CharField(
        label=_("The client's instruction"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    given_by = forms.CharField(label=_("Given by (name, role, email)"), max_length=300)


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label=_("Files"))
