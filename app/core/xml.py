"""XML output that always parses: every text and attribute goes through `xml_text()`.

XML 1.0 forbids most C0 control characters, U+FFFE/U+FFFF and lone surrogates; a stored title
from before input was checked, or a query string, may still hold one. Feeds, the sitemap and
any future export serialise with `to_bytes()`, which cleans the whole tree once.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from app.core.validation import LINE_BREAKS, NOT_XML


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (a vertical tab or a form feed
    becomes a line break, as clean_text() makes it at the door)."""
    return NOT_XML.sub("", value.translate(LINE_BREAKS))


def clean(element: ET.Element) -> ET.Element:
    """Clean every text, tail and attribute value of the tree, in place."""
    for node in element.iter():
        if node.text:
            node.text = xml_text(node.text)
        if node.tail:
            node.tail = xml_text(node.tail)
        for name, value in node.attrib.items():
            node.attrib[name] = xml_text(value)
    return element


def to_bytes(element: ET.Element) -> bytes:
    """The document, UTF-8 with its declaration, every text cleaned first."""
    body: bytes = ET.tostring(clean(element), encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
