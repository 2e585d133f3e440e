"""The first administrator of a database that has none.

A server refuses to start without an active admin (nobody could create users), so
the first one comes from the operator: ``ADMIN_PASSWORD`` in the environment of
``flask --app api serve`` (or ``flask --app api create-admin``) creates the user
``ADMIN_USERNAME`` (default ``admin``) with the role ``admin`` in organisation
``ADMIN_ORG`` (default ``xinqu``), creating that organisation as a top-level unit
named ``ADMIN_ORG_NAME`` if it does not exist. An existing admin is never changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Problem, ValidationFailed
from engine.identity.tokens import hash_password
from engine.store.models import Organisation, User, UserRole

ADMIN_ROLE = "admin"
MIN_PASSWORD = 8


def has_admin(session: Session) -> bool:
    """Whether an active user holds the admin role."""
    return session.scalar(select(User.id).join(UserRole, UserRole.user_id == User.id)
                          .where(UserRole.role_id == ADMIN_ROLE, User.active.is_(True)).limit(1)) is not None


def create_admin(session: Session, username: str, password: str, org_id: str, org_name: str,
                 now: datetime) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed("管理员密码过短", [Problem("password", f"密码至少 {MIN_PASSWORD} 位")])
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在")
    if session.get(Organisation, org_id) is None:
        session.add(Organisation(id=org_id, name=org_name, level="city", parent_id=None))
        session.flush()
    user = User(username=username, display_name="系统管理员", password_hash=hash_password(password),
                org_id=org_id, active=True, failed_logins=0, created_at=now)
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role_id=ADMIN_ROLE))
