"""Finding a font with Chinese glyphs for the printed approval record.

Looked for in this order: the configured file (``CJK_FONT``), the files of the
Debian packages that carry Chinese fonts (``fonts-noto-cjk``, which ``make
browser`` installs, then WenQuanYi, AR PL, Droid), then whatever fontconfig's
``fc-match :lang=zh-cn`` names. A file is taken only if it really has the
glyphs (its character map is read); in a collection (``.ttc``) the Simplified
Chinese face is chosen.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from engine.errors import ServiceUnavailable

# (regular, bold) file pairs of Debian's Chinese font packages; bold may be missing
KNOWN_FILES: tuple[tuple[str, str | None], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
PROBE = "审批表办件编号"
NO_FONT = "服务器未安装中文字体，无法生成审批表 PDF（请安装 Debian 的 fonts-noto-cjk，或以 CJK_FONT 指定字体文件）"


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int  # the face within a collection (0 for a plain file)


@dataclass(frozen=True)
class CjkFont:
    regular: FontFace
    bold: FontFace | None


def _covers(font: TTFont) -> bool:
    cmap = font.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in PROBE)


def _simplified_first(faces: list[TTFont]) -> list[int]:
    """Face indices of a collection, the Simplified Chinese ones first (Noto names them "… SC")."""
    def rank(index: int) -> int:
        name = faces[index]["name"]
        family = str(name.getDebugName(1) or "")
        if family.endswith(" SC") or any(r.langID == 0x0804 for r in name.names):
            return 0
        return 1
    return sorted(range(len(faces)), key=rank)


@lru_cache(maxsize=16)
def chinese_face(path: str, preferred: int | None = None) -> FontFace | None:
    """The face of ``path`` with Chinese glyphs, or None (unreadable file, no such glyphs)."""
    file = Path(path)
    if not file.is_file():
        return None
    try:
        if file.suffix.lower() in (".ttc", ".otc"):
            collection = TTCollection(str(file), lazy=True)
            try:
                faces = list(collection.fonts)
                order = _simplified_first(faces)
                if preferred is not None and 0 <= preferred < len(faces):
                    order.insert(0, preferred)
                return next((FontFace(file, i) for i in order if _covers(faces[i])), None)
            finally:
                collection.close()
        font = TTFont(str(file), lazy=True)
        try:
            return FontFace(file, 0) if _covers(font) else None
        finally:
            font.close()
    except Exception:  # a broken or unsupported font file is simply not a candidate
        return None


def _fontconfig_candidate() -> tuple[str, int] | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", ":lang=zh-cn"], capture_output=True,
                             text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, index = out.partition("\n")
    return (file.strip(), int(index)) if file.strip() and index.strip().isdigit() else None


def find_cjk_font(configured: Path | None = None) -> CjkFont:
    """A Chinese font for PDFs, or :class:`ServiceUnavailable` (503) naming what to install."""
    if configured is not None:
        face = chinese_face(str(configured))
        if face is None:
            raise ServiceUnavailable(f"配置的中文字体 {configured} 不存在或不含中文字形，无法生成审批表 PDF")
        return CjkFont(face, None)
    for regular, bold in KNOWN_FILES:
        face = chinese_face(regular)
        if face is not None:
            return CjkFont(face, chinese_face(bold, face.index) if bold else None)
    found = _fontconfig_candidate()
    if found is not None:
        face = chinese_face(found[0], found[1])
        if face is not None:
            return CjkFont(face, None)
    raise ServiceUnavailable(NO_FONT)
