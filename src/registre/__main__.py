"""`python -m registre` runs the command line."""

from registre.cli import run

run()
