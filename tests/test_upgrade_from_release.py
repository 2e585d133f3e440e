"""A database of the last release made without migrations (commit 38714f3) upgrades and its cases go on.

The release's own code (``git archive`` of the commit) builds the database with cases
in every state (tests/release_cases.py); this release upgrades it with the same
command an operator runs, and then every old case opens, verifies, and goes on where
it can: the running one is accepted, the suspended one resumed and worked on, the one
stopped by a script error resumed and corrected, the countersigning finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.settings import Settings
from engine.store import schema
from engine.store.models import Base
from engine.store.unmodelled import model_name
from tests.audit_support import ACCEPT
from tests.case_helpers import ELIGIBILITY
from tests.support import ApiClient, make_client

ROOT = Path(__file__).resolve().parent.parent
RELEASE = "38714f3"


@pytest.fixture(scope="module")
def release_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release's files, as ``git archive`` gives them."""
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{RELEASE}^{{commit}}"], capture_output=True)
    if found.returncode != 0:
        message = f"commit {RELEASE} is not in this clone's history (a shallow clone?)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " — required under CI", pytrace=False)
        pytest.skip(message)
    tree = tmp_path_factory.mktemp("release")
    archive = tree / "release.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), RELEASE], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tree / RELEASE, filter="data")
    return tree / RELEASE


@pytest.fixture
def release_database(release_tree: Path, empty_database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict]]:
    attachments = tmp_path / "attachments"
    env = {**os.environ, "PYTHONPATH": str(release_tree)}
    made = subprocess.run([sys.executable, str(ROOT / "tests" / "release_cases.py"), empty_database_url,
                           str(attachments)], cwd=release_tree, env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    cases = json.loads(made.stdout.strip().splitlines()[-1])
    yield empty_database_url, cases


def _upgrade(database_url: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "api", "db", "upgrade"], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _complete(api: ApiClient, case: int, element: str, user: str, data: dict[str, Any]) -> dict[str, Any]:
    return _ok(api.complete(api.open_task(case, element, user)["id"], user, data, "升级之后"))


def test_a_database_of_the_last_release_upgrades_and_every_case_goes_on(
        release_database: tuple[str, dict[str, int]], tmp_path: Path) -> None:
    database_url, cases = release_database
    assert schema.head() in _upgrade(database_url)
    settings = Settings(database_url=database_url, attachments_dir=tmp_path / "attachments")
    for api in make_client(settings):
        for user in ("admin", "auditor", "department", "civil_affairs", "street_a"):
            # logins into this database: the demo tokens of the test template are not in it
            api.tokens[user] = _ok(api.post("/auth/token", {"username": user, "password": "demo"}))["token"]
        db = api.engine.db
        assert schema.revision_of(db) == schema.head()
        with db.read_engine.connect() as conn:
            # but SQLite's own tables of the FTS5 search index (engine/read/search_index.py)
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                          "include_name": model_name}),
                                    Base.metadata) == []

        # every old case opens, in the state the release left it, and verifies
        expected = {"running": "running", "completed": "completed", "suspended": "suspended",
                    "terminated": "terminated", "error": "error", "signing": "running"}
        for state, case in cases.items():
            view = _ok(api.get(f"/process-instances/{case}", as_user="admin"))
            assert view["status"] == expected[state], (state, view)
            assert _ok(api.post(f"/process-instances/{case}/verify", as_user="auditor"))["ok"], state
        entries = _ok(api.get(f"/process-instances/{cases['completed']}/history", as_user="auditor"))
        assert len(entries) > 50  # past two checkpoints: the state at an entry starts from the release's copy
        state = _ok(api.get(f"/process-instances/{cases['completed']}/history/{len(entries) - 3}/state",
                            as_user="auditor"))
        assert state["seq"] == len(entries) - 3
        attachments = _ok(api.get(f"/process-instances/{cases['running']}/attachments", as_user="department"))
        assert [a["filename"] for a in attachments] == ["材料.pdf"]

        # and goes on
        assert _complete(api, cases["running"], "gatekeep_review", "civil_affairs", ACCEPT)["status"] == "running"
        _ok(api.post(f"/process-instances/{cases['suspended']}/resume", {"reason": "材料已到"}, as_user="admin"))
        _complete(api, cases["suspended"], "check_eligibility", "street_a", ELIGIBILITY)
        _ok(api.post(f"/process-instances/{cases['error']}/resume", {"reason": "已更正"}, as_user="admin"))
        assert _complete(api, cases["error"], "check", "street_a", {"divisor": 5})["status"] == "completed"
        _complete(api, cases["signing"], "sign_a", "street_a", {"agree": True})
        done = _complete(api, cases["signing"], "sign_b", "civil_affairs", {"agree": True})
        assert done["status"] == "completed" and done["end_event"]
        # a new case on the upgraded database
        new = _ok(api.start("street_a", "loop_approval", {}), 201)
        assert new["business_key"] and new["id"] not in cases.values()

        for state, case in [*cases.items(), ("new", new["id"])]:
            assert _ok(api.post(f"/process-instances/{case}/verify", as_user="auditor"))["ok"], state
