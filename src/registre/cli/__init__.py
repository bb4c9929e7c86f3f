"""The `registre` command line (Typer)."""
