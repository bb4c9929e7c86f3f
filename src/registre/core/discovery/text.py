"""Free text: the spans of personal data and secrets in a text, with their kind and category."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from registre.core.discovery.detectors import DETECTORS, Detector
from registre.core.discovery.names import find_names

NAME_KIND = "person_name"
NAME_CATEGORY = "identification.name"
_NAME_PRIORITY = 40
_SEPARATOR = "\x00\n"
# A hit that starts in a context window may run past it by this much (the longest SIRET or date written out).
_LONGEST_CONTEXT_HIT = 40


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of text `[start, end)` holding one kind of personal data (or a secret)."""

    start: int
    end: int
    kind: str
    category: str

    def of(self, text: str) -> str:
        """The spanned characters of `text`."""
        return text[self.start : self.end]


def scan_text(text: str, detectors: Iterable[Detector] = DETECTORS, names: bool = True) -> list[Span]:
    """Every span of personal data in `text`, in order, without overlaps.

    1. Each detector's pattern proposes candidates (near its anchors, if it
       has some: a context word, an `@`, a postcode); a candidate is kept when
       it passes the detector's check.
    2. Names come from the name lists (see `names.find_names`).
    3. Overlapping candidates: the higher priority wins (checksum kinds before
       phones, phones before names), then the longer.
    """
    candidates: list[tuple[int, int, Span]] = []
    for detector in detectors:
        for match in _matches(detector, text):
            start, end = match.span()
            if detector.validate(match.group()):
                candidates.append((detector.priority, end - start, Span(start, end, detector.kind, detector.category)))
    if names:
        for start, end in find_names(text):
            candidates.append((_NAME_PRIORITY, end - start, Span(start, end, NAME_KIND, NAME_CATEGORY)))
    return _without_overlaps(candidates)


def scan_texts(texts: Sequence[str], detectors: Iterable[Detector] = DETECTORS, names: bool = True) -> list[list[Span]]:
    """`scan_text` of many texts at once, faster for short ones: each pattern runs once over all of them.

    The texts are joined with a separator no pattern can cross (a NUL and a
    line break), scanned as one, and the spans handed back to their text.
    """
    if not texts:
        return []
    starts = list(itertools.accumulate((len(text) + len(_SEPARATOR) for text in texts[:-1]), initial=0))
    spans: list[list[Span]] = [[] for _ in texts]
    for span in scan_text(_SEPARATOR.join(texts), detectors, names):
        index = bisect.bisect_right(starts, span.start) - 1
        offset = starts[index]
        spans[index].append(Span(span.start - offset, span.end - offset, span.kind, span.category))
    return spans


def _matches(detector: Detector, text: str) -> Iterator[re.Match[str]]:
    """The detector's candidates: everywhere, or only in the windows around its `near` anchors.

    Anchors (context words, an `@`, a postcode) are rare, so looking for them
    first and for the pattern only near them is much cheaper than the other
    way round. A candidate with a forbidden character just before it is dropped.
    """
    if detector.near is None:
        windows: Iterable[tuple[int, int]] = ((0, len(text)),)
    else:
        windows = _windows(detector, text)
    for start, stop in windows:
        for match in detector.pattern.finditer(text, start, stop):
            position = match.start()
            if position and detector.not_after is not None and detector.not_after.match(text, position - 1):
                continue
            yield match


def _windows(detector: Detector, text: str) -> Iterator[tuple[int, int]]:
    """The stretches of text around the detector's anchors, merged where they overlap."""
    assert detector.near is not None
    current: tuple[int, int] | None = None
    for anchor in detector.near.finditer(text):
        start = max(0, anchor.start() - detector.before) if detector.before else anchor.end()
        stop = min(len(text), anchor.end() + detector.after + _LONGEST_CONTEXT_HIT)
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], stop))
            continue
        if current is not None:
            yield current
        current = (start, stop)
    if current is not None:
        yield current


def _without_overlaps(candidates: list[tuple[int, int, Span]]) -> list[Span]:
    candidates.sort(key=lambda candidate: (-candidate[0], -candidate[1], candidate[2].start))
    starts: list[int] = []
    kept: list[Span] = []
    for _priority, _length, span in candidates:
        position = bisect.bisect_left(starts, span.start)
        before = kept[position - 1] if position else None
        after = kept[position] if position < len(kept) else None
        if (before and before.end > span.start) or (after and after.start < span.end):
            continue
        starts.insert(position, span.start)
        kept.insert(position, span)
    return kept
