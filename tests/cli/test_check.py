import json


def test_check_passes_the_example_strictly(registre, cloud_host_policy_path):
    result = registre("check", "--strict", "--policy", cloud_host_policy_path)
    assert result.exit_code == 0, result.output
    assert "ok" in result.stderr


def test_check_prints_file_line_column_and_exits_1_on_errors(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("registre: 1\norganisation:\n  name: X\n  contacts: {requests: {email: a@b.fr}}\n  colour: red\n")
    result = registre("check", "--policy", path)
    assert result.exit_code == 1
    assert "registre.yaml:5:3: error: unknown key 'colour' in organisation" in result.stderr


def test_check_reads_the_policy_from_the_environment(registre, cloud_host_policy_path):
    result = registre("check", env={"REGISTRE_POLICY": str(cloud_host_policy_path)})
    assert result.exit_code == 0, result.output


def test_warnings_pass_unless_strict(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(
        "registre: 1\norganisation:\n  name: X\n  contacts: {requests: {email: a@b.fr}}\n"
        "processors:\n  idle: {name: Idle, country: FR, purpose: Nothing}\n"
    )
    assert registre("check", "--policy", path).exit_code == 0
    strict = registre("check", "--strict", "--policy", path)
    assert strict.exit_code == 1
    assert "warning: sub-processor 'idle' is used by no activity" in strict.stderr


def test_check_reports_json_for_ci(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("registre: 2\norganisation: {name: X, contacts: {requests: {email: a@b.fr}}}\n")
    result = registre("check", "--format", "json", "--policy", path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 1
    assert report["diagnostics"][0]["line"] == 1
    assert report["diagnostics"][0]["severity"] == "error"


def test_malformed_yaml_gives_a_message_not_a_traceback(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text("registre: 1\norganisation: {name: X\n")
    result = registre("check", "--policy", path)
    assert result.exit_code == 1
    assert "error: invalid YAML" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_policy_file_is_a_clear_error(registre, tmp_path):
    result = registre("check", "--policy", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "no policy at" in result.stderr


DPIA_POLICY = """\
registre: 1
organisation:
  name: Exemple RH SAS
  contacts: {requests: {email: privacy@exemple.fr}}
systems:
  hr:
    url: sqlite:///hr.sqlite
    location: FR
    datasets:
      staff:
        subject: employees
        identity: {email: email}
        fields:
          email: {category: contact.email, required: true}
          sick_leave: {category: special.health}
activities:
  hr-management:
    name: Gestion du personnel
    purpose: Gestion administrative du personnel
    legal_basis: legal_obligation
    legal_obligation: fr.commerce.L123-22
    special_condition: employment_social_security
    datasets: [hr.staff]
    retention: {keep: P5Y, after: the end of employment}
    security: [access_control]
"""


def test_a_required_dpia_fails_the_strict_check_until_it_is_recorded(registre, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(DPIA_POLICY, encoding="utf-8")
    assert registre("check", "--policy", path).exit_code == 0
    strict = registre("check", "--strict", "--policy", path)
    assert strict.exit_code == 1
    assert "a DPIA is required (Art. 35)" in strict.stderr and "sensitive, vulnerable" in strict.stderr
    path.write_text(DPIA_POLICY + "    dpia: {done: 2026-03-01, review: 2099-03-01, consultation: 2026-04-02}\n")
    recorded = registre("check", "--strict", "--policy", path)
    assert recorded.exit_code == 0, recorded.stderr
