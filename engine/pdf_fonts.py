"""A Chinese font prepared for one PDF: cut down to the document's characters, with TrueType outlines.

Noto CJK (Debian's ``fonts-noto-cjk``) is an OpenType collection with CFF outlines.
fpdf2 embeds such a face as a CID font with an encoding CMap of its own, which
many readers do not follow: pypdf and pdfminer.six then extract wrong or no text
(so do search and copy in some viewers). With TrueType outlines fpdf2 writes the
plain Identity-H encoding every reader knows. Converting the whole face takes
minutes; converting only the few hundred glyphs one document uses takes a
fraction of a second.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from engine.cjk_font import FontFace

# fpdf2 subsets the embedded fonts with fontTools, which logs every step at INFO
logging.getLogger("fontTools").setLevel(logging.WARNING)

# the largest distance (font units) of the quadratic outlines from the cubic ones (1 of 1000: invisible)
MAX_OUTLINE_ERROR = 1.0
NOTDEF = ".notdef"


def _quadratic(glyph_set: Any, name: str) -> Any:
    pen = TTGlyphPen(glyph_set)
    glyph_set[name].draw(Cu2QuPen(pen, MAX_OUTLINE_ERROR, reverse_direction=True))
    return pen.glyph()


def truetype_subset(face: FontFace, text: str) -> bytes:
    """The glyphs of ``text`` from ``face`` as a small TrueType font file.

    Built afresh (fontTools' FontBuilder) from the face's character map, outlines and
    metrics: subsetting the whole face first would decompile its layout tables and walk
    every outline's subroutines, several times slower.
    """
    source = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    try:
        cmap = source.getBestCmap() or {}
        chars = {cp: cmap[cp] for cp in sorted({ord(ch) for ch in text}) if cp in cmap}
        order = [NOTDEF, *sorted(set(chars.values()) - {NOTDEF})]
        glyph_set = source.getGlyphSet()
        hmtx, hhea, os2 = source["hmtx"], source["hhea"], source["OS/2"]
        builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap(chars)
        builder.setupGlyf({name: _quadratic(glyph_set, name) for name in order})
        glyf = builder.font["glyf"]
        metrics = {}
        for name in order:
            glyph = glyf[name]
            glyph.recalcBounds(glyf)
            metrics[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
        builder.setupHorizontalMetrics(metrics)
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
        builder.setupNameTable({"familyName": "RecordCJK", "styleName": "Regular",
                                "psName": f"RecordCJK-{face.path.stem}-{face.index}"})
        builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                         sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                         sCapHeight=getattr(os2, "sCapHeight", os2.sTypoAscender), usWeightClass=os2.usWeightClass,
                         fsType=os2.fsType)
        builder.setupPost()
        out = io.BytesIO()
        builder.save(out)
        return out.getvalue()
    finally:
        source.close()
