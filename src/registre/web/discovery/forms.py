from django import forms
from django.utils.translation import gettext_lazy as _

from registre.core.discovery.scan import DEFAULT_ROWS


class ScanForm(forms.Form):
    rows = forms.IntegerField(label=_("Rows sampled per table"), min_value=10, max_value=100_000, initial=DEFAULT_ROWS)


class DecisionForm(forms.Form):
    finding = forms.CharField(max_length=500)
    decision = forms.ChoiceField(choices=[("accepted", _("Accept")), ("dismissed", _("Dismiss"))])
