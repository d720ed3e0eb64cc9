"""Web tests: pages parsed as HTML; browser tests drive Debian's chromium with Playwright."""

from __future__ import annotations

import json
from typing import Any

from lxml import html as lxml_html


def parse(text: str) -> Any:
    return lxml_html.fromstring(text)


def texts(tree: Any, selector: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.cssselect(selector)]


def json_ld(tree: Any) -> list[dict[str, Any]]:
    return [
        json.loads(e.text_content()) for e in tree.cssselect('script[type="application/ld+json"]')
    ]


def executable_scripts(tree: Any) -> list[str]:
    """Every <script> that a browser would run (JSON-LD data blocks are not run)."""
    return [
        e.get("src") or e.text_content()
        for e in tree.cssselect("script")
        if e.get("type") not in ("application/ld+json",)
    ]
