"""The audit log: append-only, hash-chained entries for every action on personal data or a request."""
