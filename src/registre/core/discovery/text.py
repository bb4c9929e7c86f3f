"""Free text: the spans of personal data and secrets in a text, with their kind and category."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from registre.core.discovery.detectors import DETECTORS, Detector
from registre.core.discovery.names import find_names

NAME_KIND = "person_name"
NAME_CATEGORY = "identification.name"
_NAME_PRIORITY = 40
# A line break ends a text for every pattern (a town ends at one), and the NUL keeps the next text apart.
_SEPARATOR = "\n\x00"
# A hit that starts in a context window may run past it by this much (the longest SIRET or date written out).
_LONGEST_CONTEXT_HIT = 40
# Where hits may be: from the first start to the last start, and the end they may not pass.
_Window = tuple[int, int, int]
# A hit before overlaps are settled: start, end, priority, order of finding, kind, category.
_Candidate = tuple[int, int, int, int, str, str]


class Span(NamedTuple):
    """A stretch of text `[start, end)` holding one kind of personal data (or a secret).

    A named tuple: texts hold thousands of them, and a tuple is made several times faster than a frozen
    dataclass.
    """

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
    return [Span(*found) for found in _spans(text, detectors, names)]


def scan_texts(texts: Sequence[str], detectors: Iterable[Detector] = DETECTORS, names: bool = True) -> list[list[Span]]:
    """`scan_text` of many texts at once, faster for short ones: each pattern runs once over all of them.

    The texts are joined with a separator no pattern can cross (a line break
    and a NUL), scanned as one, and the spans handed back to their text.
    """
    if not texts:
        return []
    starts = list(itertools.accumulate((len(text) + len(_SEPARATOR) for text in texts[:-1]), initial=0))
    spans: list[list[Span]] = [[] for _ in texts]
    for start, end, kind, category in _spans(_SEPARATOR.join(texts), detectors, names):
        index = bisect.bisect_right(starts, start) - 1
        offset = starts[index]
        spans[index].append(Span(start - offset, end - offset, kind, category))
    return spans


def _spans(text: str, detectors: Iterable[Detector], names: bool) -> list[tuple[int, int, str, str]]:
    """`scan_text`'s spans as tuples (start, end, kind, category)."""
    candidates: list[_Candidate] = []
    lowered = text.lower()
    # A character whose lower case is longer would shift the positions: then context words are found by pattern.
    folded = lowered if len(lowered) == len(text) else None
    for detector, start, end in _candidates(detectors, text, folded):
        if detector.validate(text[start:end]):
            candidates.append((start, end, detector.priority, len(candidates), detector.kind, detector.category))
    if names:
        for start, end in find_names(text):
            candidates.append((start, end, _NAME_PRIORITY, len(candidates), NAME_KIND, NAME_CATEGORY))
    return _without_overlaps(candidates)


def _candidates(detectors: Iterable[Detector], text: str, folded: str | None) -> Iterator[tuple[Detector, int, int]]:
    """Each detector's candidates; the detectors that scan the whole text with the same `first` scan it together."""
    together: dict[str, list[Detector]] = {}
    for detector in detectors:
        if detector.near is None and detector.first is not None:
            together.setdefault(detector.first, []).append(detector)
        else:
            yield from ((detector, start, end) for start, end in _matches(detector, text, folded))
    for group in together.values():
        if len(group) == 1:
            yield from ((group[0], start, end) for start, end in _matches(group[0], text, folded))
        else:
            yield from _matches_together(group, text)


def _matches_together(detectors: Sequence[Detector], text: str) -> Iterator[tuple[Detector, int, int]]:
    """`_matches` of detectors sharing their `first`, found in one pass of `re` over the text.

    At each position where a hit may start, every detector's pattern is tried
    (each in a lookahead that captures its hit, so that they may overlap);
    the position is a match when one of them matched. Each detector's hits
    then follow one another without overlapping, as in `_hits`.
    """
    scanner = _together(
        tuple((d.pattern.pattern, d.pattern.flags, d.not_after and d.not_after.pattern) for d in detectors),
        detectors[0].first or "",
    )
    names = [f"hit{index}" for index in range(len(detectors))]
    ends = [0] * len(detectors)
    found: list[list[tuple[int, int]]] = [[] for _ in detectors]
    for match in scanner.finditer(text):
        for index, name in enumerate(names):
            start, end = match.span(name)
            if start >= ends[index]:
                ends[index] = end
                found[index].append((start, end))
    for detector, spans in zip(detectors, found, strict=True):
        yield from ((detector, start, end) for start, end in spans)


@functools.cache
def _together(patterns: tuple[tuple[str, int, str | None], ...], first: str) -> re.Pattern[str]:
    """The gate `first`, then each (pattern, flags, not_after) tried in an optional lookahead; one must match."""
    flags = {flag for _pattern, flag, _not_after in patterns}
    assert len(flags) == 1, "detectors scanned together share their flags"
    tries = "".join(
        f"(?:(?={f'(?<!{not_after})' if not_after else ''}(?P<hit{index}>{pattern}))|)"
        for index, (pattern, _flags, not_after) in enumerate(patterns)
    )
    any_hit = "(?!)"
    for index in reversed(range(len(patterns))):
        any_hit = f"(?(hit{index})|{any_hit})"
    return re.compile(f"{first}(?<={tries}.){any_hit}", flags.pop())


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


def _matches(detector: Detector, text: str, folded: str | None = None) -> Iterator[tuple[int, int]]:
    """The detector's candidates: everywhere, or only in the windows around its `near` anchors.

    Anchors (context words, an `@`, a postcode) are rare, so looking for them
    first and for the pattern only near them is much cheaper than the other
    way round. A candidate with a forbidden character just before it is dropped.
    """
    if detector.near is None:
        windows: Iterable[_Window] = ((0, len(text), len(text)),)
    else:
        windows = _windows(detector, text, folded)
    return _hits(gated(detector.pattern, detector.first, detector.not_after), text, windows)


def _windows(detector: Detector, text: str, folded: str | None) -> Iterator[_Window]:
    """Where the detector's hits may start and end around its anchors, merged where they overlap.

    A hit that holds its anchor (`before` > 0) starts at most `before`
    characters before it and no later than the anchor; one that follows a
    context word starts after it. Both end at most `after` (and the length
    of a context hit) past the anchor.
    """
    current: _Window | None = None
    for anchor_start, anchor_end in _anchors(detector, text, folded):
        stop = min(len(text), anchor_end + detector.after + _LONGEST_CONTEXT_HIT)
        if detector.before:
            start = max(0, anchor_start - detector.before)
            for character in detector.breaks:
                start = max(start, text.rfind(character, start, anchor_start) + 1)
            window = (start, anchor_start, stop)
        else:
            # A context word says nothing past the end of its text (`scan_texts` joins texts with a NUL).
            boundary = text.find("\x00", anchor_end, stop)
            stop = stop if boundary < 0 else boundary
            window = (anchor_end, stop, stop)
        if current is not None and window[0] <= current[1]:
            current = (current[0], max(current[1], window[1]), max(current[2], stop))
            continue
        if current is not None:
            yield current
        current = window
    if current is not None:
        yield current


def _anchors(detector: Detector, text: str, folded: str | None) -> Iterator[tuple[int, int]]:
    """The spans of the detector's `near` matches, in order, none overlapping the one before.

    With `near_words` and the lower-cased text (`folded`, same positions), the
    words are found with `str.find`, many times faster than a pattern opening
    with a class of common letters, and `near` is checked where they are.
    """
    assert detector.near is not None
    if not detector.near_words or folded is None:
        yield from (match.span() for match in detector.near.finditer(text))
        return
    end = 0
    for position in sorted({found for word in detector.near_words for found in _occurrences(folded, word)}):
        match = detector.near.match(text, position) if position >= end else None
        if match:
            end = match.end()
            yield match.span()


def _occurrences(text: str, word: str) -> Iterator[int]:
    position = text.find(word)
    while position >= 0:
        yield position
        position = text.find(word, position + 1)


def _without_overlaps(candidates: list[_Candidate]) -> list[tuple[int, int, str, str]]:
    """The candidates kept, in order: by priority, then length, each unless it overlaps one kept before.

    Candidates that overlap nothing (most of them) are kept as they come;
    the rule runs only within each run of overlapping candidates, since a
    choice in one run cannot change another.
    """
    candidates.sort()
    kept: list[tuple[int, int, str, str]] = []
    index, count = 0, len(candidates)
    while index < count:
        start, run_end, _priority, _order, kind, category = candidates[index]
        following = index + 1
        while following < count and candidates[following][0] < run_end:
            run_end = max(run_end, candidates[following][1])
            following += 1
        if following == index + 1:
            kept.append((start, run_end, kind, category))
        else:
            kept.extend(_settled(candidates[index:following]))
        index = following
    return kept


def _settled(run: list[_Candidate]) -> list[tuple[int, int, str, str]]:
    chosen: list[_Candidate] = []
    for candidate in sorted(run, key=lambda c: (-c[2], c[0] - c[1], c[0], c[3])):
        if all(candidate[1] <= other[0] or other[1] <= candidate[0] for other in chosen):
            chosen.append(candidate)
    return [(start, end, kind, category) for start, end, _priority, _order, kind, category in sorted(chosen)]
