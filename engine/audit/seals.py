"""Verification seals: the verifier's own keyed record of how far a case's history has been proven.

A full verification re-executes every command of the journal (about 0.2 ms of CPU per entry). When it
succeeds it leaves a seal: the case, the last entry it proved (its seq and hash — through the hash chain that
hash stands for every entry before it), the snapshot its replay reached there with the replay's status, the
content hash of the definition it replayed against, and the verifier's version, all under an HMAC-SHA256 whose
key is kept outside the database (``VERIFY_SEAL_KEY`` or ``VERIFY_SEAL_KEY_FILE``; no key, no seals).

A later verification still reads every entry, checks the head, recomputes the hash chain of every entry after
the seal, and checks the instance row, tasks, timers, time limits and registries against where its replay ends,
exactly as before. What a usable seal replaces is the re-execution of the entries up to it (replay starts from
the sealed snapshot) and the recomputation of their hashes: the seal holds a digest of those rows exactly as
the verifier read them (``rows_digest``: SHA-256 over the ``repr`` of each row's stored values, the payload
as the JSON text the database holds — an unambiguous spelling of str, int, None and datetime), so an entry
at or before the seal that is not byte for byte what was verified (edited, deleted, reordered, re-chained)
makes the seal unusable. A seal is
usable only if its MAC checks out under the key, its rows digest is that of the entries now at its seqs, the
entry at its seq still has the sealed hash, the case's definition has the sealed content hash, and the
verifier's version is this one. Anything else is ignored and the history is verified from the start, as if
there were no seal; ``full`` verification ignores seals altogether.

Why this is not trusting a checkpoint: ``journal_checkpoints`` are written by the command path, that is by
anyone who can write the database, and are checked only against the journal's state hash, which does not cover
all of SpiffWorkflow's task tree; a forged checkpoint with a matching state hash could carry a hidden state from
which a forged tail replays. A seal's snapshot was produced by this verifier's own replay from the start, and
no one without the key can make or alter one.

Bump ``VERIFIER`` whenever replay or its checks change what they accept: seals made by an earlier verifier are
then ignored, and the next verification of each case is a full one again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.audit.journal import canonical_json
from engine.audit.replay import ReplayContext
from engine.definitions.compile import CompiledDefinition
from engine.store.models import VerificationSeal

VERIFIER = "replay-1"
MIN_KEY_BYTES = 16


class SealKeyError(ValueError):
    """The configured key is unusable (too short, unreadable file)."""


def key_from(value: str = "", path: str = "") -> bytes:
    """The seal key from its configured source: the value itself, or the file it is kept in; b"" if neither."""
    if path:
        try:
            raw = Path(path).read_bytes().strip()
        except OSError as exc:
            raise SealKeyError(f"无法读取核验封记密钥文件 {path}：{exc.strerror}") from exc
    else:
        raw = value.strip().encode()
    if raw and len(raw) < MIN_KEY_BYTES:
        raise SealKeyError(f"核验封记密钥至少需要 {MIN_KEY_BYTES} 个字节")
    return raw


@dataclass(frozen=True)
class SealStart:
    """Where a sealed verification resumes: after entry ``seq``, in ``context``."""

    seq: int
    context: ReplayContext


@dataclass(frozen=True)
class PendingSeal:
    """A seal a successful verification wants kept (written in its own transaction)."""

    row: VerificationSeal


def rows_digest(rows: Sequence[Any]) -> str:
    """SHA-256 over journal rows as stored (:class:`engine.audit.verify.JournalRow`: the payload as its JSON
    text), each spelled by ``repr``: the same rows give the same digest, any other byte does not."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(row)).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


class Seals:
    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise SealKeyError(f"核验封记密钥至少需要 {MIN_KEY_BYTES} 个字节")
        self._key = key

    def _mac(self, instance_id: int, seq: int, entry_hash: str, rows_digest: str, snapshot: str,
             status: str | None, error: str | None, definition_hash: str, verifier: str) -> str:
        body = canonical_json({
            "instance_id": instance_id, "seq": seq, "entry_hash": entry_hash, "rows_digest": rows_digest,
            "snapshot_sha256": hashlib.sha256(snapshot.encode("utf-8")).hexdigest(),
            "status": status, "error": error, "definition_hash": definition_hash, "verifier": verifier,
        })
        return hmac.new(self._key, body.encode("utf-8"), hashlib.sha256).hexdigest()

    def authentic(self, row: VerificationSeal) -> bool:
        expected = self._mac(row.instance_id, row.seq, row.entry_hash, row.rows_digest, row.snapshot,
                             row.status, row.error, row.definition_hash, row.verifier)
        return hmac.compare_digest(expected, row.mac or "")

    def proven(self, session: Session, instance_id: int, entries: Sequence[Any]) -> VerificationSeal | None:
        """The authentic seal of this case whose rows are, unchanged, the first of ``entries`` (the rows of
        :func:`engine.audit.verify.read_journal`, in seq order), or None."""
        row = session.get(VerificationSeal, instance_id)
        if row is None or row.verifier != VERIFIER or not 1 <= row.seq <= len(entries):
            return None
        last = entries[row.seq - 1]
        if last.seq != row.seq or last.hash != row.entry_hash or not self.authentic(row):
            return None
        if not hmac.compare_digest(rows_digest(entries[:row.seq]), row.rows_digest):
            return None
        return row

    @staticmethod
    def resume(row: VerificationSeal, definition: CompiledDefinition) -> SealStart | None:
        """Where replay resumes after the proven seal ``row``, or None if it was made against another definition."""
        if row.definition_hash != definition.content_hash:
            return None
        try:
            workflow = definition.codec.loads(row.snapshot)
        except Exception:  # an authentic seal always loads; anything else is simply not used
            return None
        return SealStart(row.seq, ReplayContext(definition, workflow=workflow, status=row.status, error=row.error))

    def seal(self, instance_id: int, entries: Sequence[Any], definition: CompiledDefinition,
             context: ReplayContext) -> PendingSeal:
        """The seal of a history ``entries`` proven to its last entry, ending in ``context``."""
        assert context.workflow is not None
        last = entries[-1]
        snapshot = definition.codec.dumps(context.workflow)
        digest = rows_digest(entries)
        mac = self._mac(instance_id, last.seq, last.hash, digest, snapshot, context.status, context.error,
                        definition.content_hash, VERIFIER)
        return PendingSeal(VerificationSeal(instance_id=instance_id, seq=last.seq, entry_hash=last.hash,
                                            rows_digest=digest, snapshot=snapshot, status=context.status,
                                            error=context.error, definition_hash=definition.content_hash,
                                            verifier=VERIFIER, mac=mac))

    def keep(self, session: Session, pending: PendingSeal) -> None:
        """Store ``pending`` unless an authentic seal of the same case reaches further."""
        new = pending.row
        old = session.get(VerificationSeal, new.instance_id)
        if old is not None and old.seq > new.seq and old.verifier == new.verifier and self.authentic(old):
            return
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(new)


def seals_from(settings: Any) -> Seals | None:
    """The seals of ``settings`` (an :class:`engine.settings.Settings`), or None when no key is configured."""
    key = key_from(settings.verify_seal_key, settings.verify_seal_key_file)
    return Seals(key) if key else None
