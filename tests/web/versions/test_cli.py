"""`registre policy publish|versions`: versions from the command line, with the announcement's list."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from django.core import mail
from django.utils import timezone
from typer.testing import CliRunner

from registre.cli import policy
from registre.web.versions.models import Announcement, PolicyVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def run(*args: object):
    return CliRunner().invoke(policy.app, [str(arg) for arg in args])


@pytest.fixture
def policy_files(tmp_path, cloud_host_policy_path):
    """A copy of the example (outside git), and the next version with a wider purpose for prospecting."""
    for source in cloud_host_policy_path.parent.iterdir():
        shutil.copyfile(source, tmp_path / source.name)
    first = tmp_path / "registre.yaml"
    text = first.read_text(encoding="utf-8")
    wider = tmp_path / "wider.yaml"
    marker = "en: Sending commercial offers and the newsletter"
    assert marker in text
    wider.write_text(text.replace(marker, marker + " and profiling", 1), encoding="utf-8")
    return first, wider


def day(number: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=number)).isoformat()


def test_publishing_two_versions_announces_the_wider_one_to_the_list(policy_files, tmp_path):
    first, wider = policy_files
    addresses = tmp_path / "list.txt"
    addresses.write_text("# our users\nusers@list.example\n\nteam@list.example\n", encoding="utf-8")

    one = run("publish", "--policy", first, "--effective", day(-100), "--revision", "a1b2c3d")
    two = run("publish", "--policy", wider, "--effective", day(40), "--announce-to", addresses)

    assert one.exit_code == 0, one.output
    assert f"version 1, effective {day(-100)}, revision a1b2c3d" in one.output
    assert two.exit_code == 0, two.output
    assert "e-mailed to 2 address(es)" in two.output and "LATE" not in two.output
    assert PolicyVersion.objects.get(pk=2).revision == ""  # a copy outside git: no revision
    assert Announcement.objects.count() == 1 and len(mail.outbox) == 2
    listed = json.loads(run("versions", "--json").output)
    assert [(item["version"], item["in_force"], item["announced"]) for item in listed] == [
        (1, True, False),
        (2, False, True),
    ]


def test_a_list_with_something_else_than_addresses_is_refused(policy_files, tmp_path):
    first, _wider = policy_files
    addresses = tmp_path / "list.txt"
    addresses.write_text("users@list.example\nnot an address\n", encoding="utf-8")
    result = run("publish", "--policy", first, "--announce-to", addresses)
    assert result.exit_code == 2 and "not an e-mail address" in result.output
    assert not PolicyVersion.objects.exists()
