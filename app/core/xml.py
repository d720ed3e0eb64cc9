"""XML output that always parses: every text and attribute goes through `xml_text()`.

XML 1.0 forbids most C0 control characters, U+FFFE/U+FFFF and lone surrogates; a stored title
from before input was checked, or a query string, may still hold one. Feeds, the sitemap and
any future export serialise with `to_bytes()`, which cleans the whole tree once.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (a vertical tab becomes a space)."""
    value = value.replace("\x0b", " ").replace("\x0c", " ")
    return _NOT_XML.sub("", value)


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
