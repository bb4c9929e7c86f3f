"""The engine of Registre: a library with no Django and no command line."""
