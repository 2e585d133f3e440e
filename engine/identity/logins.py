"""Password login with a lockout per account *and client address* that grows exponentially with failures.

After ``max_failures`` wrong passwords in a row for one username from one
address, that username is locked *at that address* for ``base`` seconds; every
further failure there once the lock has run out doubles the window
(``base * 2**(failures - max_failures)``), capped at ``cap``. While locked, every
attempt from that address is refused with 429 and ``Retry-After`` *before* the
password is looked at, so a correct password is refused too and guessing costs
no hashing. The same account logs in from any other address as usual: an
attacker cannot lock a user (or the admin) out by failing on purpose. A
successful login clears that address's count.

Guessing across many accounts from one address is bounded by the API's
per-address rate limit (api/login_limits.py); guessing one account from many
addresses costs each address its own lockout.

Usernames that do not exist are counted the same way, so the answers do not tell
which accounts exist. The count is stored in the database (``login_throttle``),
so it holds across processes and restarts; the failure is committed even though
the request fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import TooManyRequests, Unauthorized
from engine.identity.tokens import IdentityService
from engine.store.models import LoginThrottle
from engine.store.unit_of_work import LOGIN_THROTTLE, UnitOfWork


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    base_seconds: int = 30
    cap_seconds: int = 3600

    def window(self, failures: int) -> timedelta | None:
        """How long to lock after ``failures`` consecutive failures (None: not locked)."""
        if failures < self.max_failures:
            return None
        exponent = min(failures - self.max_failures, 32)
        return timedelta(seconds=min(self.base_seconds * 2 ** exponent, self.cap_seconds))


class LoginService:
    def __init__(self, uow: UnitOfWork, clock: Clock, identity: IdentityService, policy: LockoutPolicy) -> None:
        self.uow = uow
        self.clock = clock
        self.identity = identity
        self.policy = policy

    def login(self, username: str, password: str, address: str = "") -> str:
        """A bearer token, or Unauthorized (wrong credentials) / TooManyRequests (locked at ``address``)."""
        key = (username, address[:64])

        # 1. a lock in force refuses before any hashing
        def check(session: Session) -> int | None:
            row = session.get(LoginThrottle, key)
            now = self.clock.now()
            if row is not None and row.locked_until is not None and row.locked_until > now:
                raise self._locked(row.locked_until - now)
            # 2. the password check (argon2, slow) holds no write lock
            return self.identity.check_password(session, username, password)

        user_id = self.uow.read(check)

        # 3. a short write: re-check the lock as of now, then count the failure or issue the token
        def settle(session: Session) -> str | Exception:
            now = self.clock.now()
            row = session.get(LoginThrottle, key, with_for_update=True)
            if row is not None and row.locked_until is not None and row.locked_until > now:
                return self._locked(row.locked_until - now)
            if user_id is None:
                return (self._record_failure(session, row, username, key[1], now)
                        or Unauthorized("用户名或密码错误"))
            if row is not None:
                session.delete(row)
            return self.identity.issue_token(session, user_id)

        # two first failures at one address at once (PostgreSQL): the later one runs again and counts on the row
        outcome = self.uow.write(settle, unique_races=(LOGIN_THROTTLE,))
        if isinstance(outcome, Exception):
            raise outcome  # after the commit: the failure is counted even though the request fails
        return outcome

    def logout(self, token: str) -> None:
        """Revoke ``token``."""
        self.uow.write(lambda session: self.identity.logout(session, token))

    def _record_failure(self, session: Session, row: LoginThrottle | None, username: str, address: str,
                        now: datetime) -> TooManyRequests | None:
        if row is None:
            row = LoginThrottle(username=username, address=address, failures=0)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        window = self.policy.window(row.failures)
        row.locked_until = now + window if window else None
        return self._locked(window) if window else None

    @staticmethod
    def _locked(remaining: timedelta) -> TooManyRequests:
        seconds = max(1, math.ceil(remaining.total_seconds()))
        return TooManyRequests(f"登录失败次数过多，该账号在本机地址已临时锁定，请 {seconds} 秒后再试", seconds)
