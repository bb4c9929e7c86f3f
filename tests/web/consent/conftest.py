"""Fixtures of the consent tests: a newsletter subscriber of the demo CRM, and unsubscribe links."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def subscriber(workspace, url=None):
    """The email of a newsletter subscriber who is also a CRM contact (plain SQL on the target database)."""
    rows = workspace.query(
        "SELECT n.email FROM newsletter n JOIN contacts c ON lower(c.email) = lower(n.email) ORDER BY n.id", url
    )
    return str(rows[0][0])


def with_sale_or_sharing(workspace, activity="prospecting"):
    """Declare the activity a sale or sharing of data in the workspace's policy (for Global Privacy Control)."""
    text = workspace.policy.read_text(encoding="utf-8")
    marker = {"prospecting": "    reference: T-005\n", "call-quality": "    reference: T-004\n"}[activity]
    workspace.policy.write_text(text.replace(marker, marker + "    sale_or_sharing: true\n"), encoding="utf-8")
