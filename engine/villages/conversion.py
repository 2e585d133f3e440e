"""What a completed 撤村建居 changes in the directory, derived from the case's data (no database here).

The model's script step 撤销各村建制、社区列入组织目录 sets ``village_conversion_status`` to
``"converted"`` and ``village_conversion`` to the change: the villages, the mode, the community they
join (并入/融入: an existing one) or the name of the community they become (一村/多村建一社区), and
the approval date (003 §三(二): the village's 建制 ends with the 管委会's 批复). Replay derives it
again from the replayed data and compares it with the journal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

COMMAND = "village_convert"
MARKER = "village_conversion_status"  # set to "converted" by the model's script step
CONVERTED = "converted"
CHANGE = "village_conversion"


class ConversionInvalid(ValueError):
    """The model's conversion data cannot change the directory (a model error, shown in Chinese)."""


def is_converted(data: dict[str, Any]) -> bool:
    return data.get(MARKER) == CONVERTED


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def derive(data: dict[str, Any]) -> dict[str, Any]:
    """The conversion as the journal states it (JSON-ready), or ConversionInvalid naming what is wrong."""
    raw = data.get(CHANGE)
    if not isinstance(raw, dict):
        raise ConversionInvalid("办件数据中没有撤村建居的目录变更（village_conversion）")
    villages = raw.get("villages")
    if not isinstance(villages, list) or not villages or not all(isinstance(v, str) and v for v in villages):
        raise ConversionInvalid("撤村建居的目录变更没有列出行政村")
    community, name = _text(raw.get("community")), _text(raw.get("community_name"))
    if (community is None) == (name is None):
        raise ConversionInvalid("撤村建居的目录变更须指明并入的社区或新社区的名称（二者之一）")
    try:
        converted_on = date.fromisoformat(str(raw.get("converted_on"))[:10]).isoformat()
    except ValueError as exc:
        raise ConversionInvalid("撤村建居的目录变更缺少批复日期") from exc
    return {"villages": list(dict.fromkeys(villages)), "mode": _text(raw.get("mode")), "community": community,
            "community_name": name[:200] if name else None, "converted_on": converted_on}
