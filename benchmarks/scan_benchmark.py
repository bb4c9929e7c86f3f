"""Benchmark: `registre scan` on a labelled corpus, side by side with Presidio's analyzer in regex-only mode.

1. Build the corpus (`scan_corpus.py`, fixed seed): a SQLite database of 10
   tables x 20 columns x 100,000 rows (opaque, French and English column
   names, decoys) and 2,000 short FR/EN texts with gold spans.
2. Columns: run `registre scan --url ... --format json` as a whole process;
   score precision, recall and F1 per type and for columns (is it personal
   data; and is it the right kind), with the process's time and peak memory.
3. Text: scan the 2,000 texts in one process (`scan_texts`), several passes;
   throughput in MB per CPU second (one core, so a busy machine does not
   lower it) and precision, recall and F1 per type (a hit is a span of
   the right kind overlapping a gold span).
4. With `--presidio`: the same with Presidio's `AnalyzerEngine` restricted to
   its pattern recognizers (no NLP model: nothing is downloaded), installed
   in its own virtual environment (`--presidio-venv`, created on first use;
   never a dependency of Registre). Columns are judged like ours: the kind
   found in at least half of the first 1,000 values.

    .venv/bin/python benchmarks/scan_benchmark.py [--rows 100000] [--presidio]
    .venv/bin/python benchmarks/scan_benchmark.py --text-only [--texts 2000] [--passes 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import scan_corpus

from registre.core.discovery import scan_texts

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/registre-scan-bench")
# Presidio's entity types, in our kinds' names (the types it has at all).
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "CREDIT_CARD": "payment_card",
    "IP_ADDRESS": "ip",
    "US_SSN": "nir",
    "DATE_TIME": "birth_date",
    "PERSON": "person_name",
    "URL": None,
}


def score(pairs: Counter[tuple[str, str]], kinds: set[str]) -> dict[str, tuple[float, float, float, int]]:
    """Per kind: precision, recall, F1 and support, from counts of (outcome, kind)."""
    table = {}
    for kind in sorted(kinds):
        tp, fp, fn = pairs[("tp", kind)], pairs[("fp", kind)], pairs[("fn", kind)]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[kind] = (precision, recall, f1, tp + fn)
    return table


def _ip(kind: str | None) -> str | None:
    return "ip" if kind in ("ipv4", "ipv6") else kind


def score_columns(gold: dict[str, dict[str, str | None]], predicted: dict[tuple[str, str], str | None]):
    detection: Counter[tuple[str, str]] = Counter()
    typed: Counter[tuple[str, str]] = Counter()
    for table, columns in gold.items():
        for column, truth in columns.items():
            guess = predicted.get((table, column))
            truth, guess = _ip(truth), _ip(guess)
            if truth and guess:
                detection[("tp", "columns")] += 1
            elif guess:
                detection[("fp", "columns")] += 1
            elif truth:
                detection[("fn", "columns")] += 1
            if truth and guess == truth:
                typed[("tp", truth)] += 1
            else:
                if guess:
                    typed[("fp", guess)] += 1
                if truth:
                    typed[("fn", truth)] += 1
    kinds = {kind for _, kind in typed}
    return score(detection, {"columns"})["columns"], score(typed, kinds)


def score_spans(texts, predictions) -> dict[str, tuple[float, float, float, int]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for (_text, gold), found in zip(texts, predictions, strict=True):
        gold = [(start, end, _ip(kind)) for start, end, kind in gold]
        found = [(start, end, _ip(kind)) for start, end, kind in found if kind]
        matched = set()
        for start, end, kind in found:
            hit = next(
                (i for i, (s, e, k) in enumerate(gold) if k == kind and s < end and start < e and i not in matched),
                None,
            )
            if hit is None:
                pairs[("fp", kind)] += 1
            else:
                matched.add(hit)
                pairs[("tp", kind)] += 1
        for i, (_s, _e, kind) in enumerate(gold):
            if i not in matched:
                pairs[("fn", kind)] += 1
    return score(pairs, {kind for _, kind in pairs})


def run_registre_columns(database: Path, rows: int) -> tuple[dict[tuple[str, str], str | None], float, float]:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [str(ROOT / ".venv/bin/registre"), "scan", "--url", f"sqlite:///{database}", "--rows", str(rows), "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    report = json.loads(result.stdout)
    predicted = {(c["table"], c["column"]): (c["kind"] if c["personal"] else None) for c in report["columns"]}
    return predicted, seconds, peak


def run_registre_texts(texts, passes: int) -> tuple[list[list[tuple[int, int, str]]], float]:
    """Spans of every text, and the CPU seconds of one pass (one core: the process runs on one thread)."""
    started = time.process_time()
    for _ in range(passes):
        found = scan_texts([text for text, _ in texts])
    seconds = (time.process_time() - started) / passes
    return [[(span.start, span.end, span.kind) for span in spans] for spans in found], seconds


def run_presidio(venv: Path, database: Path, texts, rows: int, again: bool) -> dict[str, object]:
    """Presidio's predictions and times; kept beside the corpus, since a run takes most of an hour."""
    kept = database.with_suffix(f".presidio-{rows}.json")
    if kept.exists() and not again:
        return json.loads(kept.read_text())
    if not (venv / "bin/python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "--quiet", "presidio-analyzer"], check=True)
    payload = WORK / "texts.json"
    payload.write_text(json.dumps([text for text, _ in texts]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [
            str(venv / "bin/python"),
            str(Path(__file__).with_name("presidio_reference.py")),
            str(database),
            str(payload),
            str(rows),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    output = json.loads(result.stdout)
    output["peak_mb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    kept.write_text(json.dumps(output))
    return output


def print_table(title: str, ours: dict, theirs: dict | None) -> None:
    print(f"\n{title}")
    print(f"{'type':<16}{'support':>8}  {'registre P / R / F1':>22}  {'presidio P / R / F1':>22}")
    for kind in sorted(set(ours) | set(theirs or {})):
        mine = ours.get(kind)
        other = (theirs or {}).get(kind)
        cell = lambda v: f"{v[0]:.3f} / {v[1]:.3f} / {v[2]:.3f}" if v and v[1] else "- / 0.000 / -"  # noqa: E731
        support = (mine or other)[3]
        print(f"{kind:<16}{support:>8}  {cell(mine):>22}  {cell(other) if theirs is not None else 'not run':>22}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=1000, help="rows sampled per table")
    parser.add_argument("--passes", type=int, default=5, help="passes over the texts for the throughput")
    parser.add_argument("--text-only", action="store_true", help="only the text part (no database, no columns)")
    parser.add_argument("--presidio", action="store_true", help="also run Presidio (regex-only) as the reference")
    parser.add_argument("--presidio-venv", type=Path, default=WORK / "presidio-venv")
    parser.add_argument("--presidio-again", action="store_true", help="run Presidio again instead of its kept result")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.text_only:
        texts = scan_corpus.build_texts(args.texts)
        found, per_pass = run_registre_texts(texts, args.passes)
        megabytes = sum(len(text.encode()) for text, _ in texts) / 1e6
        print(f"text: {megabytes:.2f} MB, registre {megabytes / per_pass:.2f} MB/s on one core")
        print_table("text spans by type", score_spans(texts, found), None)
        return
    database = WORK / f"corpus-{args.tables}x{args.columns}x{args.rows}.sqlite"
    started = time.perf_counter()
    gold = scan_corpus.build_database(database, args.tables, args.columns, args.rows)
    texts = scan_corpus.build_texts(args.texts)
    print(f"corpus: {database} ({time.perf_counter() - started:.1f} s), {len(texts)} texts")

    predicted, seconds, peak = run_registre_columns(database, args.sample)
    detection, typed = score_columns(gold, predicted)
    found, per_pass = run_registre_texts(texts, args.passes)
    megabytes = sum(len(text.encode()) for text, _ in texts) / 1e6
    spans = score_spans(texts, found)

    presidio = (
        run_presidio(args.presidio_venv, database, texts, args.sample, args.presidio_again) if args.presidio else None
    )
    their_detection = their_typed = their_spans = None
    if presidio:
        their_columns = {(t, c): PRESIDIO_KINDS.get(k) if k else None for t, c, k in presidio["columns"]}
        their_detection, their_typed = score_columns(gold, their_columns)
        their_spans = score_spans(texts, [[(s, e, PRESIDIO_KINDS.get(k)) for s, e, k in f] for f in presidio["spans"]])

    print("\ncolumns (is it personal data)")
    print(f"  registre: P {detection[0]:.3f}  R {detection[1]:.3f}  F1 {detection[2]:.3f}  "
          f"in {seconds:.2f} s (whole process), peak {peak:.0f} MB")  # fmt: skip
    if presidio:
        print(f"  presidio: P {their_detection[0]:.3f}  R {their_detection[1]:.3f}  F1 {their_detection[2]:.3f}  "
              f"in {presidio['columns_seconds']:.2f} s (whole process {presidio['process_seconds']:.2f} s), "
              f"peak {presidio['peak_mb']:.0f} MB")  # fmt: skip
    print_table("columns by type (right kind)", typed, their_typed)
    print(f"\ntext: {megabytes:.2f} MB, registre {megabytes / per_pass:.2f} MB/s on one core", end="")
    if presidio:
        print(f", presidio {megabytes / presidio['text_seconds']:.3f} MB/s", end="")
    print()
    print_table("text spans by type", spans, their_spans)


if __name__ == "__main__":
    main()
