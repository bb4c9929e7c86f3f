import json
import shutil


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
