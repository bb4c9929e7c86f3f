import io

import openpyxl


def test_ropa_writes_the_french_controller_register_as_xlsx(registre, cloud_host_policy_path, tmp_path):
    target = tmp_path / "registre.xlsx"
    result = registre("ropa", "--policy", cloud_host_policy_path, "-o", target)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(target)
    assert len(workbook.sheetnames) == 1 + 6  # the list, then one sheet per controller activity
    assert f"wrote {target}" in result.stderr


def test_ropa_writes_the_processor_record_in_english_markdown_to_stdout(registre, cloud_host_policy_path):
    result = registre(
        "ropa", "--policy", cloud_host_policy_path, "--role", "processor", "--lang", "en", "--format", "md", "-o", "-"
    )
    assert result.exit_code == 0, result.output
    assert "Customers of the messaging platform" in result.stdout


def test_ropa_into_a_folder_uses_a_default_name(registre, cloud_host_policy_path, tmp_path):
    result = registre("ropa", "--policy", cloud_host_policy_path, "--format", "csv", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "registre-controller-fr.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_binary_formats_refuse_standard_output(registre, cloud_host_policy_path):
    result = registre("ropa", "--policy", cloud_host_policy_path, "--format", "pdf", "-o", "-")
    assert result.exit_code == 2
    assert "binary" in result.stderr


def test_an_unknown_language_is_a_usage_error(registre, cloud_host_policy_path):
    result = registre("notice", "--policy", cloud_host_policy_path, "--lang", "de", "-o", "-")
    assert result.exit_code == 2
    assert "Invalid value for '--lang'" in result.stderr


def test_notice_renders_the_french_privacy_notice(registre, cloud_host_policy_path):
    result = registre("notice", "--policy", cloud_host_policy_path, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "CNIL" in result.stdout
    assert "promouvoir auprès des clients et prospects" in result.stdout


def test_subprocessors_lists_the_annex_as_xlsx(registre, cloud_host_policy_path, tmp_path):
    target = tmp_path / "annex.xlsx"
    assert registre("subprocessors", "--policy", cloud_host_policy_path, "-f", "xlsx", "-o", target).exit_code == 0
    text = " ".join(
        str(cell.value)
        for row in openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active.iter_rows()
        for cell in row
        if cell.value
    )
    assert "Zendesk Inc." in text and "Salesforce Inc." in text


def test_documents_refuse_a_policy_with_errors(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("registre: 1\norganisation: {name: X}\n")
    result = registre("notice", "--policy", path, "-o", "-")
    assert result.exit_code == 1
    assert "registre.yaml:2:" in result.stderr
