"""`registre preload`: commands handed to a preloaded process behave as in their own, and nothing else is reached."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registre.cli.handover import Messages, connect, hand_over, send, socket_path
from registre.cli.preloader import Files
from registre.core.demo import generate_demo_databases

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the preloader forks")

TEXT = "Écrire à ada.lovelace@example.org ou au +33 6 12 34 56 78.\n"


def registre(*args: str, env: dict[str, str], cwd: Path | None = None, **options: object):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "registre", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        **options,
    )


def served(env: dict[str, str]) -> int:
    status = registre("preload", "status", env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    return int(status.stdout.split("commands served: ")[1].split(",")[0])


def running(env: dict[str, str]) -> int:
    status = registre("preload", "status", env=env)
    return int(status.stdout.split("running now: ")[1].split()[0]) if status.returncode == 0 else 0


@pytest.fixture
def runtime() -> Iterator[Path]:
    """A folder for the socket, short enough for a Unix socket's path, private to the test."""
    folder = Path(tempfile.mkdtemp(prefix="rp-", dir="/tmp"))
    folder.chmod(0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def environment(runtime: Path, tmp_path: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "REGISTRE_PRELOAD"}
    return {**env, "XDG_RUNTIME_DIR": str(runtime), "REGISTRE_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def preloaded(environment: dict[str, str]) -> Iterator[dict[str, str]]:
    started = registre("preload", "start", "--idle", "10m", env=environment)
    assert started.returncode == 0, started.stderr
    assert "preloaded (pid" in started.stdout
    yield environment
    registre("preload", "stop", env=environment)


def in_own_process(env: dict[str, str]) -> dict[str, str]:
    return {**env, "REGISTRE_PRELOAD": "off"}


def outcome(completed: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return completed.returncode, completed.stdout, completed.stderr


def test_a_command_handed_over_answers_as_in_its_own_process(preloaded, cloud_host_policy_path, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\norganisation: [\n")
    commands = [
        ("--version",),
        ("check", "--policy", str(cloud_host_policy_path)),
        ("check", "--policy", str(broken)),
        ("chek",),
        ("dsr", "erase", "--help"),
        ("scan", "--text", "-", "--format", "json", "--show-values"),
    ]
    before = served(preloaded)
    for command in commands:
        handed = registre(*command, env=preloaded, input=TEXT)
        alone = registre(*command, env=in_own_process(preloaded), input=TEXT)
        assert outcome(handed) == outcome(alone), command
    assert served(preloaded) - before == len(commands)
    assert registre("check", "--policy", str(broken), env=preloaded).returncode == 1
    assert (
        "ada.lovelace@example.org" in registre("scan", "--text", "-", "--show-values", env=preloaded, input=TEXT).stdout
    )


def test_the_command_works_in_the_command_lines_folder_with_its_environment_and_umask(
    preloaded, cloud_host_policy_path, tmp_path
):
    work = tmp_path / "work"
    shutil.copytree(cloud_host_policy_path.parent, work)
    env = {**preloaded, "REGISTRE_POLICY": cloud_host_policy_path.name}
    before = served(preloaded)
    completed = subprocess.run(
        ["sh", "-c", f"umask 027 && exec {sys.executable} -m registre subprocessors --lang en -o list.html"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert served(preloaded) == before + 1
    written = work / "list.html"
    assert "sub-processor" in written.read_text().lower()
    assert written.stat().st_mode & 0o777 == 0o640
    missing = registre("subprocessors", env={**env, "REGISTRE_POLICY": "elsewhere.yaml"}, cwd=work)
    assert missing.returncode == 1 and "no policy at elsewhere.yaml" in missing.stderr


def _blocked_on_standard_input(env: dict[str, str]) -> subprocess.Popen[str]:
    """A handed-over command that waits on its standard input, once its process is running."""
    command = subprocess.Popen(
        [sys.executable, "-m", "registre", "scan", "--text", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while running(env) == 0:
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.1)
    time.sleep(0.5)  # the command line has its pid and passes signals on
    return command


def test_ctrl_c_reaches_the_command(preloaded):
    command = _blocked_on_standard_input(preloaded)
    command.send_signal(signal.SIGINT)
    _, stderr = command.communicate(timeout=30)
    assert command.returncode == 130 and "Traceback" not in stderr  # as Typer answers Ctrl+C in a process of its own
    assert running(preloaded) == 0


def test_a_command_ended_by_a_signal_ends_its_command_line_by_the_same(preloaded):
    command = _blocked_on_standard_input(preloaded)
    command.send_signal(signal.SIGTERM)
    command.communicate(timeout=30)
    assert command.returncode == -signal.SIGTERM


def test_a_killed_command_line_takes_its_command_with_it(preloaded):
    command = _blocked_on_standard_input(preloaded)
    command.kill()
    command.wait(timeout=30)
    deadline = time.monotonic() + 30
    while running(preloaded):
        assert time.monotonic() < deadline, "the command outlived its command line"
        time.sleep(0.1)


def test_start_stop_and_status_say_what_they_did_and_can_be_repeated(runtime, environment):
    assert registre("preload", "status", env=environment).returncode == 1
    assert "no preloader was running" in registre("preload", "stop", env=environment).stdout
    try:
        assert registre("preload", "start", "--idle", "0", env=environment).returncode == 0
        again = registre("preload", "start", env=environment)
        assert again.returncode == 0 and "runs already" in again.stdout
        status = registre("preload", "status", env=environment)
        assert status.returncode == 0 and "stops: when stopped" in status.stdout
    finally:
        assert "stopped the preloader" in registre("preload", "stop", env=environment).stdout
    assert registre("preload", "status", env=environment).returncode == 1
    deadline = time.monotonic() + 30
    while list((runtime / "registre").iterdir()):
        assert time.monotonic() < deadline, "the socket outlived its preloader"
        time.sleep(0.1)
    assert registre("--version", env=environment).returncode == 0  # in its own process again


def test_an_idle_preloader_stops_by_itself(environment):
    assert registre("preload", "start", "--idle", "1s", env=environment).returncode == 0
    deadline = time.monotonic() + 30
    while registre("preload", "status", env=environment).returncode == 0:
        assert time.monotonic() < deadline, "the preloader outlived its idle time"
        time.sleep(0.5)


def test_a_duration_that_is_not_one_is_a_usage_error(environment):
    completed = registre("preload", "start", "--idle", "soon", env=environment)
    assert completed.returncode == 2 and "--idle takes a duration" in completed.stderr


def test_no_preloader_where_others_could_reach_the_socket(runtime, environment):
    (runtime / "registre").mkdir(mode=0o755)
    (runtime / "registre").chmod(0o755)
    refused = registre("preload", "start", env=environment)
    assert refused.returncode == 1 and "closed to others" in refused.stderr
    assert registre("--version", env=environment).returncode == 0


def test_without_a_preloader_the_command_line_runs_the_command_itself(environment, monkeypatch):
    monkeypatch.setattr(os, "environ", {**environment})
    assert hand_over(["registre", "--version"]) is None
    os.environ["REGISTRE_PRELOAD"] = "off"
    assert hand_over(["registre", "--version"]) is None


def test_a_changed_file_is_seen(tmp_path):
    code = tmp_path / "module.py"
    code.write_text("A = 1\n")
    files = Files([str(code)])
    assert not files.changed()
    code.write_text("A = 22\n")
    assert files.changed()
    code.unlink()
    assert files.changed()


def test_a_command_line_of_another_installation_is_refused(preloaded, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", preloaded["XDG_RUNTIME_DIR"])
    connection = connect(socket_path())
    assert connection is not None
    read, write = os.pipe()
    with connection:
        request = {"kind": "run", "prefix": "/elsewhere", "package": "/elsewhere/registre", "argv": ["registre"]}
        send(connection, request, (read, write, write))
        answer = Messages(connection).next()
    os.close(read)
    os.close(write)
    assert answer is not None and "refused" in answer
    assert served(preloaded) == 0


def _on_a_terminal(env: dict[str, str], *args: str, answer: bytes = b"") -> bytes:
    """What `registre ARGS` writes when its standard streams are a terminal, typing `answer` at a [y/N] prompt."""
    import pty

    controller, terminal = pty.openpty()
    command = subprocess.Popen(
        [sys.executable, "-m", "registre", *args], env=env, stdin=terminal, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    written = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        written += chunk
        if answer and written.endswith(b"[y/N]: "):  # the whole prompt is out: type the answer
            os.write(controller, answer + b"\n")
    command.wait(timeout=60)
    os.close(controller)
    assert command.returncode is not None
    return written + f"\nexit {command.returncode}".encode()


def test_colours_follow_the_command_lines_terminal(preloaded, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\norganisation: [\n")
    env = {key: value for key, value in preloaded.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    handed = _on_a_terminal(env, "check", "--policy", str(broken))
    alone = _on_a_terminal(in_own_process(env), "check", "--policy", str(broken))
    assert b"\x1b[" in alone and handed == alone
    assert b"\x1b[" not in _on_a_terminal({**env, "NO_COLOR": "1"}, "check", "--policy", str(broken))


@pytest.fixture
def demo(preloaded, tmp_path, cloud_host_policy_path) -> tuple[dict[str, str], Path, str]:
    """The cloud host's databases on SQLite: the environment to reach them, the CRM's file, a contact's email."""
    crm = tmp_path / "crm.sqlite"
    report = generate_demo_databases(f"sqlite:///{crm}", f"sqlite:///{tmp_path / 'platform.sqlite'}", subjects=20)
    env = {
        **preloaded,
        "CRM_DATABASE_URL": f"sqlite:///{crm}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite'}",
        "REGISTRE_POLICY": str(cloud_host_policy_path),
        "REGISTRE_PSEUDONYM_KEY": "demo-key",
    }
    return env, crm, report.sample_contacts[0]["email"]


def _contacts(crm: Path, email: str) -> int:
    with sqlite3.connect(crm) as connection:
        return int(connection.execute("SELECT count(*) FROM contacts WHERE email = ?", (email,)).fetchone()[0])


def test_an_erasure_handed_over_changes_the_database_and_is_audited(demo):
    env, crm, email = demo
    assert _contacts(crm, email) == 1
    before = served(env)
    erased = registre("dsr", "erase", "--subject", f"email={email}", env=env)
    assert erased.returncode == 0, erased.stderr
    assert "row(s) erased" in erased.stdout and served(env) == before + 1
    assert _contacts(crm, email) == 0
    verified = registre("audit", "verify", env=env)
    assert verified.returncode == 0 and "chain intact" in verified.stdout
    assert not verified.stdout.startswith("OK: 0 ")


def test_a_prompt_is_answered_on_the_command_lines_terminal(demo):
    env, crm, _email = demo
    with sqlite3.connect(crm) as connection:
        rows = connection.execute("SELECT count(*) FROM tickets").fetchone()[0]
    sweep = ("retention", "run", "--as-of", "2030-01-01", "--allow-future-date")
    refused = _on_a_terminal(env, *sweep, answer=b"n")
    assert b"[y/N]: n" in refused and b"Aborted" in refused and refused.endswith(b"exit 1")
    with sqlite3.connect(crm) as connection:
        assert connection.execute("SELECT count(*) FROM tickets").fetchone()[0] == rows
    accepted = _on_a_terminal(env, *sweep, answer=b"y")
    assert accepted.endswith(b"exit 0"), accepted[-500:]
    with sqlite3.connect(crm) as connection:
        assert connection.execute("SELECT count(*) FROM tickets").fetchone()[0] < rows


def test_changed_code_runs_in_its_own_process_and_the_preloader_starts_again_with_it(environment, tmp_path):
    # A module the preloader loaded at start-up, in a folder of the test's (Python imports sitecustomize at start).
    code = tmp_path / "code"
    code.mkdir()
    (code / "sitecustomize.py").write_text("LOADED = 1\n")
    env = {**environment, "PYTHONPATH": str(code)}
    assert registre("preload", "start", "--idle", "10m", env=env).returncode == 0
    try:
        first = registre("preload", "status", env=env).stdout
        assert registre("--version", env=env).returncode == 0 and served(env) == 1
        (code / "sitecustomize.py").write_text("LOADED = 22\n")
        assert registre("--version", env=env).returncode == 0  # refused, so run in its own process
        deadline = time.monotonic() + 60
        while (status := registre("preload", "status", env=env)).returncode != 0:
            assert time.monotonic() < deadline, "the preloader did not start again"
            time.sleep(0.2)
        assert status.stdout.split(",")[0] == first.split(",")[0]  # the same process, with the new code
        assert "commands served: 0" in status.stdout
        assert registre("--version", env=env).returncode == 0 and served(env) == 1
    finally:
        registre("preload", "stop", env=env)
