"""Login abuse: an attacker's failures lock an account only at the attacker's address; spraying is rate limited.

Addresses are set per request (``REMOTE_ADDR``) as a server sees its peers; a
proxy's ``X-Forwarded-For`` counts only when the proxy is trusted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import ApiClient, fresh_settings, make_client

ATTACKER = "203.0.113.7"
ADMIN_DESK = "198.51.100.20"


def login(api: ApiClient, username: str, password: str, address: str, **headers: str) -> Any:
    return api.client.post("/api/v1/auth/token", json={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": address}, headers=headers)


@pytest.fixture
def limited(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, login_rate_limit="12 per minute"))


def test_an_attackers_lockout_of_admin_does_not_block_admin_elsewhere(backend_api: ApiClient) -> None:
    for _ in range(4):
        assert login(backend_api, "admin", "guess", ATTACKER).status_code == 401
    assert login(backend_api, "admin", "guess", ATTACKER).status_code == 429  # the fifth failure locks
    locked = login(backend_api, "admin", "demo", ATTACKER)  # the right password, from the attacker's address
    assert locked.status_code == 429
    assert "本机地址已临时锁定" in locked.get_json()["error"]["message"]
    assert int(locked.headers["Retry-After"]) >= 1
    assert login(backend_api, "admin", "demo", ADMIN_DESK).status_code == 200
    # and admin's success at the desk does not unlock the attacker's address
    assert login(backend_api, "admin", "demo", ATTACKER).status_code == 429


def test_one_ipv6_network_is_one_address(api: ApiClient) -> None:
    for host in range(1, 6):
        assert login(api, "street_a", "guess", f"2001:db8:1:2::{host}").status_code == (401 if host < 5 else 429)
    assert login(api, "street_a", "demo", "2001:db8:1:2::99").status_code == 429
    assert login(api, "street_a", "demo", "2001:db8:1:3::1").status_code == 200


def test_spraying_many_accounts_from_one_address_is_rate_limited(limited: ApiClient) -> None:
    users = ["street_a", "street_b", "village_a1", "civil_affairs", "district_gov", "housing"]
    answers = [login(limited, users[i % len(users)], "guess", ATTACKER).status_code for i in range(12)]
    assert answers == [401] * 12  # no account reached its own lockout
    refused = login(limited, "developer", "demo", ATTACKER)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_requests" and "该地址登录失败次数过多" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert login(limited, "developer", "demo", ADMIN_DESK).status_code == 200


def test_successful_logins_do_not_use_up_an_address(limited: ApiClient) -> None:
    for _ in range(15):  # an office behind one NAT address
        assert login(limited, "street_a", "demo", ADMIN_DESK).status_code == 200


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(template_db: Path, tmp_path: Path,
                                                                api: ApiClient) -> None:
    # untrusted: X-Forwarded-For is the attacker's own claim and changes nothing
    for i in range(5):
        assert login(api, "auditor", "guess", ATTACKER,
                     **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code == (401 if i < 4 else 429)
    assert login(api, "auditor", "demo", ATTACKER, **{"X-Forwarded-For": "192.0.2.200"}).status_code == 429
    # trusted: the proxy's peer is the same, the clients differ
    (tmp_path / "proxied").mkdir()
    for behind in make_client(fresh_settings(template_db, tmp_path / "proxied", trusted_proxies=1)):
        proxy = "10.0.0.5"
        for i in range(5):
            assert login(behind, "auditor", "guess", proxy,
                         **{"X-Forwarded-For": ATTACKER}).status_code == (401 if i < 4 else 429)
        assert login(behind, "auditor", "demo", proxy, **{"X-Forwarded-For": ATTACKER}).status_code == 429
        assert login(behind, "auditor", "demo", proxy, **{"X-Forwarded-For": ADMIN_DESK}).status_code == 200
