"""A case's record: its submissions step by step, and the 审批表 as PDF."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from flask import send_file
from flask_smorest import Blueprint

from api.openapi import errors
from api.workbench_schemas import CaseStepsSchema

from ..context import current_actor, engine

blp = Blueprint("case_record", __name__, description="办件办理过程与审批表")


@blp.route("/process-instances/<int:instance_id>/steps")
@blp.response(200, CaseStepsSchema)
@errors(blp, 403, 404)
def steps(instance_id: int) -> dict[str, Any]:
    """The case's submissions grouped by step in the order they happened: who (name, unit, role), when,
    the opinion, and the fields of that step's form labelled by its titles; automatic steps are counted."""
    return engine().views.steps(current_actor(), instance_id)


@blp.route("/process-instances/<int:instance_id>/record.pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf",
              description="审批表 PDF；Content-Disposition 带中文文件名（RFC 5987）")
@errors(blp, 403, 404, 503, s503="服务器未安装中文字体")
def record_pdf(instance_id: int) -> Any:
    """The 审批表 of a case as PDF: procedure, 办件编号, title, applicant, every step with its decision,
    opinion, person, unit, role and date, and the outcome."""
    record, pdf = engine().views.record_pdf(current_actor(), instance_id)
    number = record["business_key"] or str(instance_id)
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", max_age=0)
    # RFC 6266/5987: a plain ASCII name for old clients, the Chinese one in UTF-8
    name = quote(f"{record['definition_name']}审批表-{number}.pdf", safe="")
    response.headers["Content-Disposition"] = (f'attachment; filename="record-{quote(number, safe="")}.pdf"; '
                                               f"filename*=UTF-8''{name}")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
