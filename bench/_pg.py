"""The usual alternative: the same searches answered by PostgreSQL alone.

A bench-only copy of the live offers (schema `bench_pg`, the app's tables untouched), joined
with their place, trade and organisation, with a French full-text `tsvector` (a stored
generated column under a GIN index) and plain indexes for the facets and coordinates.
One statement per search returns what the app's search answers: the page of hits (ranked,
with `ts_headline` highlights), the exact total, and the counts of each facet computed
without its own filter (disjunctive), geo by bounding box then haversine distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bench._mix import Search

SCHEMA = "bench_pg"
EARTH_KM = 6371.0088
KM_PER_DEGREE = 111.045
PAGE_SIZE = 20

BUILD = [
    f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
    f"CREATE SCHEMA {SCHEMA}",
    # At most 40 job titles a trade, as app/offers/documents.py puts in the documents.
    f"""CREATE TABLE {SCHEMA}.trade_titles AS
        SELECT trade, string_agg(label, ' ' ORDER BY label) AS titles
        FROM (SELECT trade, label,
                     row_number() OVER (PARTITION BY trade ORDER BY label) AS n
              FROM trade_title) t
        WHERE n <= 40 GROUP BY trade""",
    f"""CREATE TABLE {SCHEMA}.offers AS
        SELECT o.id, o.slug, o.title, o.description, o.seasons::text[] AS seasons,
               o.contract::text AS contract, o.housing::text AS housing, o.start_date,
               o.end_date, o.pay_min, o.pay_max, o.pay_period, o.published_at, o.expires_at,
               t.code::text AS trade_code, coalesce(t.mountain_label, t.label)::text AS trade_label,
               coalesce(tt.titles, '') AS trade_titles, g.id AS organisation_id,
               g.slug::text AS organisation_slug, g.name::text AS organisation_name,
               p.slug::text AS place_slug, p.name::text AS place_name, p.commune::text AS commune,
               p.departement_code::text AS departement, p.massif::text AS massif,
               p.latitude AS lat, p.longitude AS lng
        FROM offer o
        JOIN trade t ON t.id = o.trade
        JOIN place p ON p.id = o.place
        JOIN organisation g ON g.id = o.organisation
        LEFT JOIN {SCHEMA}.trade_titles tt ON tt.trade = o.trade
        WHERE o.status = 'published' AND o.expires_at > now() AND g.verified""",
    f"ALTER TABLE {SCHEMA}.offers ADD PRIMARY KEY (id)",
    f"""ALTER TABLE {SCHEMA}.offers ADD COLUMN document tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('french', title), 'A')
          || setweight(to_tsvector('french', trade_label || ' ' || trade_titles), 'B')
          || setweight(to_tsvector('french',
                       organisation_name || ' ' || place_name || ' ' || commune), 'C')
          || setweight(to_tsvector('french', description), 'D')) STORED""",
    f"CREATE INDEX ON {SCHEMA}.offers USING gin (document)",
    f"CREATE INDEX ON {SCHEMA}.offers USING gin (seasons)",
    f"CREATE INDEX ON {SCHEMA}.offers (massif)",
    f"CREATE INDEX ON {SCHEMA}.offers (trade_code)",
    f"CREATE INDEX ON {SCHEMA}.offers (contract)",
    f"CREATE INDEX ON {SCHEMA}.offers (housing)",
    f"CREATE INDEX ON {SCHEMA}.offers (lat, lng)",
    f"CREATE INDEX ON {SCHEMA}.offers (published_at)",
    f"CREATE INDEX ON {SCHEMA}.offers (expires_at)",
    f"ANALYZE {SCHEMA}.offers",
]
DROP = f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"

# facet → (column, how a row matches a list of values, how to count its values)
FACETS: dict[str, tuple[str, str, str]] = {
    "massif": ("massif", "b.massif = ANY({p})", "b.massif"),
    "season": ("seasons", "b.seasons && {p}", "unnest(b.seasons)"),
    "trade": ("trade_code", "b.trade_code = ANY({p})", "b.trade_code"),
    "contract": ("contract", "b.contract = ANY({p})", "b.contract"),
    "housing": ("housing", "b.housing = ANY({p})", "b.housing"),
}


class Params:
    """Positional parameters of one statement: $1, $2 …"""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _haversine(lat: str, lng: str) -> str:
    return (
        f"(2 * {EARTH_KM} * asin(sqrt(power(sin(radians(o.lat - {lat}) / 2), 2) "
        f"+ cos(radians({lat})) * cos(radians(o.lat)) "
        f"* power(sin(radians(o.lng - {lng}) / 2), 2))))"
    )


def search_sql(
    search: Search, now: datetime, coordinates: dict[str, tuple[float, float]]
) -> tuple[str, list[Any]]:
    """One statement answering a search of the mix; returns (SQL, parameters)."""
    p = Params()
    where = [f"o.expires_at > {p.add(now)}"]
    rank = "0::real"
    distance = "NULL::float8"
    words = str(search.get("q") or "").strip()
    query = ""
    if words:
        query = f"websearch_to_tsquery('french', {p.add(words)})"
        where.append(f"o.document @@ {query}")
        rank = f"ts_rank_cd(o.document, {query})"
    if "near" in search:
        lat, lng = coordinates[search["near"]]
        radius = float(search.get("radius_km", 20.0))
        dlat = radius / KM_PER_DEGREE
        dlng = radius / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        where.append(f"o.lat BETWEEN {p.add(lat - dlat)} AND {p.add(lat + dlat)}")
        where.append(f"o.lng BETWEEN {p.add(lng - dlng)} AND {p.add(lng + dlng)}")
        distance = _haversine(p.add(lat), p.add(lng))
        where.append(f"{distance} <= {p.add(radius)}")
    filters: dict[str, str] = {}
    for facet, (_, match, _) in FACETS.items():
        values: Sequence[str] = search.get(facet) or ()
        if values:
            filters[facet] = match.format(p=p.add(list(values)))

    def others(facet: str | None) -> str:
        kept = [f for name, f in filters.items() if name != facet]
        return " AND ".join(kept) if kept else "true"

    sort = search.get("sort")
    if sort == "distance" and "near" in search:
        order = "{t}.dist ASC, {t}.id"
    elif sort == "recent" or not words:
        order = "{t}.published_at DESC, {t}.id"
    else:
        order = "{t}.rank DESC, {t}.id"
    page_order = order.format(t="page")
    offset = (int(search.get("page", 1)) - 1) * PAGE_SIZE
    if words:
        highlight = (
            f"ts_headline('french', o.title, {query}, 'StartSel=<mark>, StopSel=</mark>, "
            f"HighlightAll=true'), 'description', ts_headline('french', o.description, "
            f"{query}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=15')"
        )
    else:
        highlight = "o.title, 'description', left(o.description, 200)"
    facet_counts = ", ".join(
        f"'{facet}', (SELECT coalesce(json_object_agg(v, n), '{{}}') FROM ("
        f"SELECT {count} AS v, count(*) AS n FROM base b WHERE {others(facet)} GROUP BY 1) f)"
        for facet, (_, _, count) in FACETS.items()
    )
    sql = f"""
WITH base AS MATERIALIZED (
    SELECT o.id, o.massif, o.seasons, o.trade_code, o.contract, o.housing, o.published_at,
           {rank} AS rank, {distance} AS dist
    FROM {SCHEMA}.offers o
    WHERE {" AND ".join(where)}
), page AS (
    SELECT b.id, b.rank, b.dist, b.published_at FROM base b WHERE {others(None)}
    ORDER BY {order.format(t="b")} LIMIT {PAGE_SIZE} OFFSET {offset}
)
SELECT json_build_object(
    'total', (SELECT count(*) FROM base b WHERE {others(None)}),
    'hits', (SELECT coalesce(json_agg(json_build_object(
                'id', o.id, 'slug', o.slug, 'title', {highlight},
                'organisation', o.organisation_name, 'place', o.place_name,
                'massif', o.massif, 'trade', o.trade_label, 'contract', o.contract,
                'housing', o.housing, 'seasons', o.seasons, 'start_date', o.start_date,
                'pay_min', o.pay_min, 'pay_max', o.pay_max, 'pay_period', o.pay_period,
                'distance_km', round(page.dist::numeric, 1)) ORDER BY {page_order}), '[]')
             FROM page JOIN {SCHEMA}.offers o ON o.id = page.id),
    'facets', json_build_object({facet_counts})
)::text"""
    return sql, p.values
