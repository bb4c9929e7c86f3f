"""Transfers outside the EEA as a policy implies them, and how they change between versions.

A transfer is declared under `transfers:`, or implied by a sub-processor
whose data location is outside the EEA (Chapter V GDPR). Countries with an
adequacy decision count too: the notice must still name the transfer and the
decision it relies on (Art. 13(1)(f)).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from registre.core.policy.diff.changes import Change, Effect, compare_entries, compare_values
from registre.core.policy.model import Policy
from registre.core.taxonomy import load_taxonomy


@dataclass(frozen=True)
class OutgoingTransfer:
    """Data leaving the EEA for `recipient` in `country`, for the activities listed."""

    recipient: str
    country: str
    safeguard: str | None
    activities: tuple[str, ...]

    def to_value(self) -> dict[str, JsonValue]:
        return {
            "name": self.recipient,
            "country": self.country,
            "safeguard": self.safeguard,
            "activities": list(self.activities),
        }

    def describe(self) -> str:
        """`Zendesk Inc. in United States, safeguard: <label>`, in English."""
        taxonomy = load_taxonomy()
        country = taxonomy.countries.get(self.country)
        place = country.name("en") if country else self.country
        term = taxonomy.safeguards.get(self.safeguard or "")
        safeguard = term.label.get("en") if term else self.safeguard or "no safeguard declared"
        return f"{self.recipient} in {place}, safeguard: {safeguard}"


def outgoing_transfers(policy: Policy) -> dict[str, OutgoingTransfer]:
    """The transfers of a policy, by sub-processor key or by declared recipient.

    A country missing from the taxonomy counts as outside the EEA: better a
    transfer reported in excess than one left out of the notice.
    """
    countries = load_taxonomy().countries

    def outside_eea(code: str) -> bool:
        country = countries.get(code)
        return country is None or not country.eea

    found = {
        key: OutgoingTransfer(
            processor.name,
            processor.data_location,
            processor.safeguard,
            tuple(name for name, activity in policy.activities.items() if key in activity.processors),
        )
        for key, processor in policy.processors.items()
        if outside_eea(processor.data_location)
    }
    for transfer in policy.transfers:
        found[transfer.recipient] = OutgoingTransfer(
            transfer.recipient, transfer.country, transfer.safeguard, tuple(transfer.activities)
        )
    return found


def transfer_changes(old: Policy, new: Policy) -> list[Change]:
    """Transfers added or removed, and changes of their country, safeguard or activities."""

    def compare(key: str, before: OutgoingTransfer, after: OutgoingTransfer) -> list[Change]:
        old_value, new_value = before.to_value(), after.to_value()
        more: Effect = "wider" if set(after.activities) - set(before.activities) else "narrower"
        effects: dict[str, Effect] = {"country": "wider", "safeguard": "neutral", "activities": more}
        return [
            change
            for attribute, effect in effects.items()
            for change in compare_values(
                "transfer", key, old_value[attribute], new_value[attribute], attribute=attribute, effect=effect
            )
        ]

    transfers = (outgoing_transfers(old), outgoing_transfers(new))
    return compare_entries(
        "transfer", *transfers, lambda _key, transfer: transfer.to_value(), compare, ("wider", "narrower")
    )
