"""Every route of the public site (the JSON API's controllers are wired in app/server/plugin.py)."""

from __future__ import annotations

from typing import Any

from litestar.static_files import create_static_files_router

from app.web.controllers.account import AccountPages
from app.web.controllers.alerts import AlertPages
from app.web.controllers.mailbox import MailboxPages
from app.web.controllers.moderation import ModerationPages
from app.web.controllers.offers import OfferLinkPages, OfferPages
from app.web.controllers.organisations import OrganisationPages
from app.web.controllers.search import SearchPages
from app.web.controllers.sitemap import SitemapPages
from app.web.controllers.space_offers import SpaceOfferPages
from app.web.controllers.space_tokens import SpaceTokenPages
from app.web.controllers.space_trainings import SpaceTrainingPages
from app.web.controllers.trainings import TrainingPages
from app.web.templating import STATIC


def web_routes() -> list[Any]:
    return [
        SearchPages,
        AccountPages,
        SpaceOfferPages,
        SpaceTrainingPages,
        SpaceTokenPages,
        ModerationPages,
        AlertPages,
        OfferLinkPages,
        MailboxPages,
        OfferPages,
        TrainingPages,
        OrganisationPages,
        SitemapPages,
        create_static_files_router(
            path="/static",
            directories=[STATIC],
            include_in_schema=False,
            # Vendored files carry their version in their name; the stylesheet does not.
            cache_control=None,
        ),
    ]
