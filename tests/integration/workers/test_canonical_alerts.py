"""One saved search, one alert: the canonical form is an alert's identity (issue 14, item 4)."""

from __future__ import annotations

from httpx import AsyncClient

from app.alerts.tables import Alert
from app.offers.search import OFFER_FILTERS
from tests.integration.conftest import Org
from tests.integration.workers.conftest import RunWorker
from tests.integration.workers.test_alerts import LEA, confirm_from_email, cook, subscribe
from tests.smtp_server import SmtpServer


def test_the_canonical_form_sorts_dedups_folds_and_drops_defaults() -> None:
    one, _ = OFFER_FILTERS.canonical({"massif": ["vosges", "jura"], "q": "serveur logé"})
    for raw in (
        {"massif": ["jura", "vosges"], "q": "  Serveur   LOGÉ "},
        {"massif": ["jura", "vosges", "jura"], "q": "SERVEUR logé", "radius_km": "20"},
        {"massif": ["jura", "vosges"], "q": "serveur logé", "sort": "relevance"},
    ):
        found, problems = OFFER_FILTERS.canonical(raw)
        assert (found, problems) == (one, []), raw


def test_a_repeated_single_valued_parameter_is_refused_by_name() -> None:
    _, problems = OFFER_FILTERS.canonical({"q": ["serveur", "moniteur"], "near": ["a", "b"]})
    assert [p.name for p in problems] == ["q", "near"]


async def test_the_same_search_written_four_ways_is_one_alert_and_one_digest(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org
) -> None:
    await subscribe(client, massif=["alpes-nord", "vosges"], q="cuisinier")
    await run_worker()
    await confirm_from_email(client, smtp)
    for massifs, q in (
        (["vosges", "alpes-nord"], "cuisinier"),
        (["alpes-nord", "vosges"], "Cuisinier"),
        (["alpes-nord", "vosges", "vosges"], "  cuisinier "),
    ):
        await subscribe(client, massif=massifs, q=q)
    assert await Alert.count() == 1
    await cook(client, employer, "Cuisinier de brigade, logé")
    await run_worker()
    assert [m.subject for m in smtp.to(LEA)] == ["1 nouvelle offre pour votre alerte"]
