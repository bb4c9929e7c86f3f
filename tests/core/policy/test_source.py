from registre.core.policy.source import read_document


def test_it_keeps_the_position_of_every_key_and_value(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a:\n  b: [1, 2]\n  c: text\n", encoding="utf-8")
    document = read_document(path, {})
    assert document.data == {"a": {"b": [1, 2], "c": "text"}}
    assert (document.source_map.keys[("a", "c")].line, document.source_map.keys[("a", "c")].column) == (3, 3)
    assert document.source_map.values[("a", "b", 1)].column == 10


def test_it_locates_a_missing_path_at_its_nearest_ancestor(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a:\n  b: 1\n", encoding="utf-8")
    document = read_document(path, {})
    assert document.source_map.locate(("a", "b", "deeper")).line == 2


def test_it_replaces_environment_variables_with_defaults(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("url: ${DB:-sqlite://}\nother: x${NAME}y\n", encoding="utf-8")
    document = read_document(path, {"NAME": "1"})
    assert document.data == {"url": "sqlite://", "other": "x1y"}
    assert document.diagnostics == []


def test_environment_values_are_not_parsed_as_yaml(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("url: ${DB}\n", encoding="utf-8")
    assert read_document(path, {"DB": "a: b # c"}).data == {"url": "a: b # c"}


def test_an_empty_file_is_an_empty_policy(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("", encoding="utf-8")
    assert read_document(path, {}).data == {}


def test_a_file_that_is_not_a_mapping_is_reported(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert [d.code for d in read_document(path, {}).diagnostics] == ["type"]


def test_a_missing_file_is_reported_not_raised(tmp_path):
    assert [d.code for d in read_document(tmp_path / "nope.yaml", {}).diagnostics] == ["io"]


def test_a_binary_file_is_reported_not_raised(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert read_document(path, {}).diagnostics[0].severity == "error"


def test_included_sections_are_merged_entry_by_entry(tmp_path):
    (tmp_path / "more.yaml").write_text("processors:\n  b: {name: B}\n", encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text("include: more.yaml\nprocessors:\n  a: {name: A}\n", encoding="utf-8")
    document = read_document(path, {})
    assert document.data == {"processors": {"a": {"name": "A"}, "b": {"name": "B"}}}
    assert document.source_map.keys[("processors", "b")].file.endswith("more.yaml")


def test_an_entry_declared_in_two_files_is_reported(tmp_path):
    (tmp_path / "more.yaml").write_text("processors:\n  a: {name: B}\n", encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text("include: [more.yaml]\nprocessors:\n  a: {name: A}\n", encoding="utf-8")
    diagnostic = read_document(path, {}).diagnostics[0]
    assert diagnostic.code == "duplicate-key"
    assert "processors.a is already declared at" in diagnostic.message
