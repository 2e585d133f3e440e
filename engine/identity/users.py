"""User administration (admins) and the reference lists everyone reads: organisations and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import Conflict, NotFound, Problem, ValidationFailed
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.tokens import hash_password
from engine.read.paging import Page, PageRequest, fetch_page, like_pattern
from engine.store.models import AuthToken, Organisation, Role, User, UserRole
from engine.store.unit_of_work import USERNAME, UnitOfWork

USER_SORTS = {"username": User.username, "display_name": User.display_name, "org": User.org_id,
              "created_at": User.created_at}


@dataclass(frozen=True)
class UserFilter:
    role: str | None = None
    org: str | None = None
    active: bool | None = None
    q: str | None = None  # part of the username or display name


def _roles_of(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    roles: dict[int, list[str]] = {uid: [] for uid in user_ids}
    if user_ids:
        for user_id, role in session.execute(select(UserRole.user_id, UserRole.role_id)
                                             .where(UserRole.user_id.in_(user_ids))):
            roles[user_id].append(role)
    return {uid: sorted(r) for uid, r in roles.items()}


def user_view(user: User, roles: list[str], org_name: str | None = None) -> dict[str, Any]:
    created = user.created_at
    view: dict[str, Any] = {"username": user.username, "display_name": user.display_name, "roles": roles,
                            "org": user.org_id, "active": user.active, "created_at": created}
    if org_name is not None:
        view["org_name"] = org_name
    return view


class UserAdmin:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    # -- reads ----------------------------------------------------------------------------

    def me(self, actor: Actor) -> dict[str, Any]:
        def read(session: Session) -> dict[str, Any]:
            user = session.get(User, actor.user_id)
            if user is None:
                raise NotFound("用户不存在")
            org = session.get(Organisation, user.org_id)
            return user_view(user, sorted(actor.roles), org.name if org else user.org_id)

        return self.uow.read(read)

    def list_users(self, actor: Actor, filters: UserFilter, page: PageRequest) -> Page[dict[str, Any]]:
        access.require_user_admin(actor)
        stmt: Select[Any] = select(User)
        if filters.role:
            stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role_id == filters.role)))
        if filters.org:
            stmt = stmt.where(User.org_id == filters.org)
        if filters.active is not None:
            stmt = stmt.where(User.active.is_(filters.active))
        if filters.q:
            pattern = like_pattern(filters.q)
            stmt = stmt.where(User.username.ilike(pattern, escape="\\") | User.display_name.ilike(pattern, escape="\\"))
        def read(session: Session) -> Page[dict[str, Any]]:
            found = fetch_page(session, stmt, page, USER_SORTS, "username", User.id)
            roles = _roles_of(session, [u.id for u in found.items])
            return Page([user_view(u, roles[u.id]) for u in found.items], found.total)

        return self.uow.read(read)

    def organisations(self) -> list[dict[str, Any]]:
        return self.uow.read(lambda session: [
            {"id": o.id, "name": o.name, "level": o.level, "parent": o.parent_id, "converted_into": o.converted_into,
             "converted_on": o.converted_on, "converted_by": o.converted_by, "established_by": o.established_by}
            for o in session.scalars(select(Organisation).order_by(Organisation.id))])

    def roles(self) -> list[dict[str, Any]]:
        return self.uow.read(lambda session: [
            {"id": r.id, "name": r.name, "scope": r.scope} for r in session.scalars(select(Role).order_by(Role.id))])

    # -- commands -------------------------------------------------------------------------

    def create(self, actor: Actor, spec: dict[str, Any]) -> dict[str, Any]:
        access.require_user_admin(actor)
        # two admins creating one username at once (PostgreSQL): the later one runs again and is told it exists
        return self.uow.write(lambda session: self._create(session, spec), unique_races=(USERNAME,))

    def _create(self, session: Session, spec: dict[str, Any]) -> dict[str, Any]:
        self._check_refs(session, spec.get("org"), spec.get("roles"))
        if session.scalar(select(User.id).where(User.username == spec["username"])) is not None:
            raise Conflict(f"用户名 {spec['username']} 已存在")
        user = User(username=spec["username"], display_name=spec["display_name"],
                    password_hash=hash_password(spec["password"]), org_id=spec["org"],
                    active=spec.get("active", True), failed_logins=0, created_at=self.clock.now())
        session.add(user)
        session.flush()
        for role in sorted(set(spec["roles"])):
            session.add(UserRole(user_id=user.id, role_id=role))
        session.flush()
        return user_view(user, sorted(set(spec["roles"])))

    def update(self, actor: Actor, username: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a user; disabling them or changing their password revokes their tokens."""
        access.require_user_admin(actor)
        return self.uow.write(lambda session: self._update(session, actor, username, changes))

    def _update(self, session: Session, actor: Actor, username: str, changes: dict[str, Any]) -> dict[str, Any]:
        user = session.scalar(select(User).where(User.username == username).with_for_update())
        if user is None:
            raise NotFound(f"用户 {username} 不存在")
        self._check_refs(session, changes.get("org"), changes.get("roles"))
        if user.id == actor.user_id:
            if changes.get("active") is False:
                raise Conflict("不能停用自己的账号")
            if "roles" in changes and "admin" not in changes["roles"]:
                raise Conflict("不能移除自己的管理员角色")
        if "display_name" in changes:
            user.display_name = changes["display_name"]
        if "org" in changes:
            user.org_id = changes["org"]
        if "active" in changes:
            user.active = changes["active"]
        if "password" in changes:
            user.password_hash = hash_password(changes["password"])
            user.failed_logins = 0
        if "roles" in changes:
            session.execute(delete(UserRole).where(UserRole.user_id == user.id))
            for role in sorted(set(changes["roles"])):
                session.add(UserRole(user_id=user.id, role_id=role))
        if changes.get("active") is False or "password" in changes:
            session.execute(update(AuthToken).where(AuthToken.user_id == user.id,
                                                    AuthToken.revoked_at.is_(None))
                            .values(revoked_at=self.clock.now()))
        session.flush()
        return user_view(user, _roles_of(session, [user.id])[user.id])

    @staticmethod
    def _check_refs(session: Session, org: str | None, roles: list[str] | None) -> None:
        problems = []
        if org is not None and session.get(Organisation, org) is None:
            problems.append(Problem("org", f"单位 {org} 不存在"))
        if roles is not None:
            known = set(session.scalars(select(Role.id)))
            problems += [Problem(f"roles/{i}", f"角色 {r} 不存在") for i, r in enumerate(roles) if r not in known]
        if problems:
            raise ValidationFailed("用户信息不正确", problems)
