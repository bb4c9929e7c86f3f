"""Personal data breaches (Art. 33-34 GDPR): the clocks of notification, and what a breach concerns.

A breach is declared on datasets of the policy. From them the policy tells
which systems, activities, data subjects and data categories it concerns;
for processor datasets, the target database tells which client tenants have
rows in them. Controller activities start the 72-hour clock to notify the
supervisory authority (Art. 33(1)); processor activities start a clock to
notify each affected client (Art. 33(2), the DPA's own delay when the policy
declares one).

    scope = derive_scope(policy, ["platform.tenant_messages"])
    tenants = find_tenants(policy, scope)             # {"tenant-001": 1200, ...}, read on the target database
    clock = authority_clock(aware_at)                 # due 72 hours after awareness, weekends included
"""

from registre.core.breaches.clock import (
    AUTHORITY_HOURS,
    CLIENT_TARGET_HOURS,
    REMINDER_HOURS,
    Clock,
    ClockStatus,
    authority_clock,
    client_clock,
    crossed_reminders,
    require_delay_reasons,
)
from registre.core.breaches.facts import NATURES, RISKS, BreachFacts, Nature, Risk, duties
from registre.core.breaches.scope import BreachScope, derive_scope, find_tenants

__all__ = [
    "AUTHORITY_HOURS",
    "CLIENT_TARGET_HOURS",
    "NATURES",
    "REMINDER_HOURS",
    "RISKS",
    "BreachFacts",
    "BreachScope",
    "Clock",
    "ClockStatus",
    "Nature",
    "Risk",
    "authority_clock",
    "client_clock",
    "crossed_reminders",
    "derive_scope",
    "duties",
    "find_tenants",
    "require_delay_reasons",
]
