"""``python -m api …``: the same commands as ``flask --app api …`` (``python -m api serve`` serves)."""

from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="社区治理审批流程引擎")(prog_name="python -m api")


if __name__ == "__main__":
    main()
