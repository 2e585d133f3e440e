"""Users, passwords and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import Unauthorized
from engine.identity.actors import Actor
from engine.store.models import AuthToken, User, UserRole

# OWASP's Password Storage Cheat Sheet, argon2id's first minimum configuration: 19 MiB, 2 iterations, 1 lane.
# (argon2-cffi's default, 64 MiB × 3 × 4 lanes, took 200 ms of CPU per login on the bench machine and over a
# second under load.) Hashes of other parameters still verify: each hash names its own.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**ARGON2_PARAMETERS)

# Core (table) statements: no ORM entity, so SQLAlchemy skips its ORM compilation layer.
_tokens, _users, _user_roles = AuthToken.__table__, User.__table__, UserRole.__table__
# The token, its user and the user's roles in one statement: a row per role (one row with no role if none).
_TOKEN_USER_ROLES = (select(_tokens.c.revoked_at, _tokens.c.expires_at, _users.c.id.label("user_id"),
                            _users.c.username, _users.c.display_name, _users.c.org_id, _users.c.active,
                            _user_roles.c.role_id)
                     .select_from(_tokens.outerjoin(_users, _users.c.id == _tokens.c.user_id)
                                  .outerjoin(_user_roles, _user_roles.c.user_id == _users.c.id))
                     .where(_tokens.c.token_hash == bindparam("digest")))


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

    def check_password(self, session: Session, username: str, password: str) -> int | None:
        """The user's id if ``password`` is theirs and the account is active, else None.

        Spends the same time on an unknown user as on a wrong password. Needs only a
        read: callers run it outside any write transaction (argon2 takes a while).
        """
        row = session.execute(select(User.id, User.password_hash, User.active)
                              .where(User.username == username)).first()
        if row is None or not row.active:
            _hasher_dummy_verify(password)
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return int(row.id)

    def issue_token(self, session: Session, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        session.add(AuthToken(token_hash=_token_digest(token), user_id=user_id, created_at=now,
                              expires_at=now + self.ttl))
        return token

    def login(self, session: Session, username: str, password: str) -> str:
        """Check and issue in one session (seeding, tests, the benchmark); the API goes through LoginService."""
        user_id = self.check_password(session, username, password)
        if user_id is None:
            raise Unauthorized("用户名或密码错误")
        return self.issue_token(session, user_id)

    def authenticate(self, session: Session, token: str) -> Actor:
        # Every request pays for this: one prebuilt statement (the token joined with its user and roles).
        rows = session.connection().execute(_TOKEN_USER_ROLES, {"digest": _token_digest(token)}).all()
        row = rows[0] if rows else None
        if row is None or row.revoked_at is not None:
            raise Unauthorized()
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=self.clock.now().tzinfo)
        if expires <= self.clock.now():
            raise Unauthorized("登录已过期，请重新登录")
        if row.user_id is None or not row.active:
            raise Unauthorized("账号已停用")
        roles = frozenset(r.role_id for r in rows if r.role_id is not None)
        return Actor(row.user_id, row.username, row.display_name, row.org_id, roles)

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
