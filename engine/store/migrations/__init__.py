"""Alembic's environment for the engine's schema: ``env.py``, the revision template, ``versions/``.

Run through :mod:`engine.store.schema` (``flask --app api db upgrade``), never with
``create_all``. How to add a revision: README, section "Schema migrations".
"""
