"""The portal's forms: the request (its fields depend on the right and the policy), the code, the instruction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from registre.core.engine import RectificationError, identity_kinds, validate_changes
from registre.core.engine.rectification import rectifiable
from registre.core.policy import Policy
from registre.web.requests.forms import identity_label
from registre.web.requests.objections import objectionable_activities
from registre.web.requests.plans import DIRECT_MARKETING
from registre.web.requests.workflow import Kind

RECTIFIED_ROWS = 3


class RequestForm(forms.Form):
    """Who the person is, and what the right needs; built for one right (`kind`) and the policy."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a link and a code to this address to check that it is yours, then our answer."),
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False, help_text=_("Optional."))
    message = forms.CharField(
        label=_("Anything you want to add"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, kind: str, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.policy = kind, policy
        self.identity_types = [t for t in identity_kinds(policy) if t != "email"]
        for identity_type in self.identity_types:
            self.fields[f"identity_{identity_type}"] = forms.CharField(
                label=identity_label(identity_type),
                max_length=200,
                required=False,
                help_text=_("Optional: helps us find your data. Checked by our staff before use."),
            )
        builder = {
            Kind.RECTIFICATION: self._rectification_fields,
            Kind.OBJECTION: self._objection_fields,
            Kind.POST_MORTEM: self._directive_fields,
        }.get(kind)
        if builder is not None:
            builder()

    # --- Fields of some rights -----------------------------------------------------------------------------

    def _rectification_fields(self) -> None:
        choices = [("", "—"), *((name, self._field_label(name)) for name in rectifiable(self.policy))]
        for row in range(1, RECTIFIED_ROWS + 1):
            self.fields[f"field_{row}"] = forms.ChoiceField(
                label=_("Data to correct"), choices=choices, required=row == 1
            )
            self.fields[f"value_{row}"] = forms.CharField(label=_("Correct value"), max_length=500, required=False)

    def _field_label(self, name: str) -> str:
        lang = get_language() or "fr"
        for _reference, _system, _dataset_name, dataset in self.policy.iter_datasets():
            spec = dataset.fields.get(name)
            if spec is not None and spec.category and spec.label is not None:
                return spec.label.get(lang[:2])
        return name

    def _objection_fields(self) -> None:
        lang = (get_language() or "fr")[:2]
        self.fields["scope"] = forms.ChoiceField(
            label=_("What do you object to?"),
            widget=forms.RadioSelect,
            initial=DIRECT_MARKETING,
            choices=[
                (DIRECT_MARKETING, _("Direct marketing: honoured at once, no reason needed")),
                ("situation", _("Other processing based on our legitimate interests, for reasons of your own")),
            ],
        )
        self.fields["activities"] = forms.MultipleChoiceField(
            label=_("Which processing (other processing only)"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            choices=[
                (key, self.policy.activities[key].purpose.get(lang)) for key in objectionable_activities(self.policy)
            ],
        )
        self.fields["grounds"] = forms.CharField(
            label=_("Your reasons (other processing only)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def _directive_fields(self) -> None:
        self.fields["directive"] = forms.CharField(
            label=_("Your directives"),
            max_length=8000,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_("What should happen to your data after your death, and who should carry it out."),
        )

    # --- Cleaning ----------------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.kind == Kind.RECTIFICATION:
            changes = self._changes(cleaned)
            try:
                validate_changes(self.policy, changes)
            except RectificationError as error:
                raise forms.ValidationError(str(error)) from None
        if self.kind == Kind.OBJECTION and cleaned.get("scope") == "situation" and not cleaned.get("grounds"):
            self.add_error("grounds", _("Tell us your reasons: an objection to other processing needs them."))
        return cleaned

    def _changes(self, cleaned: dict[str, Any]) -> dict[str, str]:
        changes = {}
        for row in range(1, RECTIFIED_ROWS + 1):
            field, value = cleaned.get(f"field_{row}"), (cleaned.get(f"value_{row}") or "").strip()
            if field:
                changes[field] = value
        return changes

    def identities(self) -> dict[str, str]:
        return {t: self.cleaned_data.get(f"identity_{t}", "") for t in self.identity_types}

    def details(self) -> dict[str, Any]:
        """What the right needs, as `create_request(details=...)` takes it."""
        data, details = self.cleaned_data, {}
        if data.get("message"):
            details["message"] = data["message"]
        if self.kind == Kind.RECTIFICATION:
            details["changes"] = self._changes(data)
        if self.kind == Kind.OBJECTION:
            details["scope"] = data["scope"]
            if data["scope"] != DIRECT_MARKETING:
                details["activities"] = list(data.get("activities") or [])
                details["grounds"] = data.get("grounds", "")
        if self.kind == Kind.POST_MORTEM:
            details["directive"] = data["directive"]
        return details

    def rectification_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"field_{row}"], self[f"value_{row}"]) for row in range(1, RECTIFIED_ROWS + 1)]

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[f"identity_{t}"] for t in self.identity_types]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from the email"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )
