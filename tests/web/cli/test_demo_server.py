"""`registre demo --serve`: a DPO account printed once, the demo's tenants as clients, then the server."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from registre.cli import demo_server, web
from registre.web.clients.models import Client

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self) -> None:
        self.tenant_ids = ["tenant-001", "tenant-002"]
        self.sample_contacts = [
            {"email": "shared@client.example", "tenant_id": "tenant-001"},
            {"email": "ada@example.org"},
        ]


def test_the_demo_server_prepares_the_workspace_and_says_where_to_go(tmp_path, monkeypatch, capsys):
    (tmp_path / ".registre").mkdir()
    (tmp_path / ".registre" / "old").write_text("previous run")
    for name in ("REGISTRE_DATA_DIR", "REGISTRE_BASE_URL", "REGISTRE_EMAIL_URL", "REGISTRE_POLICY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(web, "setup_django", lambda policy=None: None)
    served = {}

    def serve(host, port, *, threads, with_worker, on_ready):
        served.update(host=host, port=port, with_worker=with_worker)
        on_ready(f"http://{host}:{port}/")

    monkeypatch.setattr(web, "serve", serve)
    demo_server.serve_demo(tmp_path, Report(), port=8123)
    assert served == {"host": "127.0.0.1", "port": 8123, "with_worker": True}
    assert not (tmp_path / ".registre" / "old").exists()  # the demo's application data start afresh
    user = get_user_model().objects.get(username="demo")
    assert user.groups.filter(name="dpo").exists()
    assert set(Client.objects.values_list("tenant", flat=True)) == {"tenant-001", "tenant-002"}
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8123/privacy/" in output and "http://127.0.0.1:8123/console/" in output
    assert "ada@example.org" in output and "password" in output
