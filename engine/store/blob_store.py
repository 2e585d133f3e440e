"""Content-addressed file storage outside the database: ``<root>/<sha256[:2]>/<sha256>``.

A file is streamed into a temporary file in the same directory tree while it is
hashed and counted, synced, then renamed into place (atomic on POSIX): readers
never see a half-written file, and the same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.errors import NotFound, TooLarge

CHUNK = 64 * 1024
HEAD_BYTES = 8 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Incoming:
    """A received file, not yet in place: its digest, size and first bytes (for type checks)."""

    sha256: str
    size: int
    head: bytes
    temp_path: Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise NotFound("附件不存在")
        return self.root / sha256[:2] / sha256

    @contextmanager
    def receive(self, stream: BinaryIO, max_bytes: int) -> Iterator[Incoming]:
        """Stream into a temporary file; the body of ``with`` checks it and calls :meth:`keep`.

        The temporary file is removed whatever happens, so a refused upload leaves nothing.
        """
        temp_dir = self.root / ".incoming"
        temp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=temp_dir, prefix="upload-")
        temp_path = Path(name)
        try:
            digest, size, head = hashlib.sha256(), 0, b""
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"附件过大：上限 {_mib(max_bytes)}")
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            yield Incoming(digest.hexdigest(), size, head, temp_path)
        finally:
            temp_path.unlink(missing_ok=True)

    def keep(self, incoming: Incoming) -> Path:
        """Move a received file to its content address (a file with that content may already be there)."""
        target = self.path_for(incoming.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming.temp_path, target)
        _fsync_dir(target.parent)
        return target

    def existing(self, sha256: str) -> Path:
        path = self.path_for(sha256)
        if not path.is_file():
            raise NotFound("附件文件已丢失，请联系管理员")
        return path


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
