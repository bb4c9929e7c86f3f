"""The preloader: one process that has imported Registre, and forks a process for each command handed to it.

Started by `registre preload start` as `python -m registre.cli.preloader
IDLE_SECONDS`. It imports every command's module and the libraries they load
while they work, with the garbage collector paused, then listens on the
socket of `registre.cli.handover` until it has been idle for IDLE_SECONDS
(0: never), `registre preload stop`, or SIGTERM.

For each command it forks. The child takes the command's descriptors,
arguments, environment, folder and umask, opens the terminal again, runs
the command as `registre` does, and exits with its status; the preloader
reaps it and sends that status back. A command line that goes away (killed)
gets its command's process a SIGTERM. The preloader itself never connects to
a database, loads a policy or reads a setting: each command starts from
what the imports left, as a new process would.

Before each command the preloader compares the files it loaded (its modules
and Registre's package) with what is on disk. When one changed (an upgrade,
an edit of Registre's code), it refuses the command, which then runs in its
own process, and starts again with the new code once its running commands
have ended.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import io
import locale
import os
import selectors
import signal
import socket
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from registre.cli.handover import Messages, installation, is_private, peer_uid, send, socket_path

# Modules the commands load while they work (drivers, dialects, the access report), beyond their own modules.
WARM = (
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.mysql.pymysql",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "psycopg",
    "pymysql",
    "sqlite3",
    "cryptography.fernet",
    "cryptography.hazmat.primitives.ciphers.aead",
    "jinja2.ext",
    "registre.core.documents.access_report",
    "typer.rich_utils",  # help pages
    "rich._emoji_codes",  # rich's markup
)
REQUEST_SECONDS = 5.0
CHECK_SECONDS = 60.0  # how often an idle preloader checks that its socket is still in place


def preload() -> None:
    """Import every command's module and the modules of `WARM`, and read the taxonomy shipped in the package.

    Nothing that depends on a command's settings is done: no policy, no database, no Django (which reads its
    settings when set up).
    """
    from registre.cli.main import COMMANDS
    from registre.cli.web import preload_direct_database
    from registre.core.taxonomy import load_taxonomy

    for module in dict.fromkeys(command.module for command in COMMANDS.values()):
        importlib.import_module(module)
    for module in WARM:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    preload_direct_database()
    load_taxonomy()


class Files:
    """Files with their size and time of change when first seen: what a process loaded its code and data from."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.seen = {path: self._signature(path) for path in paths}

    @classmethod
    def loaded(cls) -> Files:
        """The files of this process's modules, and every file of Registre's package (templates, catalogs...)."""
        paths = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
        package = Path(installation()["package"])
        paths.update(str(path) for path in package.rglob("*") if "__pycache__" not in path.parts)
        return cls(path for path in paths if path)

    @staticmethod
    def _signature(path: str) -> tuple[int, int] | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size

    def changed(self) -> bool:
        return any(self._signature(path) != signature for path, signature in self.seen.items())


class Preloader:
    """The listening socket, the commands running, and the loop that serves them."""

    def __init__(self, path: str, idle_seconds: float) -> None:
        self.path = path
        self.idle_seconds = idle_seconds
        self.files = Files.loaded()
        self.identity = installation()
        self.started = time.time()
        self.last_activity = time.monotonic()
        self.served = 0
        self.last_error = ""
        self.stopping = False
        self.stop_asked = False  # by a signal: the loop stops at its next turn
        self.restart = False
        self.children: dict[int, socket.socket] = {}
        self.selector = selectors.DefaultSelector()
        self.wakeup_read, self.wakeup_write = socket.socketpair()
        self.listener: socket.socket | None = None
        self.inode = 0

    # The loop -----------------------------------------------------------------

    def listen(self) -> None:
        """Bind the socket under a temporary name and move it into place: a command never finds a half-made one."""
        temporary = f"{self.path}.{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(temporary)
        listener.listen(64)
        os.replace(temporary, self.path)
        self.inode = os.stat(self.path).st_ino  # a socket's own descriptor has another (fstat tells nothing here)
        self.listener = listener
        self.selector.register(listener, selectors.EVENT_READ, "accept")

    def serve(self) -> None:
        self.wakeup_read.setblocking(False)
        self.wakeup_write.setblocking(False)
        signal.set_wakeup_fd(self.wakeup_write.fileno())
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, self._ask_stop)
        self.selector.register(self.wakeup_read, selectors.EVENT_READ, "wakeup")
        while not (self.stopping and not self.children):
            for key, _events in self.selector.select(self._timeout()):
                if key.data == "accept":
                    self._accept()
                elif key.data == "wakeup":
                    with contextlib.suppress(BlockingIOError):
                        self.wakeup_read.recv(4096)
                else:
                    self._client_gone(key.data)
            self._reap()
            if self.stop_asked or self._idle() or self._replaced():
                self.stop()
        self.close()
        if self.restart:
            os.execv(sys.executable, [sys.executable, "-m", "registre.cli.preloader", str(self.idle_seconds)])

    def _ask_stop(self, _number: int, _frame: object) -> None:
        self.stop_asked = True

    def _timeout(self) -> float:
        if self.children:
            return 1.0
        if not self.idle_seconds:
            return CHECK_SECONDS
        return min(CHECK_SECONDS, max(0.0, self.last_activity + self.idle_seconds - time.monotonic()))

    def _replaced(self) -> bool:
        """Whether the socket is gone or another preloader's (started at the same time): then this one stops."""
        if self.listener is None:
            return False
        try:
            return os.stat(self.path).st_ino != self.inode
        except FileNotFoundError:
            return True

    def _idle(self) -> bool:
        return (
            bool(self.idle_seconds)
            and not self.children
            and not self.stopping
            and (time.monotonic() - self.last_activity >= self.idle_seconds)
        )

    def stop(self) -> None:
        """Take no more commands (the socket goes at once); the loop ends when the running ones have ended."""
        self.stopping = True
        if self.listener is not None:
            self.selector.unregister(self.listener)
            self._unlink()
            self.listener.close()
            self.listener = None

    def close(self) -> None:
        signal.set_wakeup_fd(-1)
        self.selector.close()
        self.wakeup_read.close()
        self.wakeup_write.close()

    def _unlink(self) -> None:
        """Remove the socket, unless another preloader has put its own in its place."""
        if not self._replaced():
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    # Requests -----------------------------------------------------------------

    def _accept(self) -> None:
        assert self.listener is not None
        try:
            connection, _address = self.listener.accept()
        except OSError:
            return
        self.last_activity = time.monotonic()
        messages = Messages(connection)
        try:
            connection.settimeout(REQUEST_SECONDS)
            if peer_uid(connection) != os.getuid():
                raise PermissionError("a process of another user")
            request = messages.next() or {}
            kind = request.get("kind")
            if kind == "run" and len(messages.descriptors) == 3:
                self._run(connection, request, messages.descriptors)
                return
            if kind == "status":
                send(connection, self.status())
            elif kind == "stop":
                send(connection, {"pid": os.getpid(), "running": len(self.children)})
                self.stop()
        except (OSError, ValueError) as error:
            self.last_error = f"{type(error).__name__}: {error}"
        finally:
            for descriptor in messages.descriptors:
                os.close(descriptor)
        connection.close()

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "since": self.started,
            "served": self.served,
            "running": len(self.children),
            "modules": len(sys.modules),
            "rss_kb": _rss_kb(),
            "idle_seconds": self.idle_seconds,
            "last_error": self.last_error,
        }

    def _run(self, connection: socket.socket, request: dict[str, Any], descriptors: list[int]) -> None:
        """Fork the command's process, tell the command line its pid, and watch its connection."""
        if any(request.get(name) != value for name, value in self.identity.items()) or self._changed():
            send(connection, {"refused": "another installation, or code changed since it was loaded"})
            connection.close()
            return
        pid = os.fork()
        if pid == 0:
            try:
                self._become(connection, request, descriptors)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(70)
        self.served += 1
        try:
            send(connection, {"pid": pid})
        except OSError:
            os.kill(pid, signal.SIGTERM)
        connection.setblocking(False)
        self.children[pid] = connection
        self.selector.register(connection, selectors.EVENT_READ, pid)

    def _changed(self) -> bool:
        if not self.files.changed():
            return False
        self.restart = True
        self.stop()
        return True

    def _client_gone(self, pid: int) -> None:
        """The command line's end is readable: it closed (killed). End the command as the signal would have."""
        connection = self.children.get(pid)
        if connection is None:
            return
        try:
            if connection.recv(1):
                return
        except BlockingIOError:
            return
        except OSError:
            pass
        self.selector.unregister(connection)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self.children.pop(pid, None)
            if connection is None:
                continue
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(connection)
            if os.WIFSIGNALED(status):
                ended = {"signal": os.WTERMSIG(status)}
            else:
                ended = {"exit": os.waitstatus_to_exitcode(status)}
            with contextlib.suppress(OSError):
                connection.setblocking(True)
                connection.settimeout(REQUEST_SECONDS)
                send(connection, ended)
            connection.close()
            self.last_activity = time.monotonic()

    # The command's process ------------------------------------------------------

    def _become(self, connection: socket.socket, request: dict[str, Any], descriptors: list[int]) -> None:
        """In the forked child: take the command's place and run it; never returns."""
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for other in [*self.children.values(), connection, self.wakeup_read, self.wakeup_write]:
            other.close()
        if self.listener is not None:
            self.listener.close()
        self.selector.close()
        for standard, descriptor in enumerate(descriptors):
            os.dup2(descriptor, standard)
        for descriptor in descriptors:
            if descriptor > 2:
                os.close(descriptor)
        os.chdir(request["cwd"])
        os.umask(int(request["umask"]))
        os.environ.clear()
        os.environ.update({str(name): str(value) for name, value in request["env"].items()})
        time.tzset()  # the command line's TZ
        with contextlib.suppress(locale.Error):
            locale.setlocale(locale.LC_CTYPE, "")  # and its LC_ALL, LC_CTYPE or LANG, as the interpreter sets it
        sys.argv = [str(word) for word in request["argv"]]
        _open_streams(request.get("encodings") or [None, None, None])
        from registre.cli.console import open_terminal

        open_terminal()
        code = _run_command()
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _open_streams(encodings: list[Any]) -> None:
    """sys.stdin, sys.stdout and sys.stderr on the command's descriptors, encoded as the command line's were."""
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        encoding, errors = encodings[number] if encodings[number] else ("utf-8", "strict")
        interactive = os.isatty(number)
        binary = open(number, "rb" if number == 0 else "wb", closefd=False)  # noqa: SIM115
        stream = io.TextIOWrapper(
            binary,
            encoding=encoding,
            errors=errors,
            newline="\n",
            line_buffering=interactive or number == 2,
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _run_command() -> int:
    """Run the command line as `registre` runs it; its exit status, as the interpreter would give it."""
    from registre.cli.main import app

    # As the interpreter names it to Click in a process of its own (here __main__ is the preloader's).
    name = os.path.basename(sys.argv[0]) if sys.argv else "registre"
    try:
        app(prog_name="python -m registre" if name == "__main__.py" else name)
    except SystemExit as leaving:
        if leaving.code is None:
            return 0
        if isinstance(leaving.code, int):
            return leaving.code
        print(leaving.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _rss_kb() -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main(arguments: list[str]) -> None:
    idle_seconds = float(arguments[0]) if arguments else 0.0
    path = socket_path()
    if not is_private(os.path.dirname(path)):
        sys.exit(f"{os.path.dirname(path)} is not a folder of this user closed to others")
    gc.disable()
    preload()
    gc.freeze()  # never examined again, by the preloader or the processes it forks
    gc.enable()
    preloader = Preloader(path, idle_seconds)
    preloader.listen()
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    for number in (0, 1, 2):
        os.dup2(devnull, number)
    os.close(devnull)
    preloader.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
