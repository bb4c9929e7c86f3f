from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.clients.models import Client
from registre.web.instructions.models import Instruction

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 4})
# A forwarded request records its instruction on the request's own page.
CHANNELS = [(value, label) for value, label in Instruction.Channel.choices if value != Instruction.Channel.REQUEST]


class InstructionForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    received_at = forms.DateTimeField(label=_("Received on"), widget=WHEN, input_formats=["%Y-%m-%dT%H:%M"])
    channel = forms.ChoiceField(label=_("Received by"), choices=CHANNELS)
    given_by = forms.CharField(label=_("Given by"), max_length=200, help_text=_("Who gave it, for the client."))
    text = forms.CharField(label=_("Instruction"), widget=TEXT)
    activities = forms.MultipleChoiceField(
        label=_("Processing covered"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, clients: Any, activities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["activities"].choices = activities


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the instruction looks unlawful"),
        widget=TEXT,
        help_text=_("The client receives this reason by e-mail at once (Art. 28(3) GDPR)."),
    )
