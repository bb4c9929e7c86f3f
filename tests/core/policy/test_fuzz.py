"""Mutated policies: `check` answers each one with `file:line:col` messages, never a traceback.

The suite runs 1,000 mutations (a few seconds); `REGISTRE_FUZZ_EXAMPLES=100000` runs longer.
Inputs up to 10 MB are checked each in a child process whose peak memory and processor time are measured.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registre.core.policy import check_policy

from .conftest import VALID

EXAMPLES = int(os.environ.get("REGISTRE_FUZZ_EXAMPLES", "1000"))
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: (error|warning): .+", re.DOTALL)
EXAMPLE = Path("examples/cloud-host/registre.yaml")

NASTY_VALUES = [
    "2026-02-30",
    "2026-02-29",
    "0000-01-01",
    "9999-12-31",
    "9" * 4_301,
    "-" + "9" * 30,
    "1e999",
    ".nan",
    "!!python/name:os.system",
    "!!python/object/apply:os.system [ls]",
    "!!binary ZZZ",
    "!custom x",
    "!!int abc",
    "!!timestamp x",
    "!!float",
    "&a [*a]",
    "*nowhere",
    "[" * 3_000 + "]" * 3_000,
    "{" * 500 + "}" * 500,
    "~",
    "''",
    "' '",
    "[]",
    "{}",
    "[~]",
    "[[a]]",
    "{a: ~}",
    "ZZ",
    "fr",
    "postgresql://u@h:abc/db",
    "postgresql://u@h:99999999/db",
    "sqlite:///" + "x" * 5_000,
    "${UNSET}",
    "${UNSET:-}",
    "P-3Y",
    "P",
    "P99999999999999999999Y",
    "PT1H",
    "-1",
    "0",
    "true",
    "no",
    "x" * 10_000,
    "é\u202e\u0000",
    "'unterminated",
    '"\\xZZ"',
    "{a: b",
    "a: b: c",
    "- a",
    "!!set {a}",
    "? [a]\n: b",
    "|\n  text",
    "--- second",
    "crm.contacts.missing",
    "crm",
    "a.b.c.d",
]
KEYS = ["name", "datasets", "fields", "identity", "tenant", "references", "holds", "keep", "from", "url", "include"]


def mutations() -> st.SearchStrategy[list[tuple[str, int, str]]]:
    value = st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=40))
    operation = st.one_of(
        st.tuples(st.just("value"), st.integers(0, 10_000), value),
        st.tuples(st.just("key"), st.integers(0, 10_000), st.sampled_from(KEYS)),
        st.tuples(st.just("delete"), st.integers(0, 10_000), st.just("")),
        st.tuples(st.just("duplicate"), st.integers(0, 10_000), st.just("")),
        st.tuples(st.just("insert"), st.integers(0, 10_000), value),
        st.tuples(st.just("byte"), st.integers(0, 100_000), st.characters()),
        st.tuples(st.just("cut"), st.integers(0, 100_000), st.just("")),
    )
    return st.lists(operation, min_size=1, max_size=4)


def mutate(text: str, operation: tuple[str, int, str]) -> str:
    kind, where, value = operation
    lines = text.splitlines()
    if not lines:
        return value
    index = where % len(lines)
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip())]
    if kind == "value" and ":" in line:
        lines[index] = line.partition(":")[0] + ": " + value
    elif kind == "key" and ":" in line:
        lines[index] = indent + value + ":" + line.partition(":")[2]
    elif kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "insert":
        lines.insert(index, indent + "extra: " + value)
    elif kind == "byte":
        position = where % (len(text) or 1)
        return text[:position] + value + text[position + 1 :]
    elif kind == "cut":
        return text[: where % (len(text) or 1)]
    return "\n".join(lines) + "\n"


def assert_answered(path: Path) -> None:
    loaded = check_policy(path, {})
    for diagnostic in loaded.diagnostics:
        assert DIAGNOSTIC.match(str(diagnostic)), str(diagnostic)
        assert diagnostic.position.line >= 1 and diagnostic.position.column >= 1


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(base=st.sampled_from(["small", "example"]), operations=mutations())
def test_no_mutated_policy_gives_a_traceback(tmp_path, base, operations):
    text = VALID if base == "small" else EXAMPLE.read_text(encoding="utf-8")
    for operation in operations:
        text = mutate(text, operation)
    path = tmp_path / ("registre.yaml" if base == "small" else "example.yaml")
    if base == "example":
        (tmp_path / "processors.yaml").write_text(
            (EXAMPLE.parent / "processors.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_answered(path)


# Inputs up to 10 MB: bounded memory and time ------------------------------------------------

TEN_MB = 10 * 1024 * 1024
PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from registre.core.policy import check_policy
    results = []
    for name in sys.argv[1:]:
        start = time.process_time()
        loaded = check_policy(Path(name), {})
        results.append({"file": name, "seconds": time.process_time() - start, "errors": len(loaded.errors)})
    # VmHWM is this program's own peak; ru_maxrss would keep the forking test process's size after exec.
    status = Path("/proc/self/status")
    if status.exists():
        line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        peak = int(line.split()[1]) // 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"results": results, "peak_mb": peak}))
    """
)


def big_inputs(folder: Path) -> list[Path]:
    """Up to ten megabytes each, of what costs most: many small values, long text, aliases, nesting, an include."""
    activity = (
        "  act{n}:\n    name: {{fr: Activité {n}, en: Activity {n}}}\n    purpose: Prospection {n}\n"
        "    legal_basis: consent\n    data_subjects: [client_contacts]\n    datasets: [crm.contacts]\n"
        "    security: [access_control]\n    retention: {{keep: P3Y, from: crm.contacts.last_contact_at}}\n"
    )
    many, size = [VALID], len(VALID)
    while size < TEN_MB:
        many.append(activity.format(n=len(many)))
        size += len(many[-1])
    long_text = [VALID] + [
        f"  long{n}:\n    name: Long {n}\n    purpose: '{'x' * 100_000}'\n    legal_basis: consent\n"
        f"    datasets: [crm.contacts]\n    security: [backup]\n    retention: {{keep: P1Y, after: fin}}\n"
        for n in range(95)
    ]
    laughs = "l0: &l0 [" + ", ".join(["lol"] * 10) + "]\n"
    laughs += "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 12))
    contents = {
        "many-values.yaml": "".join(many),
        "long-text.yaml": "".join(long_text),
        "flow-list.yaml": "registre: 1\nx: [" + "1," * (TEN_MB // 2 - 20) + "1]\n",
        "deep.yaml": "registre: 1\nx: " + "[" * (TEN_MB // 2 - 20) + "]" * (TEN_MB // 2 - 20) + "\n",
        "laughs.yaml": laughs + "pad: '" + "x" * (TEN_MB - len(laughs) - 20) + "'\n",
        "includes-laughs.yaml": "registre: 1\ninclude: laughs.yaml\n",
    }
    paths = []
    for name, text in contents.items():
        data = text.encode("utf-8")[:TEN_MB]
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_a_ten_megabyte_policy_is_checked_in_bounded_memory_and_time(tmp_path):
    paths = big_inputs(tmp_path)
    assert all(path.stat().st_size <= TEN_MB for path in paths)
    for path in paths:  # one process each: its peak memory is that input's
        completed = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=300, check=False
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        report = json.loads(completed.stdout)
        assert report["peak_mb"] < 300, report
        # Processor time, not wall time: the machine running the suite may be busy with other work.
        result = report["results"][0]
        assert result["seconds"] < 10, result
        assert result["errors"] > 0 or path.name == "long-text.yaml", result


@pytest.mark.parametrize("name", ["small", "example"])
def test_the_unmutated_bases_are_valid(tmp_path, name):
    if name == "small":
        path = tmp_path / "registre.yaml"
        path.write_text(VALID, encoding="utf-8")
    else:
        path = EXAMPLE
    assert check_policy(path, {}).errors == []
