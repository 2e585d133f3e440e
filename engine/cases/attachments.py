"""Attachments (附件) of a case: plans, meeting minutes, handover agreements.

The bytes go to the :class:`BlobStore` (content-addressed, outside the
database); a row records who attached what, and the journal records the upload
as the command ``attach`` (payload: filename, sha256, size), so the history
shows it. Who may see the case may list and download its attachments; who may
see it and holds a role of one of its lanes may upload (admins too, auditors never).

A closed case (completed or terminated) takes no new attachments (409): its file
is complete. An admin may still add one with a reason, which becomes the
comment of the ``attach`` journal entry.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.admin import MAX_REASON_CHARS
from engine.cases.status import status_label
from engine.clock import Clock, as_utc
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from engine.identity.actors import Actor
from engine.read.queries import Queries
from engine.runtime import runner
from engine.store.blob_store import BlobStore, Incoming
from engine.store.case_store import CaseCommand, record
from engine.store.models import Attachment, ProcessInstance, User
from engine.store.unit_of_work import UnitOfWork

MAX_FILENAME_CHARS = 200
CLOSED_STATUSES = ("completed", "terminated")
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension -> (content type served, leading bytes the file must start with; None = plain text)
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "bmp": ("image/bmp", (b"BM",)),
    "webp": ("image/webp", (b"RIFF",)),
    "tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    "tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "txt": ("text/plain; charset=utf-8", None),
}


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    size: int
    path: Path


def clean_filename(raw: str | None) -> str:
    """The name as the user knows it, without directories or control characters."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        raise ValidationFailed("缺少文件名", [Problem("file", "上传的文件没有文件名")])
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_FILENAME_CHARS - len(ext) - 1] + dot + ext) if dot else name[:MAX_FILENAME_CHARS]
    return name


def file_type(filename: str) -> tuple[str, str]:
    """(extension, content type) of an allowed file name, else ValidationFailed."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext not in FILE_TYPES:
        allowed = "、".join(sorted(FILE_TYPES))
        raise ValidationFailed("不支持的附件类型", [Problem("file", f"只接受这些类型：{allowed}")])
    return ext, FILE_TYPES[ext][0]


def check_content(ext: str, head: bytes) -> str:
    """The file's first bytes must match its extension (a renamed program is not a PDF).

    Returns the content type to serve it with: a text file's names the encoding its first bytes are in.
    """
    content_type, signatures = FILE_TYPES[ext]
    if signatures is None:
        encoding = _text_encoding(head) if b"\x00" not in head else None
        if encoding is None:
            raise ValidationFailed("附件内容与扩展名不符", [Problem("file", f"文件内容不是 .{ext} 格式")])
        return f"text/plain; charset={encoding}"
    ok = any(head.startswith(sig) for sig in signatures)
    if ext == "webp":
        ok = ok and head[8:12] == b"WEBP"
    if not ok:
        raise ValidationFailed("附件内容与扩展名不符", [Problem("file", f"文件内容不是 .{ext} 格式")])
    return content_type


def _text_encoding(head: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return encoding
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4 and exc.reason.startswith("unexpected end"):
                return encoding  # a character cut by the end of the sample
    return None


def _clean_reason(reason: str | None) -> str | None:
    text = (reason or "").strip()
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed("原因过长", [Problem("reason", f"最多 {MAX_REASON_CHARS} 个字符")])
    return text or None


def _require_open(instance: ProcessInstance, actor: Actor, reason: str | None) -> None:
    """A closed case takes no new files, except from an admin who gives a reason."""
    if instance.status not in CLOSED_STATUSES:
        return
    state = status_label(instance.status)
    if not actor.is_admin:
        raise Conflict(f"办件{state}，不能再添加附件")
    if reason is None:
        raise Conflict(f"办件{state}；管理员补充附件须填写原因（表单字段 reason）")


def _summary(row: Attachment, display_name: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "instance_id": row.instance_id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_by_name": display_name or row.uploaded_by,
        "uploaded_at": as_utc(row.uploaded_at),
    }


class AttachmentService:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, clock: Clock, queries: Queries,
                 store: BlobStore, max_bytes: int) -> None:
        self.uow = uow
        self.registry = registry
        self.clock = clock
        self.queries = queries
        self.store = store
        self.max_bytes = max_bytes

    def upload(self, actor: Actor, instance_id: int, filename: str | None, stream: BinaryIO,
               reason: str | None = None) -> int:
        """Store a file and attach it to the case; returns the attachment id.

        ``reason``: why an admin adds a file to a closed case (required then; the journal entry's comment).
        """
        name = clean_filename(filename)
        ext, content_type = file_type(name)
        reason = _clean_reason(reason)

        def require(session: Session) -> None:
            _require_open(self._require_upload(session, actor, instance_id), actor, reason)

        self.uow.read(require)
        incoming: Incoming
        with self.store.receive(stream, self.max_bytes) as incoming:
            content_type = check_content(ext, incoming.head)
            self.store.keep(incoming)
        return self.uow.write(lambda s: self._attach(s, actor, instance_id, name, content_type, incoming, reason))

    def for_case(self, session: Session, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
        self.queries.visible_instance(session, actor, instance_id)
        rows = session.execute(select(Attachment, User.display_name)
                               .outerjoin(User, User.username == Attachment.uploaded_by)
                               .where(Attachment.instance_id == instance_id).order_by(Attachment.id))
        return [_summary(row, name) for row, name in rows]

    def download(self, session: Session, actor: Actor, instance_id: int, attachment_id: int) -> Download:
        self.queries.visible_instance(session, actor, instance_id)
        row = session.get(Attachment, attachment_id)
        if row is None or row.instance_id != instance_id:
            raise NotFound(f"附件 {attachment_id} 不存在")
        return Download(row.filename, row.content_type, row.size, self.store.existing(row.sha256))

    # -- helpers ----------------------------------------------------------------------------

    def _require_upload(self, session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
        instance = self.queries.visible_instance(session, actor, instance_id)
        if actor.is_admin:
            return instance
        if actor.is_auditor:
            raise Forbidden("审计人员只能查阅，不能上传附件")
        definition = self.registry.compiled(session, instance.definition_id)
        lanes = {element.lane for element in definition.elements.values() if element.lane}
        if not actor.roles & lanes:
            raise Forbidden("只有参与该流程的角色可以上传附件")
        return instance

    def _attach(self, session: Session, actor: Actor, instance_id: int, filename: str, content_type: str,
                incoming: Incoming, reason: str | None) -> int:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"办件 {instance_id} 不存在")
        _require_open(instance, actor, reason)  # again, as of this transaction: the case may just have closed
        definition = self.registry.compiled(session, instance.definition_id)
        workflow = definition.codec.loads(instance.snapshot)
        at = self.clock.now()
        row = Attachment(instance_id=instance.id, filename=filename, content_type=content_type,
                         size=incoming.size, sha256=incoming.sha256, uploaded_by=actor.username, uploaded_at=at)
        session.add(row)
        session.flush()
        command = CaseCommand(session, instance, definition, actor, at, workflow, comment=reason,
                              extra={"attachment_id": row.id, "filename": filename, "sha256": incoming.sha256,
                                     "size": incoming.size})
        record(command, runner.mark(definition, workflow, "attach"), updated_at=at)
        return row.id
