import json
import shutil
import subprocess


def new_version(source_dir, target_dir, replacements):
    for name in ("registre.yaml", "processors.yaml"):
        text = (source_dir / name).read_text(encoding="utf-8")
        for old, new in replacements.get(name, []):
            assert old in text
            text = text.replace(old, new)
        (target_dir / name).write_text(text, encoding="utf-8")
    return target_dir / "registre.yaml"


def test_diff_of_identical_policies_lists_nothing(registre, cloud_host_policy_path):
    result = registre("diff", cloud_host_policy_path, cloud_host_policy_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == []


def test_a_new_subprocessor_opens_an_objection_window(registre, cloud_host_policy_path, tmp_path):
    new = new_version(
        cloud_host_policy_path.parent,
        tmp_path,
        {
            "registre.yaml": [
                ("processors: [twilio]", "processors: [twilio, ovh]"),
                ("effective: 2026-01-01", "effective: 2027-03-01"),
            ],
            "processors.yaml": [
                ("  twilio:", "  ovh:\n    name: OVH SAS\n    country: FR\n    purpose: Hébergement\n  twilio:")
            ],
        },
    )
    result = registre("diff", cloud_host_policy_path, new, "--format", "json", "--exit-code")
    assert result.exit_code == 3
    obligations = json.loads(result.stdout)["obligations"]
    window = next(o for o in obligations if o["kind"] == "subprocessor_objection")
    assert (window["opens"], window["deadline"]) == ("2027-02-14", "2027-03-01")


def test_diff_text_names_the_changes(registre, cloud_host_policy_path, tmp_path):
    shutil.copy(cloud_host_policy_path.parent / "processors.yaml", tmp_path)
    new = new_version(cloud_host_policy_path.parent, tmp_path, {"registre.yaml": [("keep: P3Y", "keep: P5Y")]})
    result = registre("diff", cloud_host_policy_path, new, "--effective", "2027-01-01")
    assert result.exit_code == 0, result.output
    assert "P3Y" in result.stdout and "P5Y" in result.stdout


def test_diff_reads_a_git_revision_with_its_included_files(registre, cloud_host_policy_path, tmp_path, monkeypatch):
    shutil.copytree(cloud_host_policy_path.parent, tmp_path / "policy")
    git = ["git", "-c", "user.email=dpo@example.org", "-c", "user.name=DPO"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], cwd=tmp_path, check=True)
    current = tmp_path / "policy" / "registre.yaml"
    current.write_text(current.read_text(encoding="utf-8").replace("keep: P3Y", "keep: P5Y"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = registre("diff", "HEAD:policy/registre.yaml", "policy/registre.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert [(c["before"], c["after"]) for c in changes] == [("P3Y", "P5Y")]


def test_diff_of_an_unknown_revision_is_a_clear_error(registre, cloud_host_policy_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = registre("diff", "nope:registre.yaml", cloud_host_policy_path)
    assert result.exit_code == 1
    assert "cannot read registre.yaml at git revision nope" in result.stderr


def test_a_us_crm_added_to_prospecting_gives_thirty_days_notice_in_french(registre, cloud_host_policy_path, tmp_path):
    new = new_version(
        cloud_host_policy_path.parent,
        tmp_path,
        {
            "registre.yaml": [
                # prospecting is the one activity whose only processor is Brevo
                ("    processors: [brevo]\n    consent:", "    processors: [brevo, salesforce]\n    consent:"),
                ("effective: 2026-01-01", "effective: 2027-03-01"),
            ]
        },
    )
    result = registre("diff", cloud_host_policy_path, new, "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "Modifications de la politique applicables au 1 mars 2027" in result.stdout
    assert "[personnes concernées] information préalable: prospecting au plus tard le 30 janvier 2027" in result.stdout
    assert "nouveau destinataire\u00a0: Salesforce Inc. (États-Unis, garantie\u00a0: scc)" in result.stdout
    assert "Inform the data subjects" not in result.stdout
