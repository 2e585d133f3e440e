"""Users, passwords and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .actors import Actor
from .clock import Clock
from .errors import Unauthorized
from .store.models import AuthToken, User, UserRole

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=8)
def shared_hash(password: str) -> str:
    """One hash reused for many seeded users with the same password (seeding stays fast)."""
    return _hasher.hash(password)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_actor(session: Session, user: User) -> Actor:
    roles = frozenset(session.scalars(select(UserRole.role_id).where(UserRole.user_id == user.id)))
    return Actor(user.id, user.username, user.display_name, user.org_id, roles)


class IdentityService:
    def __init__(self, clock: Clock, token_ttl_seconds: int) -> None:
        self.clock = clock
        self.ttl = timedelta(seconds=token_ttl_seconds)

    def login(self, session: Session, username: str, password: str) -> str:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            _hasher_dummy_verify(password)
            raise Unauthorized("用户名或密码错误")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError) as exc:
            session.execute(update(User).where(User.id == user.id)
                            .values(failed_logins=User.failed_logins + 1))
            raise Unauthorized("用户名或密码错误") from exc
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        session.add(AuthToken(token_hash=_token_digest(token), user_id=user.id, created_at=now,
                              expires_at=now + self.ttl))
        if user.failed_logins:
            user.failed_logins = 0
        return token

    def authenticate(self, session: Session, token: str) -> Actor:
        row = session.get(AuthToken, _token_digest(token))
        if row is None or row.revoked_at is not None:
            raise Unauthorized()
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=self.clock.now().tzinfo)
        if expires <= self.clock.now():
            raise Unauthorized("登录已过期，请重新登录")
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            raise Unauthorized("账号已停用")
        return load_actor(session, user)

    def logout(self, session: Session, token: str) -> None:
        row = session.get(AuthToken, _token_digest(token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = self.clock.now()


_DUMMY_HASH = None


def _hasher_dummy_verify(password: str) -> None:
    """Spend the same time on an unknown user as on a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("dummy-password")
    with suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)
