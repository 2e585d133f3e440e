"""Parsing untrusted XML: UTF-8 only, no DTDs, no entities, no network, bounded size and depth.

A BPMN upload is refused before parsing when it is too large, is not UTF-8, or
carries a document type declaration anywhere (that is where entity definitions,
external entities and "billion laughs" live). The parser is configured so that
none of those would be acted on even if one slipped through, and the parsed
tree is checked once more for a DTD.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import InvalidModel, Problem, TooLarge

MAX_XML_BYTES = 2 * 1024 * 1024
MAX_XML_DEPTH = 64

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DTD_MARKERS = re.compile(rb"<!\s*(doctype|entity|element|attlist|notation)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def _refuse(what: str, message: str) -> InvalidModel:
    return InvalidModel(message, [Problem(what, message)])


def _check_bytes(data: bytes, what: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLarge(f"文件过大：{len(data)} 字节，上限 {max_bytes} 字节")
    if data.startswith(_UTF16_32_BOMS) or data[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00<\x00?",
                                                       b"<\x00?\x00"):
        raise _refuse(what, "XML 必须使用 UTF-8 编码")
    declared = _DECLARED_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise _refuse(what, f"XML 必须使用 UTF-8 编码（声明的是 {declared.group(1).decode()}）")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(what, f"XML 不是合法的 UTF-8（第 {exc.start} 字节）") from exc
    if _DTD_MARKERS.search(data):
        raise _refuse(what, "不接受含 DOCTYPE 或实体声明的 XML")


def _depth(root: etree._Element, limit: int) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in node)
    return deepest


def parse_untrusted_xml(data: bytes, *, what: str = "bpmn", max_bytes: int = MAX_XML_BYTES,
                        max_depth: int = MAX_XML_DEPTH) -> etree._Element:
    """Parse ``data`` or raise TooLarge / InvalidModel naming ``what``; any DTD is refused outright."""
    _check_bytes(data, what, max_bytes)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidModel("XML 格式错误", [Problem(what, f"第 {exc.lineno} 行：{exc.msg}")]) from exc
    if root is None:
        raise _refuse(what, "XML 文档为空")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(what, "不接受含 DOCTYPE 或实体声明的 XML")
    if _depth(root, max_depth) > max_depth:
        raise _refuse(what, f"XML 嵌套过深（上限 {max_depth} 层）")
    return root
