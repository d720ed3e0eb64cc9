"""Property: whatever Unicode reaches offer titles, descriptions and organisation names, through
the API or written straight into old rows, every feed and the sitemap parse as strict XML."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from httpx import AsyncClient, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from app.core.clock import FrozenClock
from app.offers.tables import Offer
from app.organisations.tables import Organisation
from app.outbox.services import Entity, Operation, record
from search.client import SearchEngine
from tests.integration.conftest import Org, offer_body
from tests.integration.search.conftest import sync

# Control characters, XML's forbidden non-characters and a lone surrogate, drawn often.
HOSTILE = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\ufffe", "\uffff", "\ud800", "\udfff"]
TEXT = st.lists(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(HOSTILE)),
    min_size=1,
    max_size=40,
).map("".join)
STRICT = etree.XMLParser(recover=False, resolve_entities=False)


def storable(text: str) -> str:
    """What PostgreSQL can hold at all (no NUL, no lone surrogate): an old row's worst."""
    return "".join(c for c in text if c != "\x00" and not 0xD800 <= ord(c) <= 0xDFFF)


async def send_json(
    client: AsyncClient, method: str, url: str, body: dict[str, Any], auth: dict[str, str]
) -> Response:
    """JSON with every non-ASCII character escaped, so lone surrogates travel as `\\ud800`."""
    content = json.dumps(body, ensure_ascii=True).encode()
    headers = {**auth, "Content-Type": "application/json"}
    return await client.request(method, url, content=content, headers=headers)


async def assert_every_xml_parses(client: AsyncClient, org: Org, words: str) -> None:
    query = quote(storable(words)[:50], safe="")
    targets = [
        "/offres/flux.atom",
        f"/offres/flux.atom?q={query}",
        f"/offres/flux.atom?organisation={org.slug}",
        "/offres/flux.atom?massif=alpes-nord&sort=recent",
        "/sitemap.xml",
    ]
    for target in targets:
        response = await client.get(target)
        assert response.status_code == 200, (target, response.text[:300])
        etree.fromstring(response.content, STRICT)  # raises on anything XML 1.0 forbids


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=TEXT, description=TEXT, name=TEXT)
async def test_random_unicode_never_breaks_a_feed_or_the_sitemap(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    title: str,
    description: str,
    name: str,
) -> None:
    # Through the API: accepted once cleaned, or refused naming the field, never a 500.
    body: dict[str, Any] = offer_body(
        title=f"Poste {title}", description=f"Une saison en montagne. {description}"
    )
    response = await send_json(client, "POST", "/api/offers", body, employer.auth)
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        assert {e["field"] for e in response.json()["errors"]} <= {"title", "description"}
    else:
        published = await client.post(
            f"/api/offers/{response.json()['id']}/publish", headers=employer.auth
        )
        assert published.status_code == 200, published.text
    url = f"/api/organisations/{employer.id}"
    renamed = await send_json(client, "PATCH", url, {"name": f"Hôtel {name}"}, employer.auth)
    assert renamed.status_code in (200, 400), renamed.text

    # Old rows, from before input was checked: the text goes straight into the tables.
    offer = await Offer.objects().where(Offer.organisation == employer.id).first()
    assert offer is not None
    await Offer.update(
        {Offer.title: storable(f"Ancien {title}"), Offer.description: storable(description)}
    ).where(Offer.id == offer.id)
    await Organisation.update({Organisation.name: storable(f"Maison {name}")}).where(
        Organisation.id == employer.id
    )
    await record(Entity.OFFER, offer.id, Operation.UPSERT, clock.now())
    await record(Entity.ORGANISATION, employer.id, Operation.UPSERT, clock.now())
    await sync(engine, clock)

    await assert_every_xml_parses(client, employer, title + description)
