"""The vocabulary of policies as data files with French and English labels.

The files under `data/` hold the CNIL register categories, data subjects, the
legal bases of Art. 6(1), the conditions of Art. 9(2), the rights, recipient
types, transfer safeguards, security measures, French retention obligations
and the countries with their EEA and adequacy status. Country names are not
stored: Babel (CLDR) provides them in every language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from registre.core.i18n import Localized
from registre.core.taxonomy.models import (
    Adequacy,
    CategoryGroup,
    CategoryKind,
    Country,
    DataCategory,
    LegalReference,
    Taxonomy,
    Term,
)

__all__ = [
    "DATA_DIR",
    "Adequacy",
    "CategoryGroup",
    "CategoryKind",
    "Country",
    "DataCategory",
    "LegalReference",
    "Taxonomy",
    "TaxonomyError",
    "Term",
    "load_taxonomy",
    "read_taxonomy",
]

DATA_DIR = Path(__file__).parent / "data"

# The files holding one mapping of terms each, by Taxonomy field.
_TERM_FILES = {
    "data_subjects": "data_subjects.yaml",
    "legal_bases": "legal_bases.yaml",
    "art9_conditions": "art9_conditions.yaml",
    "rights": "rights.yaml",
    "recipient_types": "recipient_types.yaml",
    "safeguards": "safeguards.yaml",
    "security_measures": "security_measures.yaml",
}

_Model = TypeVar("_Model", bound=BaseModel)


class TaxonomyError(Exception):
    """The taxonomy data shipped with Registre is broken (a packaging or editing mistake)."""


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's parser when PyYAML was built with it: ten times faster than the pure-Python one
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A safe YAML loader (libyaml's parser when installed) that refuses a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@cache
def load_taxonomy() -> Taxonomy:
    """The taxonomy shipped with Registre, read once from the package data."""
    return read_taxonomy(DATA_DIR)


def read_taxonomy(data_dir: Path) -> Taxonomy:
    """Read and check the taxonomy files in `data_dir` (uncached; see `load_taxonomy`).

    Every label and description must exist in French and in English, and the
    terms must be consistent (each category's group exists, country codes are
    ISO alpha-2...). Raises TaxonomyError, naming the file and the entry, when
    the data is broken.
    """

    def read(filename: str) -> dict[str, Any]:
        return _read_mapping(data_dir / filename)

    categories = read("data_categories.yaml")
    fields: dict[str, object] = {
        "category_groups": _build_entries("data_categories.yaml: groups", categories.get("groups"), CategoryGroup),
        "data_categories": _build_entries(
            "data_categories.yaml: categories", categories.get("categories"), DataCategory
        ),
        "legal_references": _build_entries("legal_references.yaml", read("legal_references.yaml"), LegalReference),
        "countries": _build_countries(read("countries.yaml")),
    }
    for field, filename in _TERM_FILES.items():
        fields[field] = _build_entries(filename, read(filename), Term)
    try:
        taxonomy = Taxonomy.model_validate(fields)
    except ValidationError as error:
        raise TaxonomyError(f"{data_dir}: inconsistent taxonomy: {_describe(error)}") from error
    _check_bilingual(taxonomy)
    return taxonomy


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as file:
            data = yaml.load(file, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise TaxonomyError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: expected a mapping at the top level")
    return data


def _build_entries(source: str, entries: object, model: type[_Model]) -> dict[str, _Model]:
    """Validate a mapping `key -> fields` into models whose `key` is the mapping key."""
    if not isinstance(entries, dict) or not entries:
        raise TaxonomyError(f"{source}: expected a non-empty mapping of entries")
    built: dict[str, _Model] = {}
    for key, entry in entries.items():
        if not isinstance(key, str):
            raise TaxonomyError(f"{source}: {key!r}: keys must be strings (quote it)")
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{source}: {key}: expected a mapping of fields")
        try:
            built[key] = model.model_validate({"key": key, **entry})
        except ValidationError as error:
            raise TaxonomyError(f"{source}: {key}: {_describe(error)}") from error
    return built


def _build_countries(data: dict[str, Any]) -> dict[str, Country]:
    """Countries from `countries.yaml`, each with its adequacy decision if it has one."""
    countries, adequacy = data.get("countries"), data.get("adequacy") or {}
    if not isinstance(countries, dict) or not isinstance(adequacy, dict):
        raise TaxonomyError("countries.yaml: expected the mappings 'countries' and 'adequacy'")
    unknown = sorted(map(str, set(adequacy) - set(countries)))
    if unknown:
        raise TaxonomyError(f"countries.yaml: adequacy for unknown countries: {', '.join(unknown)}")
    built: dict[str, Country] = {}
    for code, entry in countries.items():
        if not isinstance(code, str):
            # YAML 1.1 reads a bare NO (Norway) as false.
            raise TaxonomyError(f"countries.yaml: {code!r}: country codes must be strings (quote it)")
        try:
            decision = Adequacy.model_validate(adequacy[code]) if code in adequacy else None
            built[code] = Country.model_validate({"code": code, **(entry or {}), "adequacy": decision})
        except ValidationError as error:
            raise TaxonomyError(f"countries.yaml: {code}: {_describe(error)}") from error
        except TypeError as error:
            raise TaxonomyError(f"countries.yaml: {code}: expected a mapping of fields") from error
    return built


def _describe(error: ValidationError) -> str:
    """The problems of a validation error on one line: `field: message; ...`."""
    return "; ".join(f"{'.'.join(map(str, problem['loc'])) or 'entry'}: {problem['msg']}" for problem in error.errors())


def _check_bilingual(taxonomy: Taxonomy) -> None:
    """Every text of the shipped taxonomy must read in both languages."""
    for field in type(taxonomy).model_fields:
        for key, item in getattr(taxonomy, field).items():
            texts = [value for value in _texts_of(item) if value is not None]
            for text in texts:
                if not (text.fr and text.en):
                    raise TaxonomyError(f"{field}: {key}: {text!r} lacks French or English")


def _texts_of(item: BaseModel) -> list[Localized | None]:
    if isinstance(item, Country):
        return [item.adequacy.scope_label] if item.adequacy else []
    return [getattr(item, name, None) for name in ("label", "description")]
