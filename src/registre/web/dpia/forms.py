from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.core.dpia import LEVELS, RISKS, RiskAssessment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
SCALES = ("severity", "likelihood", "residual_severity", "residual_likelihood")
TEXTS = ("sources", "threats", "impacts", "measures")


def level_choices() -> list[tuple[int, Any]]:
    labels = (_("1. Negligible"), _("2. Limited"), _("3. Significant"), _("4. Maximum"))
    return list(zip(LEVELS, labels, strict=True))


class AssessmentForm(forms.Form):
    """The assessed parts of a version: two texts, the review date, then for each risk its four levels and texts.

    A risk's text left empty keeps the method's standard wording, written in the document's language.
    """

    context = forms.CharField(label=_("Context (notes)"), required=False, widget=TEXT)
    principles = forms.CharField(label=_("Fundamental principles (notes)"), required=False, widget=TEXT)
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "severity": _("Severity"),
            "likelihood": _("Likelihood"),
            "residual_severity": _("Residual severity"),
            "residual_likelihood": _("Residual likelihood"),
            "sources": _("Risk sources"),
            "threats": _("Threats"),
            "impacts": _("Main impacts on the people concerned"),
            "measures": _("Measures reducing the risk"),
        }
        for kind in RISKS:
            for name in SCALES:
                self.fields[f"{kind}-{name}"] = forms.TypedChoiceField(
                    label=labels[name], choices=level_choices(), coerce=int
                )
            for name in TEXTS:
                self.fields[f"{kind}-{name}"] = forms.CharField(label=labels[name], required=False, widget=TEXT)

    def risk_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The bound fields of each risk, for the template."""
        return [(kind, [self[f"{kind}-{name}"] for name in SCALES + TEXTS]) for kind in RISKS]

    def risks(self) -> list[RiskAssessment]:
        data = self.cleaned_data
        return [
            RiskAssessment(kind, **{name: data[f"{kind}-{name}"] for name in SCALES + TEXTS})  # type: ignore[arg-type]
            for kind in RISKS
        ]

    @staticmethod
    def initial_of(risks: list[dict[str, Any]]) -> dict[str, Any]:
        return {f"{risk['kind']}-{name}": risk[name] for risk in risks for name in SCALES + TEXTS}


class ValidationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(
        label=_("Validated as"),
        choices=[("dpo", _("Data protection officer")), ("controller", _("Controller"))],
    )
    on = forms.DateField(label=_("On"), widget=DATE)
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=TEXT)


class ConsultationForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DATE)
    answer = forms.CharField(label=_("Answer of the authority"), required=False, widget=TEXT)
