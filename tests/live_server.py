"""The real server (``python -m api serve``: waitress, several threads) as a child process on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerGone(Exception):
    """The connection failed or was cut: the request's outcome is unknown."""


@dataclass
class LiveServer:
    database_url: str
    log_path: Path
    threads: int = 8
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)  # more environment for the server
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url, "PORT": str(self.port),
               "THREADS": str(self.threads), "HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1", **self.env}
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "api", "serve"], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                if self.request("GET", "/health")[0] == 200:
                    return
            except ServerGone:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not come up: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)  # polling for readiness, not standing in for synchronisation

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {**({"Content-Type": "application/json"} if data is not None else {}), **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                raw = exc.read()
            except (http.client.HTTPException, OSError) as cut:  # the server died while sending the error
                raise ServerGone(str(cut)) from cut
            try:
                return exc.code, json.loads(raw or b"null")
            except ValueError:
                return exc.code, raw.decode(errors="replace")
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise ServerGone(str(exc)) from exc
