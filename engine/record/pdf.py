"""The 审批表: a case printed as the approval form an office files, as a PDF.

Procedure, 办件编号, title, applicant, start date and outcome at the top; then
every step in the order it happened with its decision, opinion, what was
entered, person, unit, role and date; other actions (suspend, terminate, …)
after. Built with fpdf2 (pure Python, well kept) in a Chinese font found by
:mod:`engine.record.cjk_font`, cut down to the document's characters with TrueType
outlines by :mod:`engine.record.fonts` (ReportLab cannot embed Noto CJK's CFF
outlines at all).
"""

from __future__ import annotations

import json
import string
import tempfile
from datetime import datetime, timedelta, timezone
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace as PdfStyle

from engine.cases.status import STATUS_NAMES
from engine.record.cjk_font import CjkFont
from engine.record.fonts import truetype_subset

BEIJING = timezone(timedelta(hours=8), "CST")
FAMILY = "cjk"
LABEL_WIDTH = 32.0  # mm, the label column of the tables
STEP_MIN_HEIGHT = 20.0  # mm: a step's heading, person and date rows
# every fixed text of the form (the fonts are cut down to the characters the document uses)
FIXED_TEXT = ("审批表办件编号事项名称流程第版申请人单位发起日期办理结果过程其他操作时间原因或说明意见未填写报内容角色次"
              "页共打印已结挂起恢复终止上传附件中当前环节出错，、：；（）《》〔〕“”—·／　" + string.printable)


def beijing(at: datetime | None, with_time: bool = True) -> str:
    if at is None:
        return ""
    local = at.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def outcome_text(record: dict[str, Any]) -> str:
    """办理结果 of the whole case: the end event reached, or where it stands."""
    status = record["status"]
    if status == "completed":
        return f"已办结：{record['end_event']}" if record.get("end_event") else "已办结"
    label = STATUS_NAMES.get(status, status)
    if status == "terminated":
        reason = next((a["comment"] for a in reversed(record["actions"]) if a["command"] == "terminate"), None)
        return f"{label}（{reason}）" if reason else label
    if record["current_steps"]:
        at = "、".join(f"{s['name']}（{s['org_name'] or ''}）" for s in record["current_steps"])
        return f"{label}，当前环节：{at}"
    return label


def _person_line(actor: dict[str, Any] | None) -> tuple[str, str, str]:
    if actor is None:
        return "", "", ""
    return actor["display_name"], actor.get("org_name") or "", actor.get("role_name") or ""


class _RecordPdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 6, f"{self.footer_text}　第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")


def render_record_pdf(record: dict[str, Any], font: CjkFont, printed_at: datetime) -> bytes:
    """The 审批表 of ``record`` (:meth:`engine.read.case_record.CaseRecords.record`) as PDF bytes."""
    pdf = _RecordPdf(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"{record['definition_name']}审批表 {record['business_key'] or ''}".strip())
    pdf.set_creator("社区治理审批流程引擎")
    text = FIXED_TEXT + json.dumps(record, ensure_ascii=False, default=str) + beijing(printed_at)
    with tempfile.TemporaryDirectory(prefix="record-font-") as folder:  # fpdf2 may read the files until output
        for style, face in (("", font.regular), ("B", font.bold or font.regular)):
            path = f"{folder}/{style or 'R'}.ttf"
            with open(path, "wb") as out:
                out.write(truetype_subset(face, text))
            pdf.add_font(FAMILY, style, path)
        _layout(pdf, record, printed_at)
        return bytes(pdf.output())


def _layout(pdf: _RecordPdf, record: dict[str, Any], printed_at: datetime) -> None:
    pdf.footer_text = f"{record['business_key'] or ''}　打印时间 {beijing(printed_at)}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()

    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 10, f"{record['definition_name']}审批表", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10)
    applicant = record.get("applicant") or {}
    header = [
        ("办件编号", record["business_key"] or ""),
        ("事项名称", record.get("case_title") or ""),
        ("流程", f"{record['definition_name']}（第 {record['definition_version']} 版）"),
        ("申请人", applicant.get("display_name", "")),
        ("申请单位", applicant.get("org_name") or ""),
        ("发起日期", beijing(record["created_at"], with_time=False)),
        ("办理结果", outcome_text(record)),
    ]
    with pdf.table(col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH), first_row_as_headings=False,
                   text_align="LEFT", line_height=6) as table:
        for label, value in header:
            row = table.row()
            row.cell(label)
            row.cell(value)

    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, "办理过程", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for number, step in enumerate(record["steps"], start=1):
        _step_block(pdf, number, step)
    if record["actions"]:
        pdf.ln(2)
        pdf.set_font(FAMILY, "B", 12)
        pdf.cell(0, 8, "其他操作", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, "", 9)
        with pdf.table(col_widths=(22, 30, 55, pdf.epw - 107), text_align="LEFT", line_height=5) as table:
            head = table.row()
            for title in ("操作", "时间", "办理人", "原因或说明"):
                head.cell(title)
            for action in record["actions"]:
                name, org, _role = _person_line(action["actor"])
                row = table.row()
                row.cell(action["label"])
                row.cell(beijing(action["at"]))
                row.cell(f"{name}（{org}）" if org else name)
                row.cell(action.get("comment") or "")


def _step_block(pdf: FPDF, number: int, step: dict[str, Any]) -> None:
    name, org, role = _person_line(step["actor"])
    again = f"（第 {step['round']} 次）" if step["round"] > 1 else ""
    rows = []
    if step.get("decision"):
        rows.append(("办理结果", step["decision"]))
    rows.append(("办理意见", step.get("comment") or "（未填写）"))
    details = "；".join(f"{f['title']}：{f['display_value']}" for f in step["fields"] if f["display_value"] != "")
    if details:
        rows.append(("填报内容", details))
    value_width = (pdf.epw - 2 * LABEL_WIDTH) / 2
    pdf.set_font(FAMILY, "", 9)
    if pdf.will_page_break(STEP_MIN_HEIGHT + 5 * len(rows)):
        pdf.add_page()  # a step's block stays on one page unless it is longer than a page
    with pdf.table(col_widths=(LABEL_WIDTH, value_width, LABEL_WIDTH, value_width), first_row_as_headings=False,
                   text_align="LEFT", line_height=5) as table:
        heading = table.row()
        heading.cell(f"{number}. {step['name']}{again}", colspan=4, style=PdfStyle(emphasis="BOLD", fill_color=235))
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(value, colspan=3)
        for pair in ((("办理人", name), ("单位", org)), (("角色", role), ("日期", beijing(step["at"])))):
            row = table.row()
            for label, value in pair:
                row.cell(label)
                row.cell(value)
    pdf.ln(2)
