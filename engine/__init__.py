"""The domain: definitions, instances, tasks, journal and identities.

Nothing in this package imports Flask; the HTTP layer lives in ``api``.
"""
