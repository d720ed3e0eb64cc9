"""Atom feeds of searches (RFC 4287), built with ElementTree so every text is escaped, and
serialised by app.core.xml so that no character XML 1.0 forbids reaches a reader."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from app.core import xml
from app.core.catalogue import label
from app.web.offer_search import SearchView
from app.web.templating import date_fr, money

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _visible(text: str) -> bool:
    return any(c.isprintable() and not c.isspace() for c in text)


def _title(view: SearchView) -> str:
    # A filter with no visible character (q=%01, cleaned away when serialised) shows nothing,
    # not « ».
    filters = [view.labels.get(f"{k}:{v}", v) for k, v in view.state.filters if _visible(v)]
    return "Offres d'emploi en montagne" + (f" — {', '.join(filters)}" if filters else "")


async def offers_atom(view: SearchView, base_url: str, now: datetime) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    page_url = f"{base_url}{view.state.url()}"
    feed_url = f"{base_url}{view.state.url('/offres/flux.atom')}"
    _add(feed, "id", feed_url)
    _add(feed, "title", _title(view))
    _add(feed, "subtitle", "Les nouvelles offres d'Emploi Montagne pour cette recherche")
    _add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "Emploi Montagne")
    hits = view.result.hits if view.result else []
    updated = max((h.published_at for h in hits), default=now)
    _add(feed, "updated", updated.isoformat())
    for hit in hits:
        entry = _add(feed, "entry")
        url = f"{base_url}/offres/{hit.slug}"
        _add(entry, "id", url)
        _add(entry, "title", f"{hit.title} — {hit.organisation.name}, {hit.place.name}")
        _add(entry, "link", rel="alternate", href=url, type="text/html")
        _add(entry, "published", hit.published_at.isoformat())
        _add(entry, "updated", hit.published_at.isoformat())
        entry_author = _add(entry, "author")
        _add(entry_author, "name", hit.organisation.name)
        _add(entry, "category", term=hit.trade.code, label=hit.trade.label)
        pay = ""
        if hit.pay_min is not None:
            top = f" – {money(hit.pay_max)}" if hit.pay_max and hit.pay_max != hit.pay_min else ""
            pay = f" · {money(hit.pay_min)}{top} € {label('pay_period', hit.pay_period or '')}"
        summary = (
            f"{hit.trade.label} · {hit.place.name} ({label('massif', hit.place.massif)}) · "
            f"{label('contract', hit.contract)} · dès le {date_fr(hit.start_date)}"
            f"{pay} · {label('housing', hit.housing)}"
        )
        _add(entry, "summary", summary, type="text")
    return xml.to_bytes(feed)
