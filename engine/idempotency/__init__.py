"""Idempotent commands: a retried request with the same ``Idempotency-Key`` returns the first result."""
