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
    assert "Twilio Ireland Limited" in text and "Zendesk Inc." not in text


def test_documents_refuse_a_policy_with_errors(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("registre: 1\norganisation: {name: X}\n")
    result = registre("notice", "--policy", path, "-o", "-")
    assert result.exit_code == 1
    assert "registre.yaml:2:" in result.stderr


CLIENTS = """\
clients:
  acme:
    name: Acme Fax SAS
    contact: {name: DUPONT, first_name: Anne, email: dpo@acme.example}
  bretagne:
    name: Transports de Bretagne SARL
    contact: {email: rgpd@transports-bretagne.example}
"""


def test_ropa_processor_names_each_client_of_a_declared_list_with_its_contact(
    registre, cloud_host_policy_path, tmp_path
):
    clients = tmp_path / "clients.yaml"
    clients.write_text(CLIENTS, encoding="utf-8")
    args = ("ropa", "--policy", cloud_host_policy_path, "--role", "processor", "-f", "md", "-o", "-")
    result = registre(*args, "--lang", "en", "--clients", clients)
    assert result.exit_code == 0, result.output
    terms = "New sub-processors: notice 15 days ahead, objection possible"
    assert f"| Controller 1 | Acme Fax SAS | {terms} | Anne DUPONT<br>dpo@acme.example |" in result.stdout
    assert (
        f"| Controller 2 | Transports de Bretagne SARL | {terms} | rgpd@transports-bretagne.example |" in result.stdout
    )
    assert "Customers of the messaging platform" not in result.stdout


def test_ropa_processor_gives_one_client_its_own_copy(registre, cloud_host_policy_path, tmp_path):
    clients = tmp_path / "clients.yaml"
    clients.write_text(CLIENTS, encoding="utf-8")
    args = ("ropa", "--policy", cloud_host_policy_path, "--role", "processor", "-f", "md", "-o", "-", "--lang", "en")
    result = registre(*args, "--clients", clients, "--client", "acme")
    assert result.exit_code == 0, result.output
    assert "carried out on behalf of Acme Fax SAS, and only those" in result.stdout
    assert "Transports de Bretagne" not in result.stdout
    unknown = registre(*args, "--clients", clients, "--client", "nobody")
    assert unknown.exit_code == 1 and "client 'nobody' is not in the list of clients (acme, bretagne)" in unknown.stderr


def test_a_malformed_list_of_clients_is_a_clear_error(registre, cloud_host_policy_path, tmp_path):
    clients = tmp_path / "clients.yaml"
    clients.write_text("clients:\n  acme:\n    contact: {email: not-an-email}\n", encoding="utf-8")
    result = registre(
        "ropa", "--policy", cloud_host_policy_path, "--role", "processor", "--clients", clients, "-o", tmp_path
    )
    assert result.exit_code == 1
    assert "clients.acme.name: Field required" in result.stderr
    assert "Traceback" not in result.output


def test_ropa_processor_on_a_policy_without_processor_activity_says_so(registre, field_services_policy_path, tmp_path):
    result = registre("ropa", "--policy", field_services_policy_path, "--role", "processor", "-o", tmp_path)
    assert result.exit_code == 1
    assert "the policy declares no processor activity" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_sub_processor_annex_needs_a_processor_activity(registre, field_services_policy_path):
    result = registre("subprocessors", "--policy", field_services_policy_path, "-f", "md", "-o", "-")
    assert result.exit_code == 1
    assert "no sub-processor annex" in result.stderr
