"""Offers: the rules of creating and changing them, and their lifecycle.

Lifecycle: draft → published → filled | expired | archived; expired → published on renewal;
published → draft when staff unpublish. Every transition locks the offer's row and checks
the state it found (409 naming it otherwise), with its outbox row in the same transaction.
"""

from app.offers.services._lifecycle import (
    MAX_LIFETIME,
    archive,
    due_for_expiry,
    expire,
    mark_filled,
    publish,
    renew,
    unpublish,
)
from app.offers.services._queries import (
    OfferFilters,
    get_public_by_slug,
    get_visible_to,
    is_live,
    list_page,
    live_for_sitemap,
    live_of_organisation,
    other_live_offers,
    visible,
)
from app.offers.services._rows import (
    RELATED,
    create,
    get,
    get_for_change,
    to_schema,
    update,
)
from app.offers.services._space import (
    alert_email_counts,
    duplicate,
    record_view,
    view_counts,
)

__all__ = [
    "MAX_LIFETIME",
    "RELATED",
    "OfferFilters",
    "alert_email_counts",
    "archive",
    "create",
    "due_for_expiry",
    "duplicate",
    "expire",
    "get",
    "get_for_change",
    "get_public_by_slug",
    "get_visible_to",
    "is_live",
    "list_page",
    "live_for_sitemap",
    "live_of_organisation",
    "mark_filled",
    "other_live_offers",
    "publish",
    "record_view",
    "renew",
    "to_schema",
    "unpublish",
    "update",
    "view_counts",
    "visible",
]
