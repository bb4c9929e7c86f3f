"""The layout of tabular documents, independent of the file format.

A document is laid out once (titled sections of labelled rows, contact
blocks, a summary table) and then written as XLSX, HTML, Markdown or CSV by
format-specific writers that know nothing about privacy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Cell = str | dt.date | None


@dataclass(frozen=True)
class Row:
    """A row of a section: its label (the first column), then one cell per heading."""

    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Section:
    """A titled table: a heading row (the title, then `headings`), then rows.

    With no headings, each row has one cell: a label and its value. A
    section without rows shows `empty` across its width instead ("None").
    """

    title: str
    headings: tuple[str, ...]
    rows: tuple[Row, ...]
    empty: str = ""

    @property
    def width(self) -> int:
        """The number of value columns."""
        return max(1, len(self.headings))


@dataclass(frozen=True)
class Sheet:
    """One page of a workbook or one chapter of a document: a title and sections."""

    name: str
    title: str
    reference: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Field:
    label: str
    value: Cell


@dataclass(frozen=True)
class Block:
    """A block of labelled values, such as the contact details of a person."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Table:
    """A table with grouped headings: `groups` are (title, number of columns) over `headings`."""

    groups: tuple[tuple[str, int], ...]
    headings: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Document:
    """A laid-out document: a cover (title, blocks, summary table) and its sheets."""

    lang: str
    title: str
    subtitle: str
    author: str
    date: dt.date
    date_line: str
    summary_name: str
    blocks: tuple[Block, ...]
    summary: Table
    sheets: tuple[Sheet, ...]
