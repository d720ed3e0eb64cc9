"""Check that PostgreSQL and Redis answer before `make run` / `make test` go on.

With --create-db, also create the database named in DATABASE_URL when it is missing.
Exits 1 with a message naming the service, the URL tried and how to start it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from redis.asyncio import Redis

from app.config import ConfigError, load_settings

HOW_TO_START = (
    "Start it with `docker compose up -d postgres redis`, or point {var} at a running server."
)


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _fail(service: str, var: str, url: str, error: BaseException) -> None:
    print(
        f"\n✗ {service} cannot be reached at {_hide_password(url)} ({var}).\n"
        f"  {type(error).__name__}: {error}\n  " + HOW_TO_START.format(var=var) + "\n",
        file=sys.stderr,
    )
    raise SystemExit(1)


async def check_postgres(url: str, create_db: bool) -> None:
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "postgres"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = await asyncpg.connect(admin_url, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        _fail("PostgreSQL", "DATABASE_URL", url, exc)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists and create_db:
            await conn.execute(f'CREATE DATABASE "{database}"')
            print(f"created database {database}")
    finally:
        await conn.close()


async def check_redis(url: str) -> None:
    client = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        await client.ping()
    except Exception as exc:  # any failure here means "not reachable"
        _fail("Redis", "REDIS_URL", url, exc)
    finally:
        await client.aclose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--create-db", action="store_true")
    args = parser.parse_args()
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"\n✗ configuration: {exc}\n", file=sys.stderr)
        raise SystemExit(1) from None
    await check_postgres(settings.database.url, args.create_db)
    await check_redis(settings.redis.url)
    print("PostgreSQL and Redis answer.")


if __name__ == "__main__":
    asyncio.run(main())
