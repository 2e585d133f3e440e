"""Parsing untrusted XML: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

from lxml import etree

from .errors import InvalidModel, Problem, TooLarge

MAX_XML_BYTES = 2 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_untrusted_xml(data: bytes, *, what: str = "bpmn", max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``data`` or raise: any document type declaration is refused outright."""
    if len(data) > max_bytes:
        raise TooLarge(f"文件过大：{len(data)} 字节，上限 {max_bytes} 字节")
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise InvalidModel("不接受含 DOCTYPE 或实体声明的 XML", [Problem(what, "XML 含 DOCTYPE/ENTITY 声明")])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidModel("XML 格式错误", [Problem(what, f"第 {exc.lineno} 行：{exc.msg}")]) from exc
    if root is None:
        raise InvalidModel("XML 为空", [Problem(what, "文档为空")])
    return root
