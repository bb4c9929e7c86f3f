"""People's names: the first-name and surname lists of Faker's French and English locales, read as data.

A name in free text is a first name followed by a surname (or a surname in
capitals), or a form of address followed by a capitalised word: a first name
alone ("Rose", "Pierre", "Grace") is too often a common word to count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from faker.providers.person.en_GB import Provider as EnglishGBNames
from faker.providers.person.en_US import Provider as EnglishUSNames
from faker.providers.person.fr_FR import Provider as FrenchNames

_LOCALES = (FrenchNames, EnglishUSNames, EnglishGBNames)
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zà-öø-ÿ"
# A capitalised word or a word in capitals, opening with their shared class: `re` skips to it quickly.
_TOKEN_REST = rf"(?:[{_LOWER}]+(?:[-'][{_UPPER}][{_LOWER}]+)*|[{_UPPER}]+(?:[-'][{_UPPER}]{{2,}})*)"
_TOKEN = rf"[{_UPPER}]{_TOKEN_REST}"
# Particles of French, Dutch and Spanish surnames: "Benjamin du Pont", "Anne de la Salle".
_PARTICLE = r"(?:de la|de l'|du|de|des|d'|van der|van|von|del|da|le|la) ?"
# A sequence starts a word: checked right after its capital, so that capitals inside words (acronyms,
# tokens, IBANs) cost little.
_SEQUENCE = re.compile(rf"[{_UPPER}](?<!\w.){_TOKEN_REST}(?: (?:{_PARTICLE})?(?:{_TOKEN}))+(?![\w])")
_ADDRESSED = re.compile(
    rf"(?:M\.|Mme|Mlle|Me|Dr|Pr|Mr|Mrs|Ms|Miss|Monsieur|Madame|Mademoiselle|Maître|Docteur)\.? "
    rf"((?:{_TOKEN})(?: (?:{_TOKEN}))?)(?![\w])"
)
_TITLES = frozenset(
    ("monsieur", "madame", "mademoiselle", "maître", "docteur", "mr", "mrs", "ms", "miss", "dr", "mme", "mlle", "me")
)


_LEADING_PARTICLE = re.compile(_PARTICLE)
_SEQUENCE_TOKEN = re.compile(rf"(?:{_PARTICLE})?\S+")


@dataclass(frozen=True)
class NameLists:
    """Lower-cased first names and surnames."""

    first: frozenset[str]
    last: frozenset[str]


@cache
def name_lists() -> NameLists:
    """The lists, read once per process from the locales' providers."""
    first: set[str] = set()
    last: set[str] = set()
    for provider in _LOCALES:
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            first.update(name.lower() for name in getattr(provider, attribute, ()))
        last.update(name.lower() for name in provider.last_names)
    return NameLists(frozenset(first), frozenset(last))


def is_first_name(token: str) -> bool:
    """Every part of a (possibly hyphenated) token is a known first name."""
    return _listed(token, name_lists().first)


def is_surname(token: str) -> bool:
    """A known surname (after its particle, if any), or a word in capitals (French usage writes the surname so)."""
    return _is_surname(token, name_lists().last)


def _listed(token: str, names: frozenset[str]) -> bool:
    lowered = token.lower()
    if "-" not in lowered:
        return lowered in names
    return all(part in names for part in lowered.split("-"))


def _is_surname(token: str, last: frozenset[str]) -> bool:
    particle = _LEADING_PARTICLE.match(token) if token[:1].islower() else None
    if particle and particle.end() < len(token):
        token = token[particle.end() :]
    return _listed(token, last) or (token.isupper() and len(token) > 1)


def find_names(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every person's name found in `text`."""
    spans = [(match.start(1), match.end(1)) for match in _ADDRESSED.finditer(text) if _starts_a_word(text, match)]
    lists = name_lists()
    for match in _SEQUENCE.finditer(text):
        sequence = match.group()
        # Every name holds a first name: a sequence whose words (and their hyphenated parts) hold none is skipped.
        if not lists.first.isdisjoint(sequence.lower().replace("-", " ").split(" ")):
            spans.extend(_names_in_sequence(sequence, match.start(), lists))
    return spans


def _starts_a_word(text: str, match: re.Match[str]) -> bool:
    """The match does not begin inside a word (checked here so the patterns can start with a class)."""
    return match.start() == 0 or not (text[match.start() - 1].isalnum() or text[match.start() - 1] == "_")


def _names_in_sequence(sequence: str, offset: int, lists: NameLists) -> list[tuple[int, int]]:
    if " d" in sequence or " l" in sequence or " v" in sequence:
        tokens = [(token.start(), token.group()) for token in _SEQUENCE_TOKEN.finditer(sequence)]
    else:
        # No particle (each starts with d, l or v): the words are the tokens, found without a pattern.
        tokens = []
        position = 0
        for word in sequence.split(" "):
            tokens.append((position, word))
            position += len(word) + 1
    spans = []
    index = 0
    while index < len(tokens) - 1:
        (start, word), (_, following) = tokens[index], tokens[index + 1]
        forward = _listed(word, lists.first) and word.lower() not in _TITLES and _is_surname(following, lists.last)
        backward = word.isupper() and len(word) > 1 and _listed(following, lists.first) and not following.isupper()
        if forward or backward:
            last = index + 1
            if (
                last + 1 < len(tokens)
                and _is_surname(tokens[last + 1][1], lists.last)
                and tokens[last + 1][1].isupper()
            ):
                last += 1
            end = tokens[last][0] + len(tokens[last][1])
            spans.append((offset + start, offset + end))
            index = last + 1
        else:
            index += 1
    return spans
