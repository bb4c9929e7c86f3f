"""`registre serve` in a real process: migrations, HTTP on a free port, the embedded worker, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The commands as `registre.cli.main` registers them (see tests/web/conftest.py).
LAUNCHER = """
import sys, typer
from registre.cli import serve, worker
app = typer.Typer()
app.command("serve")(serve.serve)
app.command("migrate")(serve.migrate)
app.command("worker")(worker.worker)
app()
"""
ENQUEUE = """
from registre.cli.web import setup_django
setup_django()
from registre.web.jobs.tasks import verify_audit_chain
print(verify_audit_chain.enqueue().id)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("REGISTRE_", "DJANGO_"))}
    return environ | {
        "REGISTRE_DATA_DIR": str(data_dir),
        "REGISTRE_POLICY": str(ROOT / "examples" / "cloud-host" / "registre.yaml"),
    }


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def wait_until_up(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"registre serve exited: {process.stderr.read() if process.stderr else ''}")
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("registre serve did not answer in time")


def job_status(database: Path, job_id: str) -> str | None:
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?", [job_id.replace("-", "")]
        ).fetchone()
    return row[0] if row else None


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "serve", "--port", str(port)],
        env=environment(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health/", process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_serve_migrates_answers_http_and_stops_on_sigterm(server):
    base, process = server
    status, headers, _ = get(f"{base}/console/")
    assert status == 302 and headers["Location"].startswith("/console/login/")
    status, headers, body = get(f"{base}/console/login/")
    assert status == 200
    assert "Nuage Exemple SAS" in body.decode()
    assert headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in headers["Content-Security-Policy"]
    assert get(f"{base}/static/registre/htmx.min.js")[0] == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert "Registre is listening on http://127.0.0.1:" in process.stderr.read()


def test_serve_on_sqlite_runs_the_jobs_itself(server, tmp_path):
    environ = environment(tmp_path)
    job_id = subprocess.run(
        [sys.executable, "-c", ENQUEUE], env=environ, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    deadline = time.monotonic() + 30
    while job_status(tmp_path / "registre.sqlite", job_id) != "SUCCESSFUL":
        assert time.monotonic() < deadline, f"the job is still {job_status(tmp_path / 'registre.sqlite', job_id)}"
        time.sleep(0.2)


def test_worker_in_its_own_process_runs_a_job(tmp_path):
    environ = environment(tmp_path)
    subprocess.run(
        [sys.executable, "-c", LAUNCHER, "migrate"], env=environ, cwd=tmp_path, check=True, capture_output=True
    )
    job_id = subprocess.run(
        [sys.executable, "-c", ENQUEUE], env=environ, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-c", LAUNCHER, "worker", "--batch", "--interval", "0"],
        env=environ,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert job_status(tmp_path / "registre.sqlite", job_id) == "SUCCESSFUL"


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, "serve", "--port", str(port)],
            env=environment(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: port {port} on 127.0.0.1 is already in use: stop what uses it, or choose another with --port"
    ]
