from __future__ import annotations

from typing import Any

from flask import request, send_file
from flask_smorest import Blueprint

from ..case_schemas import AttachmentSchema, UploadSchema
from ..context import current_actor, engine
from ..idempotency import idempotent
from ..limits import body_limit
from ..schemas import ApiErrorSchema

blp = Blueprint("attachments", __name__, description="办件附件")

MULTIPART_OVERHEAD = 64 * 1024


def _attachment_sized_body() -> int:
    """A body as large as the attachment limit (the app's default may be smaller)."""
    return engine().settings.max_attachment_bytes + MULTIPART_OVERHEAD


@blp.route("/process-instances/<int:instance_id>/attachments", methods=["POST"])
@body_limit(_attachment_sized_body)
@blp.arguments(UploadSchema, location="files")
@blp.response(201, AttachmentSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="无权查看该办件，或不参与该流程")
@blp.alt_response(404, schema=ApiErrorSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="办件已办结或已终止（管理员须填写原因）")
@blp.alt_response(413, schema=ApiErrorSchema, description="文件超过大小上限")
@blp.alt_response(422, schema=ApiErrorSchema, description="缺少文件、类型不允许或内容与扩展名不符")
@idempotent(blp)
def upload(files: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Attach a file (PDF, image, office document or text) to a case; recorded in the journal as `attach`.

    A completed or terminated case takes new files only from an admin giving a `reason`."""
    actor = current_actor()
    eng = engine()
    storage = files["file"]
    attachment_id = eng.attachments.upload(actor, instance_id, storage.filename, storage.stream,
                                           request.form.get("reason"))
    return next(a for a in eng.views.attachment_list(actor, instance_id) if a["id"] == attachment_id)


@blp.route("/process-instances/<int:instance_id>/attachments", methods=["GET"])
@blp.response(200, AttachmentSchema(many=True))
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def list_attachments(instance_id: int) -> list[dict[str, Any]]:
    """The case's attachments, oldest first."""
    return engine().views.attachment_list(current_actor(), instance_id)


@blp.route("/process-instances/<int:instance_id>/attachments/<int:attachment_id>", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
              description="文件内容；Content-Disposition 带原文件名（RFC 5987）")
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def download(instance_id: int, attachment_id: int) -> Any:
    """Download an attachment under its original file name."""
    found = engine().views.attachment(current_actor(), instance_id, attachment_id)
    response = send_file(found.path, mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, max_age=0)
    # as stored, with its one charset (Flask would append a second one to a text type)
    response.headers["Content-Type"] = found.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
