"""Saved searches in canonical form, and the duplicates that were one alert merged.

The same saved search written differently (massifs in another order, `q` capitalised or
padded, a value repeated) was a separate alert, so one address could get several identical
e-mails. Every alert's search is rewritten in its canonical form (app/offers/search.py); alerts
of the same address (whatever its case) and frequency with the same canonical search are
merged into the oldest confirmed one (else the oldest): the others' send logs join its own
(a pair it already has is kept once) and the others are deleted.
"""

from typing import Any

import msgspec
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "alert: canonical saved searches, duplicates merged"


class RawTable(Table, tablename="alert"):
    """Only a handle for running raw SQL in the migration's transaction."""


def canonical(search: Any) -> dict[str, Any]:
    """The canonical form of a stored search; as stored when it no longer fits the contract."""
    from app.offers.search import OFFER_FILTERS

    raw = msgspec.json.decode(search) if isinstance(search, str | bytes) else search
    found, problems = OFFER_FILTERS.canonical(raw or {})
    return raw if problems else found.as_dict(OFFER_FILTERS)


async def merge() -> None:
    rows = await RawTable.raw(
        "SELECT id, lower(email) AS email, frequency, search::text AS search,"
        " confirmed_at IS NOT NULL AS confirmed FROM alert ORDER BY created_at, id"
    )
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        search = canonical(row["search"])
        text = msgspec.json.encode(search).decode()
        if search != msgspec.json.decode(row["search"]):
            await RawTable.raw("UPDATE alert SET search = {}::jsonb WHERE id = {}", text, row["id"])
        groups.setdefault((row["email"], row["frequency"], text), []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = next((r for r in group if r["confirmed"]), group[0])["id"]
        others = [r["id"] for r in group if r["id"] != keep]
        await RawTable.raw(
            "INSERT INTO alert_send (alert, offer, claimed_at, sent_at, message_id)"
            " SELECT {}, offer, claimed_at, sent_at, message_id FROM alert_send"
            " WHERE alert = ANY({}::int[]) ORDER BY id ON CONFLICT (alert, offer) DO NOTHING",
            keep,
            others,
        )
        await RawTable.raw("DELETE FROM alert WHERE id = ANY({}::int[])", others)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="alerts", description=DESCRIPTION)
    manager.add_raw(merge)
    return manager
