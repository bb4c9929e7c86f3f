"""The error boundary of the command line: a known fault is one line that says what to fix, never a traceback.

Commands raise `CommandError` for faults the user can fix (a setting, a file,
a database that is down); the root group turns it, and the faults of files
and databases that reach it, into `error: ...` on standard error and exit 1.
An exception of any other type is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any, NoReturn

from typer import _click
from typer.core import TyperGroup

# Faults of the world outside Registre, by the package that raises them: named
# by module so that the boundary costs no import of SQLAlchemy or Django.
_DATABASE_MODULES = ("sqlalchemy.exc", "django.db", "psycopg", "pymysql", "sqlite3")


class CommandError(Exception):
    """A fault the user can fix; the message is one line that names the setting or file and the fix."""


class ErrorBoundary(TyperGroup):
    """The root group: known faults become one line and exit 1."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CommandError as error:
            fail(str(error))
        except UnicodeDecodeError as error:
            fail(f"a file is not UTF-8 (byte 0x{error.object[error.start]:02x} at {error.start}): save it as UTF-8")
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            fail(f"cannot use{where}: {error.strerror or error}")
        except Exception as error:
            if not _is_database_fault(error):
                raise
            fail(f"database error: {first_line(error)}")


def fail(message: str) -> NoReturn:
    """Print the fault as the console prints errors, and exit 1."""
    # Imported here: the console module loads the policy package, which `registre --help` must not pay for.
    from registre.cli.console import fail as print_and_exit

    print_and_exit(message)


def _is_database_fault(error: BaseException) -> bool:
    return any(cls.__module__.startswith(_DATABASE_MODULES) for cls in type(error).__mro__)


def first_line(error: BaseException) -> str:
    """The first line of an error's message (drivers append SQL and links on the next lines)."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
