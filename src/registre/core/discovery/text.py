"""Free text: the spans of personal data and secrets in a text, with their kind and category."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from registre.core.discovery.detectors import DETECTORS, Detector
from registre.core.discovery.names import find_names

NAME_KIND = "person_name"
NAME_CATEGORY = "identification.name"
_NAME_PRIORITY = 40


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

    1. Each detector's pattern proposes candidates; a candidate is kept when it
       passes the detector's check and, if the detector needs one, a context
       word stands in the window before it.
    2. Names come from the name lists (see `names.find_names`).
    3. Overlapping candidates: the higher priority wins (checksum kinds before
       phones, phones before names), then the longer.
    """
    candidates: list[tuple[int, int, Span]] = []
    for detector in detectors:
        for match in detector.pattern.finditer(text):
            start, end = match.span()
            if detector.context is not None and not detector.context.search(
                text, max(0, start - detector.window), start
            ):
                continue
            if detector.validate(match.group()):
                candidates.append((detector.priority, end - start, Span(start, end, detector.kind, detector.category)))
    if names:
        for start, end in find_names(text):
            candidates.append((_NAME_PRIORITY, end - start, Span(start, end, NAME_KIND, NAME_CATEGORY)))
    return _without_overlaps(candidates)


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
