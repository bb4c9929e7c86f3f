"""Free text: the spans of personal data and secrets in a text, with their kind and category."""

from __future__ import annotations

import bisect
import functools
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
# Where hits may be: from the first start to the last start, and the end they may not pass.
_Window = tuple[int, int, int]


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
        for start, end in _matches(detector, text):
            if detector.validate(text[start:end]):
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


def gated(pattern: re.Pattern[str], first: str | None, not_after: re.Pattern[str] | None = None) -> re.Pattern[str]:
    """`pattern` behind a gate `re` can scan for quickly; the hit is group 1 of each match.

    `re` jumps from one possible start to the next in C only when a pattern
    opens with one character class; a pattern that opens with an alternation
    or a lookaround is tried at every position, which costs most of a scan.
    The gate opens with `first` (the class of a hit's first character), then
    checks `not_after` against the character before and runs `pattern` from
    that first character, inside a lookbehind: the match is that one
    character and the hit is the group. Without `first`, the pattern scans
    alone (its own prefix is fast: a literal) and `not_after` opens it.
    """
    return _gated(pattern.pattern, pattern.flags, first, not_after.pattern if not_after else None)


@functools.cache
def _gated(pattern: str, flags: int, first: str | None, not_after: str | None) -> re.Pattern[str]:
    if first is None:
        guard = f"(?<!{not_after})" if not_after else ""
        return re.compile(f"{guard}({pattern})", flags)
    guard = f"(?<!{not_after}.)" if not_after else ""
    return re.compile(f"{first}{guard}(?<=(?=({pattern})).)", flags)


def _hits(scanner: re.Pattern[str], text: str, windows: Iterable[_Window]) -> Iterator[tuple[int, int]]:
    """The spans of group 1 of `scanner`'s matches that start in the windows, none overlapping the one before.

    After a hit, the search goes on from its end, as `finditer` does; a gate's
    match is one character, so a hit found from inside the previous one (a
    gated scanner tries every start) is skipped.
    """
    end = 0
    for start, last, stop in windows:
        position = max(start, end)
        while position <= last:
            match = scanner.search(text, position, stop)
            if match is None or match.start() > last:
                break
            span = match.span(1)
            if span[0] >= end:
                end = span[1]
                yield span
            position = max(match.end(), end)


def _matches(detector: Detector, text: str) -> Iterator[tuple[int, int]]:
    """The detector's candidates: everywhere, or only in the windows around its `near` anchors.

    Anchors (context words, an `@`, a postcode) are rare, so looking for them
    first and for the pattern only near them is much cheaper than the other
    way round. A candidate with a forbidden character just before it is dropped.
    """
    if detector.near is None:
        windows: Iterable[_Window] = ((0, len(text), len(text)),)
    else:
        windows = _windows(detector, text)
    return _hits(gated(detector.pattern, detector.first, detector.not_after), text, windows)


def _windows(detector: Detector, text: str) -> Iterator[_Window]:
    """Where the detector's hits may start and end around its anchors, merged where they overlap.

    A hit that holds its anchor (`before` > 0) starts at most `before`
    characters before it and no later than the anchor; one that follows a
    context word starts after it. Both end at most `after` (and the length
    of a context hit) past the anchor.
    """
    assert detector.near is not None
    current: _Window | None = None
    anchors = ((0, len(text), len(text)),)
    for anchor_start, anchor_end in _hits(gated(detector.near, detector.near_first), text, anchors):
        stop = min(len(text), anchor_end + detector.after + _LONGEST_CONTEXT_HIT)
        if detector.before:
            window = (max(0, anchor_start - detector.before), anchor_start, stop)
        else:
            window = (anchor_end, stop, stop)
        if current is not None and window[0] <= current[1]:
            current = (current[0], max(current[1], window[1]), max(current[2], stop))
            continue
        if current is not None:
            yield current
        current = window
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
