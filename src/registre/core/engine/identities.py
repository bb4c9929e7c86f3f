"""Identities as people type them: each identity type has a normalisation, applied on both sides.

A person gives `Ada@Example.org ` or `06 12 34 56 78`; the database holds
`ada@example.org` or `+33 6 12 34 56 78`. Each identity type compares
values in one normal form:

- `email`: trimmed and lower-cased;
- `casefold`: the same, for any text identity (a login, a customer code);
- `phone`: E.164 (`+33612345678`), parsed with the organisation's country as
  the default region; stored values lose their spaces, dots, dashes and
  parentheses in SQL, and are compared with the few forms the number can be
  written in without them (E.164, national with its trunk prefix, `00`
  international...), bound as parameters;
- `exact`: the value as given, trimmed.

A type declared under `identities:` has the normalisation declared; any
other gets `email` or `phone` from the field type of its columns, else
`exact`. The column side of the comparison is an SQL expression
(`lower(trim(email))`): one set-based statement per dataset still finds
every form, and an expression index serves it (`registre map --live`
prints the one each dialect needs). On MariaDB and MySQL the comparison is
binary, so that accents, case and trailing spaces mean what the
normalisation says and nothing more.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from registre.core.policy.model import Normalisation, Policy

if TYPE_CHECKING:
    import phonenumbers

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_SQL_PHONE_SEPARATORS = (" ", ".", "-", "(", ")")


def identity_normalisations(policy: Policy) -> dict[str, Normalisation]:
    """Each identity type of the policy (declared or used by a dataset) and its normalisation."""
    found: dict[str, Normalisation] = {name: spec.normalise for name, spec in policy.identities.items()}
    for _reference, _system, _name, dataset in policy.iter_datasets():
        for identity_type, column in dataset.identity.items():
            spec = dataset.fields.get(column)
            kind = spec.type if spec is not None else None
            if found.get(identity_type, "exact") == "exact" and identity_type not in policy.identities:
                found[identity_type] = "email" if kind == "email" else "phone" if kind == "phone" else "exact"
        for mention in dataset.mentions.values():
            if mention.identity is not None:
                found.setdefault(mention.identity, "exact")
    return found


def normal_form(value: str, normalisation: Normalisation, country: str) -> str:
    """The value in the normal form of its type: what a stored value must become to match."""
    value = value.strip()
    if normalisation in ("email", "casefold"):
        return value.lower()
    if normalisation == "phone":
        number = _parse_phone(value, country)
        if number is None:
            return _PHONE_SEPARATORS.sub("", value)
        import phonenumbers

        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return value


def candidate_values(value: str, normalisation: Normalisation, country: str) -> tuple[str, ...]:
    """The values that the column's SQL expression may take for a stored form of `value`, normal form first.

    One for text types; for a phone, every way of writing the number that
    differs by more than separators (`+33612345678`, `0612345678`,
    `0033612345678`, `33612345678`, `+330612345678`).
    """
    normal = normal_form(value, normalisation, country)
    if normalisation != "phone":
        return (normal,)
    number = _parse_phone(value, country)
    if number is None:
        return (normal,)
    import phonenumbers

    code = str(number.country_code)
    significant = phonenumbers.national_significant_number(number)
    national = _PHONE_SEPARATORS.sub("", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    forms = [normal, national, f"00{code}{significant}", f"{code}{significant}"]
    if national != significant and national.endswith(significant):
        forms.append(f"+{code}{national}")
    return tuple(dict.fromkeys(forms))


def column_expression(column: sa.ColumnElement[Any], normalisation: Normalisation) -> sa.ColumnElement[Any]:
    """The stored value in a form comparable to `candidate_values`, in SQL (the column itself for `exact`)."""
    if not isinstance(column.type, sa.String):
        return column
    if normalisation in ("email", "casefold"):
        return sa.func.lower(sa.func.trim(column))
    if normalisation == "phone":
        expression: sa.ColumnElement[Any] = column
        for separator in _SQL_PHONE_SEPARATORS:
            # Literal constants, not parameters: an expression index must see the same SQL.
            expression = sa.func.replace(expression, sa.literal_column(f"'{separator}'"), sa.literal_column("''"))
        return expression
    return column


def _parse_phone(value: str, country: str) -> phonenumbers.PhoneNumber | None:
    # Imported when a phone number is read: most requests name an e-mail address, and the library's
    # metadata costs more than the rest of the engine's imports.
    import phonenumbers

    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None
