"""Open311 GeoReport v2 documents in JSON and XML (the XML is what the spec's examples show;
the JSON is its "Spark convention" mapping: the same names, lists as arrays)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

# The element name of one item in each list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    else:
        element.text = _text(value)


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    # The spec's examples declare encoding="UTF-8" in double quotes; some parsers insist.
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode()


def render(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; in JSON, lists are bare arrays."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str, code: int | None = None) -> HttpResponse:
    errors = [{"code": code or status, "description": description}]
    return render(fmt, "errors", errors, status=status)
