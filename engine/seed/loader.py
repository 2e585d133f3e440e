"""Loading roles (always) and demo organisations and users (on an empty database)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.identity.tokens import shared_hash
from engine.store.models import Organisation, Role, User, UserRole

HERE = Path(__file__).parent
DEMO_PASSWORD = "demo"


def seed_roles(session: Session) -> None:
    existing = set(session.scalars(select(Role.id)))
    for role in json.loads((HERE / "roles.json").read_text(encoding="utf-8")):
        if role["id"] not in existing:
            session.add(Role(id=role["id"], name=role["name"], scope=role["scope"]))
    session.flush()


def seed_demo(session: Session, now: datetime) -> bool:
    """Insert the demo organisations and users unless users exist already."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return False
    demo = json.loads((HERE / "demo.json").read_text(encoding="utf-8"))
    for org in demo["organisations"]:
        session.add(Organisation(id=org["id"], name=org["name"], level=org["level"], parent_id=org["parent"]))
    session.flush()
    password_hash = shared_hash(DEMO_PASSWORD)
    for spec in demo["users"]:
        user = User(username=spec["username"], display_name=spec["display_name"], password_hash=password_hash,
                    org_id=spec["org"], active=True, failed_logins=0, created_at=now)
        session.add(user)
        session.flush()
        for role in spec["roles"]:
            session.add(UserRole(user_id=user.id, role_id=role))
    session.flush()
    return True
