"""The engine: plans and executes access, erasure, rectification and restriction on the target databases.

Driven by the policy: datasets say where a subject's data is and how tables
link, activities why each piece is held and for how long. Every action
compiles to one set-based SQL statement per dataset (batched for many
subjects), run by the target database through `registre.core.sources`.

    subject = Subject.of("email=ada@example.org")
    plan = plan_request(policy, "erase", subject)       # counts and decisions, changes nothing
    result = execute_erasure(policy, subject)            # one transaction per system

Statements are built once per policy, system and shape of request, and
tables reflected once per database: after a schema migration on a target
database, call `sources.close_catalogs()` and `forget_templates()`.
"""

from registre.core.engine.access import (
    AccessResult,
    DatasetExport,
    ExportedField,
    execute_access,
    execute_access_batch,
    is_portable,
)
from registre.core.engine.anonymisation import PSEUDONYM_KEY_VARIABLE, AnonymisationError, pseudonym_of
from registre.core.engine.bundle import write_access_bundle
from registre.core.engine.changes import ChangeResult, DatasetChange, SystemChange
from registre.core.engine.erasure import DatasetErasure, ErasureResult, KeptRows, SystemErasure, execute_erasure
from registre.core.engine.holds import HoldRule, hold_rules
from registre.core.engine.plan import DatasetPlan, Decision, Plan, SystemPlan, plan_request
from registre.core.engine.rectification import RectificationError, execute_rectification, validate_changes
from registre.core.engine.request import ACTIONS, Action, Progress
from registre.core.engine.restriction import execute_restriction
from registre.core.engine.subjects import Identity, Subject, SubjectError, identity_kinds
from registre.core.engine.systems import forget_templates

__all__ = [
    "ACTIONS",
    "PSEUDONYM_KEY_VARIABLE",
    "AccessResult",
    "Action",
    "AnonymisationError",
    "ChangeResult",
    "DatasetChange",
    "DatasetErasure",
    "DatasetExport",
    "DatasetPlan",
    "Decision",
    "ErasureResult",
    "ExportedField",
    "HoldRule",
    "Identity",
    "KeptRows",
    "Plan",
    "Progress",
    "RectificationError",
    "Subject",
    "SubjectError",
    "SystemChange",
    "SystemErasure",
    "SystemPlan",
    "execute_access",
    "execute_access_batch",
    "execute_erasure",
    "execute_rectification",
    "execute_restriction",
    "forget_templates",
    "hold_rules",
    "identity_kinds",
    "is_portable",
    "plan_request",
    "pseudonym_of",
    "validate_changes",
    "write_access_bundle",
]
