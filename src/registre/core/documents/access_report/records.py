"""The person's records of one dataset, laid out as a table a person can read.

Art. 15(3): the controller provides "a copy of the personal data undergoing
processing", and Art. 12(1) asks for an intelligible form. Each column is
named by its field's label (else its name, humanised) with the category of
data it holds; values are written as the report's language writes dates,
numbers and yes/no. Long results are cut in the report: the complete data
are in the bundle's `data.json` and CSV files, exactly as exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

from registre.core.documents.dates import format_long_date
from registre.core.documents.vocabulary import term_label, translator
from registre.core.engine import DatasetExport
from registre.core.engine.access import JsonValue, MentionExport
from registre.core.policy import Dataset, FieldSpec, Policy
from registre.core.taxonomy import Taxonomy

# Rows shown per table; a person reads a few dozen, the bundle holds them all.
MAX_ROWS = 50
_NUMBER_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_COMPACT_TYPES = ("date", "datetime", "integer", "decimal", "boolean")
# The width of a table, in characters of its cells (about the same on A4 and on a screen),
# a cell's padding, and the bounds of a text column, in characters.
_LINE = 100
_PADDING = 3
_MIN_TEXT = 8
_MAX_TEXT = 40
# A word longer than this (an IBAN, a URL) may be broken rather than widen its column.
_LONG_WORD = 18


@dataclass(frozen=True)
class Column:
    """A column of the table: the field's name, its label, the label of its data category.

    `category` is "" only for a field that holds no personal data: Art. 15(1)(b)
    asks for the categories of every datum, even where the label says the same.
    `compact` columns hold dates, numbers and references, which must not wrap.
    """

    name: str
    label: str
    category: str
    compact: bool = False


@dataclass(frozen=True)
class FoundDataset:
    """The person's rows of one dataset, formatted, at most `MAX_ROWS` of them.

    `activities` are the keys of the activities that the report describes
    for this dataset; `file` is the dataset's CSV file in the bundle.
    """

    reference: str
    title: str
    system: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int
    activities: tuple[str, ...]
    widths: tuple[int, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of the dataset's section in the HTML report."""
        return "data-" + self.reference.replace(".", "-")

    @property
    def file(self) -> str:
        return f"{self.reference}.csv"

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    @property
    def record(self) -> tuple[tuple[Column, str], ...]:
        """The only row, as (column, value) pairs: one record reads best as a list of fields."""
        return tuple(zip(self.columns, self.rows[0], strict=True)) if self.total == 1 else ()


def found_dataset(
    export: DatasetExport, activities: tuple[str, ...], policy: Policy, taxonomy: Taxonomy, lang: str
) -> FoundDataset:
    """The table of `export`: its key as the first column (the record's reference), then its fields."""
    dataset = policy.dataset(export.reference) or Dataset()
    system = policy.systems.get(export.system)
    specs = {
        exported.name: dataset.fields.get(exported.name) or FieldSpec(category=exported.category, label=exported.label)
        for exported in export.fields
    }
    # Links to other records (`references:`) mean nothing to a person; data.json and the CSV files keep them.
    names = [name for name in dict.fromkeys([export.key, *specs]) if name not in dataset.references]
    columns = tuple(_column(name, specs.get(name), export.key, taxonomy, lang) for name in names)
    rows = tuple(
        tuple(display_value(row.get(name), specs.get(name), lang) for name in names) for row in export.rows[:MAX_ROWS]
    )
    return FoundDataset(
        reference=export.reference,
        title=dataset_title(export.dataset, dataset, lang),
        system=(system.name or export.system) if system else export.system,
        columns=columns,
        rows=rows,
        total=len(export.rows),
        activities=activities,
        widths=column_widths(columns, rows),
    )


@dataclass(frozen=True)
class MentionedIn:
    """Records of someone else that name the person: where (`named_in`), and only the fields about them.

    Art. 15(4): the copy must not adversely affect the rights of others, so
    the report shows the record's reference, the column or the free text
    that names the person and the fields about them, never the rest of the
    owner's record. `free_text` says the person is named in written text.
    """

    reference: str
    title: str
    system: str
    column: str
    named_in: str
    free_text: bool
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int
    widths: tuple[int, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of the mention's section in the HTML report."""
        return "mention-" + self.reference.replace(".", "-") + "-" + self.column

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def mentioned_in(export: MentionExport, policy: Policy, taxonomy: Taxonomy, lang: str) -> MentionedIn:
    """The table of one mention (or free-text hit): the owner's record reference, then the fields about the person."""
    dataset = policy.dataset(export.reference) or Dataset()
    system = policy.systems.get(export.system)
    specs = {
        exported.name: dataset.fields.get(exported.name) or FieldSpec(category=exported.category, label=exported.label)
        for exported in export.fields
    }
    names = list(dict.fromkeys([export.key, *specs]))
    columns = tuple(_column(name, specs.get(name), export.key, taxonomy, lang) for name in names)
    rows = tuple(
        tuple(display_value(row.get(name), specs.get(name), lang) for name in names) for row in export.rows[:MAX_ROWS]
    )
    named = dataset.fields.get(export.column)
    label = humanise(named.label.get(lang)) if named is not None and named.label else humanise(export.column)
    return MentionedIn(
        reference=export.reference,
        title=dataset_title(export.dataset, dataset, lang),
        system=(system.name or export.system) if system else export.system,
        column=export.column,
        named_in=label,
        free_text=named is not None and named.free_text,
        columns=columns,
        rows=rows,
        total=len(export.rows),
        widths=column_widths(columns, rows),
    )


def column_widths(columns: tuple[Column, ...], rows: tuple[tuple[str, ...], ...]) -> tuple[int, ...]:
    """Each column's share of the table's width, in percent, from what it holds.

    1. A compact column (dates, numbers, the reference) gets the width of
       its longest word, so that no date or number is broken (a date and
       its time may go on two lines).
    2. Text columns share what is left of a line of `_LINE` characters, each
       in proportion to its typical value (its longest word at least), within
       bounds: an IBAN or an address does not squeeze the other columns.
    """
    needs, floors = [], []
    for index, column in enumerate(columns):
        values = [row[index] for row in rows]
        # Headings are bold: their letters are about a fifth wider.
        heading = max((len(word) * 6 // 5 for word in column.label.split()), default=0)
        longest_word = max([heading, *(len(word) for value in values for word in value.split())])
        floors.append(min(longest_word, _LONG_WORD) + _PADDING)
        if column.compact:
            needs.append(longest_word + _PADDING)
        else:
            typical = sorted(len(value) for value in values)[len(values) // 2] if values else 0
            needs.append(min(max(longest_word, typical, _MIN_TEXT), _MAX_TEXT) + _PADDING)
    fixed = sum(need for need, column in zip(needs, columns, strict=True) if column.compact)
    flexible = sum(need for need, column in zip(needs, columns, strict=True) if not column.compact)
    scale = max(_LINE - fixed, flexible // 2) / flexible if flexible else 1
    widths = [
        need if column.compact else max(need * scale, min(floor, _MAX_TEXT))
        for need, floor, column in zip(needs, floors, columns, strict=True)
    ]
    return tuple(round(100 * width / sum(widths)) for width in widths)


def dataset_title(name: str, dataset: Dataset, lang: str) -> str:
    """The dataset's label, else its name humanised: "Factures", "Access logs"."""
    return dataset.label.get(lang) if dataset.label else humanise(name)


def humanise(name: str) -> str:
    """A column or table name as words: "last_contact_at" -> "Last contact at"."""
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def display_value(value: JsonValue, spec: FieldSpec | None, lang: str) -> str:
    """A value as a person reads it: dates and numbers in `lang`'s way, yes or no, "—" for nothing.

    Values are JSON values from the engine (dates in ISO 8601, decimals as
    text); a value that does not parse as its declared type is shown as is.
    """
    if value is None or value == "":
        return "—"
    kind = spec.type if spec is not None else None
    if isinstance(value, bool) or kind == "boolean":
        return _yes_no(value, lang)
    try:
        if kind == "datetime":
            return _datetime(dt.datetime.fromisoformat(str(value)), lang)
        if kind == "date":
            return format_long_date(dt.date.fromisoformat(str(value)[:10]), lang)
        if kind in ("integer", "decimal") or isinstance(value, int | float):
            return _number(str(value), lang)
    except (ValueError, InvalidOperation):
        pass
    return str(value)


def _column(name: str, spec: FieldSpec | None, key: str, taxonomy: Taxonomy, lang: str) -> Column:
    _ = translator(lang)
    if name == key and (spec is None or spec.label is None):
        label = _("Reference")
    elif spec is not None and spec.label is not None:
        label = humanise(spec.label.get(lang))
    else:
        label = humanise(name)
    category = term_label(taxonomy.data_categories, spec.category, lang) if spec and spec.category else ""
    compact = name == key or (spec is not None and spec.type in _COMPACT_TYPES)
    return Column(name, label, category, compact)


def _yes_no(value: JsonValue, lang: str) -> str:
    _ = translator(lang)
    truthy = value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "t", "yes")
    return _("Yes") if truthy else _("No")


def _datetime(value: dt.datetime, lang: str) -> str:
    """ "10 mai 2025, 11:04" in French, "10 May 2025, 11:04" in English (seconds left out), as the console writes it."""
    return f"{format_long_date(value.date(), lang)}, {value:%H:%M}"


def _number(text: str, lang: str) -> str:
    """A number with the separators of `lang`, keeping its decimals: "1 234,50"."""
    number = Decimal(text)
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity
        return text
    decimals = -exponent
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return str(format_decimal(number, format=pattern, locale=_NUMBER_LOCALES.get(lang, lang)))
