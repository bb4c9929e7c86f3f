"""The bounded YAML reader: every tag, bad scalar and limit is a positioned error, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from registre.core.policy import check_policy
from registre.core.policy.composer import MAX_DEPTH, MAX_KEY_LENGTH, MAX_NODES
from registre.core.policy.source import read_document


def read(tmp_path: Path, text: str, name: str = "p.yaml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, {})


def only_error(document) -> tuple[str, int, int, str]:  # type: ignore[no-untyped-def]
    assert len(document.diagnostics) == 1, document.diagnostics
    found = document.diagnostics[0]
    assert found.severity == "error"
    return found.code, found.position.line, found.position.column, found.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
        ("!!binary ZZZ", "!!binary"),
        ("!custom x", "!custom"),
        ("!!int abc", "!!int"),
        ("!!timestamp x", "!!timestamp"),
        ("!!str quoted", "!!str"),
        ("!!set {a, b}", "!!set"),
    ],
)
def test_every_yaml_tag_is_refused_at_its_position(tmp_path, value, shown):
    document = read(tmp_path, f"a: 1\nb: {value}\n")
    code, line, column, message = only_error(document)
    assert (code, line, column) == ("yaml", 2, 4)
    assert shown in message


def test_every_tag_of_a_file_is_reported_not_only_the_first(tmp_path):
    document = read(tmp_path, "a: !!binary x\nb: [!x 1, !y 2]\n")
    assert [(d.position.line, d.position.column) for d in document.diagnostics] == [(1, 4), (2, 5), (2, 11)]
    assert document.data == {}


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2025-02-29 10:00:00"])
def test_an_impossible_date_is_an_error_not_an_exception(tmp_path, value):
    code, line, column, message = only_error(read(tmp_path, f"registre: 1\neffective: {value}\n"))
    assert (code, line, column) == ("invalid-value", 2, 12)
    assert value in message and "not a date" in message


def test_a_quoted_impossible_date_stays_text(tmp_path):
    assert read(tmp_path, "effective: '2026-02-30'\n").data == {"effective": "2026-02-30"}


@pytest.mark.parametrize("digits", [19, 4_301, 100_000])
def test_a_huge_integer_is_refused_before_python_parses_it(tmp_path, digits):
    code, line, column, message = only_error(read(tmp_path, f"a:\n  b: {'9' * digits}\n"))
    assert (code, line, column) == ("invalid-value", 2, 6)
    assert "too large" in message and len(message) < 100


def test_ordinary_scalars_keep_their_yaml_types(tmp_path):
    document = read(tmp_path, "a: 12\nb: 2026-01-02\nc: true\nd: ~\ne: 1.5\nf: text\ng: '12'\n")
    assert [type(value).__name__ for value in document.data.values()] == [
        "int",
        "date",
        "bool",
        "NoneType",
        "float",
        "str",
        "str",
    ]
    assert document.diagnostics == []


def test_nesting_beyond_the_limit_stops_reading_with_a_position(tmp_path):
    text = "a:\n" + "".join("  " * level + f"k{level}:\n" for level in range(1, MAX_DEPTH + 5))
    code, line, _column, message = only_error(read(tmp_path, text))
    assert code == "limit" and f"deeper than {MAX_DEPTH}" in message
    assert line == MAX_DEPTH + 1


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_flow_nesting_thousands_deep_is_an_error_not_a_recursion_error(tmp_path, depth):
    document = read(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert document.diagnostics[0].code in ("limit", "yaml")
    assert document.diagnostics[0].position.line == 1


def test_an_alias_inside_the_node_it_names_is_refused(tmp_path):
    code, line, column, message = only_error(read(tmp_path, "a: &a [*a]\n"))
    assert (code, line, column) == ("limit", 1, 8)
    assert "*a" in message


def test_an_undefined_alias_is_refused(tmp_path):
    code, line, column, _message = only_error(read(tmp_path, "a: 1\nb: *nowhere\n"))
    assert (code, line, column) == ("yaml", 2, 4)


def test_aliases_are_expanded_as_independent_copies(tmp_path):
    document = read(tmp_path, "a: &base {x: 1, y: [2]}\nb: *base\n")
    assert document.data == {"a": {"x": 1, "y": [2]}, "b": {"x": 1, "y": [2]}}
    assert document.data["a"] is not document.data["b"]
    assert document.source_map.locate(("b", "y", 0)).line == 2


def billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_stopped_by_the_value_budget(tmp_path):
    code, line, _column, message = only_error(read(tmp_path, billion_laughs()))
    assert code == "limit" and f"{MAX_NODES:,}" in message
    assert line <= 6


def test_an_alias_bomb_in_an_included_file_is_stopped_too(tmp_path):
    (tmp_path / "more.yaml").write_text(billion_laughs(), encoding="utf-8")
    document = read(tmp_path, "include: more.yaml\nregistre: 1\n")
    assert [d.code for d in document.diagnostics] == ["limit"]
    assert document.diagnostics[0].position.file.endswith("more.yaml")


def test_a_key_longer_than_the_limit_is_reported(tmp_path):
    code, line, column, _message = only_error(read(tmp_path, f"a: 1\n{'k' * (MAX_KEY_LENGTH + 1)}: 2\n"))
    assert (code, line, column) == ("limit", 2, 1)


def test_a_mapping_as_a_key_is_refused(tmp_path):
    code, line, _column, _message = only_error(read(tmp_path, "a: 1\n? {x: 1}\n: 2\n"))
    assert (code, line) == ("yaml", 2)


def test_a_duplicate_key_keeps_the_first_value_and_its_positions(tmp_path):
    document = read(tmp_path, "a: {x: 1}\nb: 2\na: {y: [1, 2]}\n")
    assert document.data == {"a": {"x": 1}, "b": 2}
    assert [d.code for d in document.diagnostics] == ["duplicate-key"]
    assert ("a", "y") not in document.source_map.keys


def test_two_documents_in_one_file_are_refused(tmp_path):
    code, line, _column, _message = only_error(read(tmp_path, "a: 1\n---\nb: 2\n"))
    assert (code, line) == ("yaml", 2)


def test_a_file_over_ten_megabytes_is_refused_without_being_parsed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a: " + b"x" * (10 * 1024 * 1024) + b"\n")
    code, line, column, message = only_error(read_document(path, {}))
    assert (code, line, column) == ("limit", 1, 1)
    assert "10 MB" in message


def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a: 1\nname: Caf\xe9\n")
    code, line, column, message = only_error(read_document(path, {}))
    assert (code, line, column) == ("io", 2, 10)
    assert "0xe9" in message


def test_a_very_long_include_name_is_an_error_not_an_os_error(tmp_path):
    document = read(tmp_path, f"registre: 1\ninclude: {'x' * 5000}\n")
    assert [d.code for d in document.diagnostics] == ["include"]
    assert document.diagnostics[0].position.line == 2


@pytest.mark.parametrize("value", ["{a: b}", "[1, [2]]", "[~]", "''"])
def test_an_include_that_is_not_a_file_name_is_reported(tmp_path, value):
    document = read(tmp_path, f"registre: 1\ninclude: {value}\n")
    assert {d.code for d in document.diagnostics} == {"include"}


def test_the_example_policies_still_read_without_a_problem():
    for path in Path("examples").glob("*/registre.yaml"):
        assert check_policy(path, {}).errors == [], path
