"""The WSGI application for a process server (gunicorn): ``gunicorn api.wsgi:app``.

It neither migrates nor seeds: with several worker processes the schema and the
procedures are set up once before they start (``flask --app api db upgrade`` and
``deploy-processes``, which scripts/serve-production runs), not by each worker at once.
"""

from __future__ import annotations

from engine.settings import Settings

from . import create_app
from .cli import configure_logging
from .heap import freeze_after_start_up

settings = Settings.from_env()
configure_logging(settings.log_format)
app = create_app(settings)
freeze_after_start_up()
