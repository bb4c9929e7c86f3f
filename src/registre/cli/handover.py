"""Handing a command over to the preloader (`registre preload start`), and what both sides share.

A command spends most of its start importing Registre and its libraries. The
preloader (`registre.cli.preloader`) imports them once, then waits on a Unix
socket and forks a process that already has them for each command handed to
it. This module is the command line's side, and imports only the standard
library: without a preloader it costs the command one `lstat`.

The console script hands a command over when a preloader of the same
installation listens in the user's private folder (`$XDG_RUNTIME_DIR/registre`,
else `/tmp/registre-UID`, mode 0700). The forked process takes the command's
arguments, environment, working folder and umask, and its standard input,
output and error themselves (descriptors passed over the socket): it reads,
writes and prompts where the command would have. Ctrl+C, SIGTERM, SIGHUP and
SIGQUIT are passed on to it; its exit status comes back. When anything is
unusual (no preloader, a folder others could write in, a preloader of another
user or another installation, code changed since it loaded, descriptors that
cannot be passed), the command runs in its own process, as it always did.
`REGISTRE_PRELOAD=off` does the same for one command.
"""

from __future__ import annotations

import marshal
import os
import signal
import socket
import stat
import struct
import sys
import zlib

TYPE_CHECKING = False  # the typing module is not imported: it would cost the command line 7 ms
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# Descriptor passing and the peer's credentials (Linux).
SUPPORTED = hasattr(socket, "AF_UNIX") and hasattr(socket, "SO_PEERCRED") and hasattr(socket, "send_fds")
# Commands that stay in their own process: servers (a supervisor watches their process) and this machinery.
IN_PROCESS = frozenset({"serve", "worker", "preload"})
OFF = frozenset({"0", "off", "false", "no"})
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MAX_MESSAGE = 4 * 1024 * 1024


def folder() -> str:
    """The user's private folder for the preloader's socket."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "registre")
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"registre-{os.getuid()}")


def installation() -> dict[str, str]:
    """What identifies this installation: a preloader serves the commands of its own only."""
    import registre

    return {"prefix": sys.prefix, "package": os.path.dirname(os.path.abspath(registre.__file__))}


def socket_path() -> str:
    """The socket of this installation's preloader, in `folder()`."""
    key = "\0".join(installation().values()).encode()
    return os.path.join(folder(), f"{zlib.crc32(key):08x}.sock")


def is_private(path: str) -> bool:
    """True when `path` is a folder of this user that nobody else can read or write in."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid() and not status.st_mode & 0o077


def peer_uid(connection: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", credentials)[1])


def connect(path: str) -> socket.socket | None:
    """A connection to the preloader at `path`, checked to be this user's; None when there is none."""
    if not is_private(os.path.dirname(path)):
        return None
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISSOCK(status.st_mode) or status.st_uid != os.getuid():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
        if peer_uid(connection) == os.getuid():
            return connection
    except OSError:
        pass
    connection.close()
    return None


def send(connection: socket.socket, message: dict[str, Any], descriptors: Sequence[int] = ()) -> None:
    """Send one message, with `descriptors` attached.

    A message is a dictionary of strings, numbers and lists, marshalled after its length. Marshal, not JSON:
    it is built into the interpreter, where the json module and the regular expressions it loads would cost
    the command line 10 ms, a sixth of its start. Both ends are processes of this user (checked) running this
    installation's interpreter (the preloader refuses another one).
    """
    body = marshal.dumps(message)
    data = struct.pack("!I", len(body)) + body
    if descriptors:
        sent = socket.send_fds(connection, [data], list(descriptors))
        data = data[sent:]
    if data:
        connection.sendall(data)


class Messages:
    """The messages arriving on a connection (see `send`), and the descriptors sent with them."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""
        self.descriptors: list[int] = []

    def next(self) -> dict[str, Any] | None:
        """The next message; None when the other side closed the connection before a whole one."""
        if not self._fill(4):
            return None
        (length,) = struct.unpack("!I", self.buffer[:4])
        if length > MAX_MESSAGE:
            raise OSError("message too long")
        if not self._fill(4 + length):
            return None
        body, self.buffer = self.buffer[4 : 4 + length], self.buffer[4 + length :]
        try:
            message = marshal.loads(body)
        except (EOFError, ValueError, TypeError) as error:
            raise OSError("malformed message") from error
        if not isinstance(message, dict):
            raise OSError("malformed message")
        return message

    def _fill(self, size: int) -> bool:
        """Read until the buffer holds `size` bytes; False when the connection closed before."""
        while len(self.buffer) < size:
            data, descriptors, _flags, _address = socket.recv_fds(self.connection, 65536, 3)
            self.descriptors += descriptors
            if not data:
                return False
            self.buffer += data
        return True


def ask(path: str, message: dict[str, Any]) -> dict[str, Any] | None:
    """One question to the preloader at `path` and its answer; None when no preloader answers."""
    connection = connect(path)
    if connection is None:
        return None
    with connection:
        try:
            send(connection, message)
            return Messages(connection).next()
        except (OSError, ValueError):
            return None


def invoked_command(arguments: Sequence[str]) -> str | None:
    """The command that sys.argv `arguments` invoke: their first word that is not an option."""
    return next((word for word in arguments[1:] if not word.startswith("-")), None)


def hand_over(arguments: Sequence[str]) -> int | None:
    """Run the command `arguments` (sys.argv) in a process forked by the preloader, and return its exit
    status; None when it was not handed over and must run here (nothing of it has run then)."""
    if not SUPPORTED or os.environ.get("REGISTRE_PRELOAD", "").lower() in OFF:
        return None
    if invoked_command(arguments) in IN_PROCESS:
        return None
    connection = connect(socket_path())
    if connection is None:
        return None
    with connection:
        try:
            streams = (sys.stdin, sys.stdout, sys.stderr)
            mask = os.umask(0o077)
            os.umask(mask)
            request = {
                "kind": "run",
                **installation(),
                "argv": list(arguments),
                "env": dict(os.environ),
                "cwd": os.getcwd(),
                "umask": mask,
                "encodings": [[stream.encoding, stream.errors] if stream else None for stream in streams],
            }
            send(connection, request, (0, 1, 2))
            messages = Messages(connection)
            started = messages.next()
        except (OSError, ValueError):
            return None
        if started is None or not isinstance(started.get("pid"), int):
            return None  # refused (another installation, changed code): nothing ran
        return _wait(started["pid"], messages)


def _wait(pid: int, messages: Messages) -> int:
    """Pass signals on to the command's process `pid` until its status arrives; the status as this
    process's own (a signal that ended it ends this process too)."""

    def forward(number: int, _frame: object) -> None:
        try:  # noqa: SIM105 (contextlib would be one more import for the command line)
            os.kill(pid, number)
        except ProcessLookupError:
            pass  # it has just ended: its status is on its way

    for number in FORWARDED:
        signal.signal(number, forward)
    try:
        ended = messages.next()
    except (OSError, ValueError):
        ended = None
    if ended is None:
        print(
            f"registre: the preloader ended before the command's exit status came back; the command (pid {pid}) "
            "may still be running or have finished: check before running it again",
            file=sys.stderr,
        )
        return 1
    ending = ended.get("signal")
    if isinstance(ending, int) and ending > 0:
        signal.signal(ending, signal.SIG_DFL)
        os.kill(os.getpid(), ending)
        return 128 + ending
    code = ended.get("exit")
    return code if isinstance(code, int) else 1
