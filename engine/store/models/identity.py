"""Who acts: organisations, roles, users and their sessions, login throttling, the directory's additions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))  # city, district, street, community, village, external
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    # 撤村建居 (engine/villages/): a village converted into a community, when and by which case; a
    # community the conversion created. Written only by the journalled ``village_convert`` command.
    converted_into: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    converted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    converted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    established_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # where a lane of this role is offered: street, district, city, subject, developer, none
    scope: Mapped[str] = mapped_column(String(32))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role_id: Mapped[str] = mapped_column(ForeignKey("roles.id"), primary_key=True)


class AuthToken(Base):
    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LoginThrottle(Base):
    """Consecutive failed logins per username (known or not) from one client address, and the lockout earned."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    # the client address (an IPv6 client by its /64 network): a lockout earned there holds only there
    address: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class DirectoryAddition(Base):
    """An organisation a case brought into the directory (a split-off area's new community).

    Written only by the journalled ``directory_add`` command of that case (engine/directory/additions.py);
    ``journal_seq`` is that entry, so verify can compare the organisation with it.
    """

    __tablename__ = "directory_additions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    journal_seq: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
