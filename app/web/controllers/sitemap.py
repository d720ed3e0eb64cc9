"""/sitemap.xml and /robots.txt."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from xml.etree import ElementTree

from litestar import Controller, Response, get

from app.core import xml
from app.core.clock import today
from app.core.dependencies import AppSettings, CurrentClock
from app.offers import services as offers
from app.trainings import services as trainings
from app.web.pages import PUBLIC_CACHE

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DISALLOWED = ("/dev/", "/alertes/", "/api/")


def _latest(found: dict[str, datetime], key: str, *moments: datetime | None) -> None:
    """Keep, for `key`, the latest of what was seen so far and `moments`."""
    for moment in moments:
        if moment is not None and (key not in found or moment > found[key]):
            found[key] = moment


def sitemap_xml(base_url: str, entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A sitemaps.org urlset; ElementTree escapes every value, app.core.xml drops what XML
    cannot carry."""
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    for path, lastmod in entries:
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = f"{base_url}{path}"
        if lastmod is not None:
            stamp = lastmod.astimezone(UTC).isoformat(timespec="seconds")
            ElementTree.SubElement(url, "lastmod").text = stamp.replace("+00:00", "Z")
    return xml.to_bytes(urlset)


class SitemapPages(Controller):
    path = "/"
    include_in_schema = False

    @get(
        "/sitemap.xml",
        name="sitemap",
        media_type="application/xml; charset=utf-8",
        cache_control=PUBLIC_CACHE,
    )
    async def sitemap(self, settings: AppSettings, clock: CurrentClock) -> Response[bytes]:
        """The home page, the two searches, live offers, listed trainings and their owners."""
        live = await offers.live_for_sitemap(clock.now())
        sessions = await trainings.listed_training_sessions(today(clock))
        offer_pages: dict[str, datetime] = {}
        employers: dict[str, datetime] = {}
        for row in live:
            _latest(offer_pages, f"/offres/{row['slug']}", row["updated_at"])
            _latest(
                employers,
                f"/employeurs/{row['organisation_slug']}",
                row["updated_at"],
                row["organisation_updated_at"],
            )
        training_pages: dict[str, datetime] = {}
        schools: dict[str, datetime] = {}
        for row in sessions:
            _latest(
                training_pages,
                f"/formations/{row['training_slug']}",
                row["training_updated_at"],
                row["updated_at"],
            )
            _latest(
                schools,
                f"/ecoles/{row['organisation_slug']}",
                row["training_updated_at"],
                row["updated_at"],
                row["organisation_updated_at"],
            )
        entries: list[tuple[str, datetime | None]] = [
            ("/", None),
            ("/offres", None),
            ("/formations", None),
        ]
        for group in (offer_pages, training_pages, employers, schools):
            entries.extend(sorted(group.items()))
        return Response(sitemap_xml(settings.site.base_url, entries))

    @get(
        "/robots.txt",
        name="robots",
        media_type="text/plain; charset=utf-8",
        cache_control=PUBLIC_CACHE,
    )
    async def robots(self, settings: AppSettings) -> str:
        lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
        return "\n".join([*lines, "", f"Sitemap: {settings.site.base_url}/sitemap.xml", ""])
