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
    seed_demo: bool = False  # SEED_DEMO=1: `serve` also loads the demo organisations and users
    # the first admin, created by `serve` or `create-admin` when the database has none (engine/identity/first_admin.py)
    admin_username: str = "admin"
    admin_password: str = field(default="", repr=False)
    admin_org: str = "xinqu"
    admin_org_name: str = "西咸新区"
    max_request_bytes: int = 16 * 1024 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024
    # failed logins: after this many in a row an account is locked, first for
    # login_lockout_seconds, doubling with every further failure up to the maximum
    login_max_failures: int = 5
    login_lockout_seconds: int = 30
    login_lockout_max_seconds: int = 3600
    # a font file with Chinese glyphs for the 审批表 PDF; None: look for one (engine/record/cjk_font.py)
    cjk_font: Path | None = None
    # failed logins one client address may make, across usernames (api/login_limits.py), and where it is counted
    login_rate_limit: str = "30 per minute;300 per hour"
    login_rate_limit_storage: str = "memory://"
    public_rate_limit: str = "60 per minute;1000 per hour"  # the no-login pages and APIs (/access-list)
    # reverse proxies in front whose X-Forwarded-* headers are believed (0: none; see api/security_headers.py)
    trusted_proxies: int = 0
    # how long a command waits for another's lock (SQLite busy timeout, PostgreSQL lock_timeout), then 503
    db_lock_timeout_ms: int = 30_000
    # log lines: "json" (one JSON object a line, with request ids) or "text"
    log_format: str = "json"
    # how long a process trusts its copy of organisations and role scopes (another process may change them)
    directory_cache_seconds: float = 30.0
    # the key of the receipts' check codes (engine/cases/receipts.py); empty: the random key in the database
    receipt_secret: str = field(default="", repr=False)
    # lookups one client address may make on the public progress page (api/public_limits.py)
    progress_rate_limit: str = "10 per minute;100 per hour"
    # 催办: each open step is urged at most once in this many seconds
    urge_interval_seconds: int = 3600
    # the key of verification seals (engine/audit/seals.py), kept outside the database: the key itself
    # (VERIFY_SEAL_KEY) or a file holding it (VERIFY_SEAL_KEY_FILE); neither: no seals, every verification replays all
    verify_seal_key: str = field(default="", repr=False)
    verify_seal_key_file: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("DATABASE_URL", defaults.database_url),
            token_ttl_seconds=int(os.environ.get("TOKEN_TTL_SECONDS", defaults.token_ttl_seconds)),
            seed_demo=os.environ.get("SEED_DEMO", "0") not in ("", "0"),
            admin_username=os.environ.get("ADMIN_USERNAME") or defaults.admin_username,
            admin_password=os.environ.get("ADMIN_PASSWORD", ""),
            admin_org=os.environ.get("ADMIN_ORG") or defaults.admin_org,
            admin_org_name=os.environ.get("ADMIN_ORG_NAME") or defaults.admin_org_name,
            attachments_dir=Path(os.environ.get("ATTACHMENTS_DIR", str(defaults.attachments_dir))),
            max_attachment_bytes=int(os.environ.get("MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes)),
            cjk_font=Path(os.environ["CJK_FONT"]) if os.environ.get("CJK_FONT") else None,
            login_rate_limit=os.environ.get("LOGIN_RATE_LIMIT", defaults.login_rate_limit),
            login_rate_limit_storage=os.environ.get("LOGIN_RATE_LIMIT_STORAGE", defaults.login_rate_limit_storage),
            public_rate_limit=os.environ.get("PUBLIC_RATE_LIMIT", defaults.public_rate_limit),
            trusted_proxies=int(os.environ.get("TRUSTED_PROXIES", defaults.trusted_proxies)),
            log_format=os.environ.get("LOG_FORMAT", defaults.log_format),
            directory_cache_seconds=float(os.environ.get("DIRECTORY_CACHE_SECONDS",
                                                         defaults.directory_cache_seconds)),
            db_lock_timeout_ms=int(os.environ.get("DB_LOCK_TIMEOUT_MS", defaults.db_lock_timeout_ms)),
            receipt_secret=os.environ.get("RECEIPT_SECRET", ""),
            progress_rate_limit=os.environ.get("PROGRESS_RATE_LIMIT", defaults.progress_rate_limit),
            urge_interval_seconds=int(os.environ.get("URGE_INTERVAL_SECONDS", defaults.urge_interval_seconds)),
            verify_seal_key=os.environ.get("VERIFY_SEAL_KEY", ""),
            verify_seal_key_file=os.environ.get("VERIFY_SEAL_KEY_FILE", ""),
        )
