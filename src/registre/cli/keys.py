"""`registre keys generate|rotate`: encryption keys of the data that Registre itself holds."""

from __future__ import annotations

from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import err, out

app = typer.Typer(help="Encryption keys: generate one, rotate stored values to the first key.", no_args_is_help=True)


@app.command("generate")
def generate() -> None:
    """Print a new encryption key, to put first in REGISTRE_ENCRYPTION_KEYS (keep the old keys after it)."""
    out.print(web.generate_key())


@app.command("rotate")
def rotate(
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows re-encrypted per transaction.")] = 500,
) -> None:
    """Re-encrypt every stored value with the first key; then the old keys can be removed. Safe to re-run."""

    def progress(field: str, rewritten: int) -> None:
        err.print(f"{field}: {rewritten} value(s) re-encrypted so far")

    rotated = web.rotate_keys(batch_size, progress)
    for field, count in rotated.items():
        out.print(f"{field}: {count} value(s) re-encrypted")
    out.print(f"done: {sum(rotated.values())} value(s) re-encrypted in {len(rotated)} field(s)")
