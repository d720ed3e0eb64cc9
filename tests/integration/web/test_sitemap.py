"""/sitemap.xml lists exactly the live pages; /robots.txt points at it."""

from __future__ import annotations

from datetime import datetime, timedelta

from httpx import AsyncClient
from lxml import etree

from app.core.clock import FrozenClock
from tests.integration.conftest import Org, make_offer, make_org, session_body, training_body

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def base_url() -> str:
    from app.config import get_settings

    return get_settings().site.base_url


async def sitemap(client: AsyncClient) -> dict[str, str | None]:
    """loc -> lastmod of every <url>, the document parsed as XML."""
    response = await client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert {d.strip() for d in response.headers["cache-control"].split(",")} == {
        "public",
        "max-age=300",
    }
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls: dict[str, str | None] = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc is not None
        assert loc not in urls, f"{loc} listed twice"
        urls[loc] = url.findtext("s:lastmod", namespaces=NS)
    return urls


async def test_empty_site_lists_the_fixed_pages(client: AsyncClient) -> None:
    base = base_url()
    assert await sitemap(client) == {
        f"{base}/": None,
        f"{base}/offres": None,
        f"{base}/formations": None,
    }


async def test_sitemap_lists_exactly_the_live_items(
    client: AsyncClient, clock: FrozenClock, employer: Org, other_employer: Org, school: Org
) -> None:
    base = base_url()
    published_at = clock.now()
    live = await make_offer(client, employer, title="Réceptionniste de nuit")
    await make_offer(client, employer, publish=False, title="Brouillon")
    soon = await make_offer(client, employer, publish=False, title="Plongeur pour les fêtes")
    response = await client.post(
        f"/api/offers/{soon['id']}/publish",
        json={"expires_at": (clock.now() + timedelta(hours=1)).isoformat()},
        headers=employer.auth,
    )
    assert response.status_code == 200, response.text
    archived = await make_offer(client, employer, title="Barman")
    assert (
        await client.post(f"/api/offers/{archived['id']}/archive", headers=employer.auth)
    ).is_success
    await make_offer(client, other_employer, publish=False, title="Perchman (brouillon)")

    listed = (await client.post("/api/trainings", json=training_body(), headers=school.auth)).json()
    response = await client.post(
        "/api/sessions", json=session_body(listed["id"]), headers=school.auth
    )
    assert response.status_code == 201, response.text
    cancelled = (
        await client.post(
            "/api/trainings", json=training_body(title="Session annulée"), headers=school.auth
        )
    ).json()
    session = await client.post(
        "/api/sessions", json=session_body(cancelled["id"]), headers=school.auth
    )
    await client.post(f"/api/sessions/{session.json()['id']}/cancel", headers=school.auth)
    await client.post(
        "/api/trainings", json=training_body(title="Sans session"), headers=school.auth
    )
    past = (
        await client.post(
            "/api/trainings", json=training_body(title="Session passée"), headers=school.auth
        )
    ).json()
    response = await client.post(
        "/api/sessions",
        json=session_body(
            past["id"],
            start_date="2026-10-01",
            end_date="2026-10-15",
            registration_deadline="2026-09-30",
        ),
        headers=school.auth,
    )
    assert response.status_code == 201, response.text
    idle_school = await make_org(client, "École sans formation", kind="school")

    clock.advance(timedelta(hours=2))  # "soon" is past its expiry, even before the cron runs
    urls = await sitemap(client)
    assert set(urls) == {
        f"{base}/",
        f"{base}/offres",
        f"{base}/formations",
        f"{base}/offres/{live['slug']}",
        f"{base}/formations/{listed['slug']}",
        f"{base}/employeurs/{employer.slug}",
        f"{base}/ecoles/{school.slug}",
    }
    assert f"{base}/ecoles/{idle_school.slug}" not in urls
    lastmod = urls[f"{base}/offres/{live['slug']}"]
    assert lastmod is not None
    assert datetime.fromisoformat(lastmod) == published_at
    for loc, stamp in urls.items():
        if loc.rstrip("/") not in (base, f"{base}/offres", f"{base}/formations"):
            assert stamp is not None, loc
            assert datetime.fromisoformat(stamp).tzinfo is not None


async def test_robots_txt(client: AsyncClient) -> None:
    response = await client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert {line for line in lines if line.startswith("Disallow:")} == {
        "Disallow: /dev/",
        "Disallow: /alertes/",
        "Disallow: /api/",
    }
    assert f"Sitemap: {base_url()}/sitemap.xml" in lines
