"""Configuration from the environment, with the embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'var' / 'shequ.db'}"
    processes_dir: Path = ROOT / "processes"
    forms_dir: Path = ROOT / "forms"
    attachments_dir: Path = ROOT / "var" / "attachments"
    token_ttl_seconds: int = 8 * 3600
    seed_demo: bool = True
    deploy_on_start: bool = True
    max_request_bytes: int = 16 * 1024 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024
    # failed logins: after this many in a row an account is locked, first for
    # login_lockout_seconds, doubling with every further failure up to the maximum
    login_max_failures: int = 5
    login_lockout_seconds: int = 30
    login_lockout_max_seconds: int = 3600
    # 催办: each open step is urged at most once in this many seconds
    urge_interval_seconds: int = 3600
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("DATABASE_URL", defaults.database_url),
            token_ttl_seconds=int(os.environ.get("TOKEN_TTL_SECONDS", defaults.token_ttl_seconds)),
            seed_demo=os.environ.get("SEED_DEMO", "1") != "0",
            attachments_dir=Path(os.environ.get("ATTACHMENTS_DIR", str(defaults.attachments_dir))),
            max_attachment_bytes=int(os.environ.get("MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes)),
            urge_interval_seconds=int(os.environ.get("URGE_INTERVAL_SECONDS", defaults.urge_interval_seconds)),
        )
