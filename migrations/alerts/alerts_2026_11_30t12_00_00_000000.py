"""Saved searches in canonical form, and the duplicates that were one alert merged.

The same saved search written differently (massifs in another order, `q` capitalised or
padded, a value repeated) was a separate alert, so one address could get several identical
e-mails. Every alert's search is rewritten in its canonical form (app/offers/search.py); alerts
of the same address (whatever its case) and frequency with the same canonical search are
merged into the oldest confirmed one (else the oldest):
- the others' send logs join its own: per offer a sent claim wins over an unsent one, and
  where its own claim is unsent and a merged one's is sent, it takes that sent_at/message_id
  (so the offer is not mailed again);
- each merged-away alert is recorded in `alert_merged` (old_id, old_key, into_id): the signed
  links of the e-mails it sent (unsubscribe, confirm) act on the surviving alert
  (app/alerts/services.py `_alert_from`), instead of reporting success and doing nothing;
- the others are deleted.

The unique index `alert_one_per_search` (alerts_2026_11_23t03_27) is dropped first (a row
rewritten in canonical form may equal one not yet merged) and made again on the lower-cased
address, as `subscribe` dedupes. Backwards: the old index back, `alert_merged` dropped (the
merged alerts stay merged).
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


BEFORE = [
    "DROP INDEX IF EXISTS alert_one_per_search",
    "CREATE TABLE IF NOT EXISTS alert_merged ("
    " old_id integer PRIMARY KEY,"
    " old_key varchar(32) NOT NULL,"
    " into_id integer NOT NULL REFERENCES alert (id) ON DELETE CASCADE)",
    "CREATE INDEX IF NOT EXISTS alert_merged_into ON alert_merged (into_id)",
]
AFTER = [
    "CREATE UNIQUE INDEX alert_one_per_search"
    " ON alert (lower(email), md5(search::text), frequency)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS alert_one_per_search",
    "CREATE UNIQUE INDEX alert_one_per_search ON alert (email, md5(search::text), frequency)",
    "DROP TABLE IF EXISTS alert_merged",
]

# Per offer, the merged alerts' best claim: a sent one first, then the oldest.
_BEST_CLAIMS = (
    "SELECT DISTINCT ON (offer) offer, claimed_at, sent_at, message_id FROM alert_send"
    " WHERE alert = ANY({}::int[]) ORDER BY offer, sent_at IS NULL, id"
)
SEND_LOG_SENT = (
    "UPDATE alert_send AS kept SET sent_at = merged.sent_at, message_id = merged.message_id"
    f" FROM ({_BEST_CLAIMS}) AS merged"
    " WHERE kept.alert = {} AND kept.offer = merged.offer"
    " AND kept.sent_at IS NULL AND merged.sent_at IS NOT NULL"
)
SEND_LOG_UNION = (
    "INSERT INTO alert_send (alert, offer, claimed_at, sent_at, message_id)"
    f" SELECT {{}}, offer, claimed_at, sent_at, message_id FROM ({_BEST_CLAIMS}) AS merged"
    " ON CONFLICT (alert, offer) DO NOTHING"
)
RECORD = (
    "INSERT INTO alert_merged (old_id, old_key, into_id)"
    " SELECT id, key, {} FROM alert WHERE id = ANY({}::int[])"
    " ON CONFLICT (old_id) DO UPDATE SET into_id = EXCLUDED.into_id"
)
# Alerts merged earlier into one now merged away follow it (no chains).
REDIRECT = "UPDATE alert_merged SET into_id = {} WHERE into_id = ANY({}::int[])"


def canonical(search: Any) -> dict[str, Any]:
    """The canonical form of a stored search; as stored when it no longer fits the contract.

    This imports the live offer search contract rather than a frozen copy, deliberately: the
    canonical form is by definition what the app computes for a new subscription (the unique
    index compares the stored text), and a frozen copy that drifted from it by one rule
    (a default, a number's spelling) would write a form the app never produces, so its
    duplicates would go unseen. No simple alternative keeps the two equal.
    """
    from app.offers.search import OFFER_FILTERS

    raw = msgspec.json.decode(search) if isinstance(search, str | bytes) else search
    found, problems = OFFER_FILTERS.canonical(raw or {})
    return raw if problems else found.as_dict(OFFER_FILTERS)


async def merge() -> None:
    for statement in BEFORE:
        await RawTable.raw(statement)
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
        await RawTable.raw(SEND_LOG_SENT, others, keep)
        await RawTable.raw(SEND_LOG_UNION, keep, others)
        await RawTable.raw(REDIRECT, keep, others)
        await RawTable.raw(RECORD, keep, others)
        await RawTable.raw("DELETE FROM alert WHERE id = ANY({}::int[])", others)
    for statement in AFTER:
        await RawTable.raw(statement)


async def unmerge_index() -> None:
    for statement in BACKWARDS:
        await RawTable.raw(statement)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="alerts", description=DESCRIPTION)
    manager.add_raw(merge)
    manager.add_raw_backwards(unmerge_index)
    return manager
