"""The policy: schema, loading with positions, checks of meaning, and diffs between versions."""

from registre.core.policy.checks import check_policy, load_policy
from registre.core.policy.diagnostics import Diagnostic, Position
from registre.core.policy.durations import Duration
from registre.core.policy.loader import LoadedPolicy, PolicyError, parse_policy, resolve_policy_path
from registre.core.policy.model import Activity, Dataset, FieldSpec, Policy, SubProcessor, System

__all__ = [
    "Activity",
    "Dataset",
    "Diagnostic",
    "Duration",
    "FieldSpec",
    "LoadedPolicy",
    "Policy",
    "PolicyError",
    "Position",
    "SubProcessor",
    "System",
    "check_policy",
    "load_policy",
    "parse_policy",
    "resolve_policy_path",
]
