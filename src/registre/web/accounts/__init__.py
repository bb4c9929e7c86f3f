"""Staff accounts: roles, scopes, API tokens, login throttling, and the one answer to "may they do this?"."""
