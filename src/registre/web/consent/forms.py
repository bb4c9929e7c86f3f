from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.consent.models import ConsentEvent
from registre.web.languages import LANGUAGES


class PersonForm(forms.Form):
    """A person looked up by their email (posted, so that the address stays out of URLs and logs)."""

    email = forms.EmailField(label=_("Email address"))


class RecordForm(PersonForm):
    """A consent or an objection received by staff (by letter, by phone...), recorded in the console."""

    purpose = forms.ChoiceField(label=_("Purpose"))
    state = forms.ChoiceField(label=_("State"), choices=ConsentEvent.State.choices)
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    wording_version = forms.CharField(
        label=_("Wording shown"), max_length=40, required=False, help_text=_("Empty: the wording in force.")
    )
    note = forms.CharField(
        label=_("How it was received"),
        max_length=200,
        required=False,
        help_text=_("A letter, a phone call... No personal data."),
    )

    def __init__(self, *args: object, purposes: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["purpose"].choices = purposes
