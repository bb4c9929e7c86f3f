"""The data protection impact assessment of an activity (Art. 35), as the CNIL's PIA method lays it out.

The method (CNIL, "PIA — La méthode", 2018) has four parts: the context of the processing, the fundamental
principles (necessity, proportionality, the data subjects' rights), the risks to the people's rights and
freedoms, and the validation. It studies three risks, each from its sources and threats to its potential
impacts, and rates each on two four-level scales, severity and likelihood: 1 negligible, 2 limited,
3 significant, 4 maximum. The context and the principles are read from the policy; the risks and the
validation are assessed by people, version after version, and recorded by the application.

A risk whose residual severity and likelihood both stay significant or maximum is high: if the measures
planned cannot lower it, the supervisory authority must be consulted before the processing starts
(Art. 36(1)), and its answer recorded.

    record = draft_dpia("prospecting", version=1, created_on=date(2026, 12, 2))
    record.consultation_required  # False: the draft rates every risk as limited
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

RiskKind = Literal["illegitimate_access", "unwanted_modification", "disappearance"]
RISKS: tuple[RiskKind, ...] = ("illegitimate_access", "unwanted_modification", "disappearance")
LEVELS = (1, 2, 3, 4)  # negligible, limited, significant, maximum (the CNIL's scales)
HIGH = 3  # significant: from this level on both scales, a risk is high
ValidatorRole = Literal["dpo", "controller"]
VALIDATOR_ROLES: tuple[ValidatorRole, ...] = ("dpo", "controller")
REVIEW_AFTER_DAYS = 365  # the draft proposes a yearly review (Art. 35(11): at least when the risk changes)


@dataclass(frozen=True)
class RiskAssessment:
    """One of the three risks: where it comes from, what it does, the measures, and its levels before and after.

    Empty texts stand for the method's standard wording, which the document writes in its own language.
    """

    kind: RiskKind
    severity: int = 2
    likelihood: int = 2
    residual_severity: int = 2
    residual_likelihood: int = 2
    sources: str = ""
    threats: str = ""
    impacts: str = ""
    measures: str = ""

    def __post_init__(self) -> None:
        if self.kind not in RISKS:
            raise ValueError(f"unknown risk {self.kind!r}: choose one of {', '.join(RISKS)}")
        for name in ("severity", "likelihood", "residual_severity", "residual_likelihood"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{name} must be a level from 1 to 4, not {getattr(self, name)!r}")

    @property
    def high(self) -> bool:
        """Before the planned measures: severity and likelihood both significant or maximum."""
        return self.severity >= HIGH and self.likelihood >= HIGH

    @property
    def residual_high(self) -> bool:
        """After the planned measures (what Art. 36(1) looks at)."""
        return self.residual_severity >= HIGH and self.residual_likelihood >= HIGH


@dataclass(frozen=True)
class Validation:
    """Who validated the assessment (the DPO gives an opinion, the controller decides), when, and what they said."""

    name: str
    role: ValidatorRole
    on: dt.date
    opinion: str = ""


@dataclass(frozen=True)
class Consultation:
    """The prior consultation of the supervisory authority (Art. 36): when it was sent, its reference, its answer."""

    sent_on: dt.date
    reference: str = ""
    answer: str = ""
    answered_on: dt.date | None = None


@dataclass(frozen=True)
class DpiaRecord:
    """One version of the DPIA of an activity: what people assessed; the rest is read from the policy."""

    activity: str
    version: int
    created_on: dt.date
    context: str = ""
    principles: str = ""
    risks: tuple[RiskAssessment, ...] = field(default_factory=lambda: tuple(RiskAssessment(kind) for kind in RISKS))
    validation: Validation | None = None
    review_on: dt.date | None = None
    consultation: Consultation | None = None

    def __post_init__(self) -> None:
        if tuple(risk.kind for risk in self.risks) != RISKS:
            raise ValueError("a DPIA rates the three risks, in order: " + ", ".join(RISKS))
        if self.version < 1:
            raise ValueError("versions are numbered from 1")

    @property
    def residual_high(self) -> bool:
        """True when one risk at least stays high after the planned measures."""
        return any(risk.residual_high for risk in self.risks)

    @property
    def consultation_required(self) -> bool:
        """Art. 36(1): the authority is consulted when the residual risk stays high."""
        return self.residual_high

    @property
    def validated(self) -> bool:
        return self.validation is not None

    def risk(self, kind: RiskKind) -> RiskAssessment:
        return next(risk for risk in self.risks if risk.kind == kind)


def draft_dpia(activity: str, *, version: int, created_on: dt.date, sensitive: bool = False) -> DpiaRecord:
    """A new version's draft: the standard wording, and every risk rated limited (significant severity
    when the activity processes sensitive data); a review proposed a year on. It is then assessed."""
    severity = HIGH if sensitive else 2
    risks = tuple(RiskAssessment(kind, severity=severity, residual_severity=severity) for kind in RISKS)
    review = created_on + dt.timedelta(days=REVIEW_AFTER_DAYS)
    return DpiaRecord(activity=activity, version=version, created_on=created_on, risks=risks, review_on=review)


def next_version(previous: DpiaRecord | None, activity: str, *, created_on: dt.date, sensitive: bool) -> DpiaRecord:
    """The draft of the next version: the previous version's assessment carried over, unvalidated, or a new draft.

    A review starts from what was assessed last time; its validation and consultation belong to that version.
    """
    if previous is None:
        return draft_dpia(activity, version=1, created_on=created_on, sensitive=sensitive)
    return replace(
        previous,
        version=previous.version + 1,
        created_on=created_on,
        validation=None,
        consultation=None,
        review_on=created_on + dt.timedelta(days=REVIEW_AFTER_DAYS),
    )


class DpiaError(ValueError):
    """A change a DPIA version refuses; `code` names the reason, for each interface to say in its language."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_validation(record: DpiaRecord, validation: Validation, today: dt.date) -> None:
    """Raise DpiaError when `validation` cannot close `record`.

    Codes: `already_validated` (a validated version is frozen: a review is a new version), `future_date`,
    `unknown_role`, `no_name`.
    """
    if record.validated:
        raise DpiaError("already_validated")
    if validation.on > today:
        raise DpiaError("future_date")
    if validation.role not in VALIDATOR_ROLES:
        raise DpiaError("unknown_role")
    if not validation.name.strip():
        raise DpiaError("no_name")


def check_consultation(record: DpiaRecord, consultation: Consultation, today: dt.date) -> None:
    """Raise DpiaError when `consultation` cannot be recorded on `record`.

    Codes: `not_validated` (the authority is sent the validated assessment), `not_high` (Art. 36(1): only
    a high residual risk is submitted), `future_date`, `answer_before_sent`.
    """
    if not record.validated:
        raise DpiaError("not_validated")
    if not record.consultation_required:
        raise DpiaError("not_high")
    if consultation.sent_on > today or (consultation.answered_on is not None and consultation.answered_on > today):
        raise DpiaError("future_date")
    if consultation.answered_on is not None and consultation.answered_on < consultation.sent_on:
        raise DpiaError("answer_before_sent")
