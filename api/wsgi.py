"""The WSGI application for a process server (gunicorn): ``gunicorn api.wsgi:app``.

It does not bootstrap: with several worker processes the schema, seed data and
procedures are set up once before they start (``python -m api bootstrap``,
which scripts/serve-production runs), not by each worker at once.
"""

from __future__ import annotations

from . import create_app

app = create_app(bootstrap=False)
