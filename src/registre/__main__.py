"""`python -m registre` runs the command line."""

from registre.cli.main import app

app()
