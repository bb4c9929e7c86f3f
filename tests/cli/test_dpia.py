"""`registre dpia ACTIVITY`: the draft pre-filled from the policy, or a version recorded in the console."""

import io

from pypdf import PdfReader


def test_it_writes_the_french_draft_as_pdf(registre, cloud_host_policy_path, tmp_path):
    result = registre("dpia", "support", "--policy", cloud_host_policy_path, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "dpia-support-fr.pdf").read_bytes()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Analyse d’impact" in text and "Assistance aux clients" in text


def test_it_writes_english_markdown_to_standard_output(registre, cloud_host_policy_path):
    result = registre("dpia", "support", "--policy", cloud_host_policy_path, "--lang", "en", "-f", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Data protection impact assessment")
    assert "Version 1, draft of" in result.stdout


def test_the_draft_follows_the_version_the_policy_records(registre, cloud_host_policy_path, tmp_path):
    text = cloud_host_policy_path.read_text(encoding="utf-8").replace(
        "    processors: [zendesk]\n", "    processors: [zendesk]\n    dpia: {done: 2026-03-01, version: 2}\n", 1
    )
    policy = tmp_path / "registre.yaml"
    policy.write_text(text, encoding="utf-8")
    for extra in cloud_host_policy_path.parent.glob("*.yaml"):
        if extra.name != "registre.yaml":
            (tmp_path / extra.name).write_text(extra.read_text(encoding="utf-8"), encoding="utf-8")
    result = registre("dpia", "support", "--policy", policy, "--lang", "en", "-f", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "Version 3, draft of" in result.stdout


def test_an_unknown_activity_is_a_usage_error(registre, cloud_host_policy_path):
    result = registre("dpia", "payroll", "--policy", cloud_host_policy_path, "-f", "md", "-o", "-")
    assert result.exit_code == 2
    assert "activity 'payroll' is not in the policy" in result.stderr
