"""Creating a record that has a unique slug, or a one-time creation key, without a 500 when
two requests create at once.

A unique slug is picked by trying it: on a unique violation of the slug constraint the insert
is tried again (in a savepoint when the caller holds a transaction) with a new random suffix.
A site form carries a one-time creation key (a hidden field): the record stores it under a
unique constraint, so a double submit inserts one record and the second finds it.
`create_once` does both for a Piccolo row; the constraints are PostgreSQL's default names for a
unique column (`<table>_slug_key`, `<table>_creation_key_key`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
from piccolo.columns import Column
from piccolo.engine import engine_finder
from piccolo.table import Table

from app.core.errors import Conflict
from app.core.text import random_suffix

T = TypeVar("T")
ATTEMPTS = 8
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """A transaction of its own, or a savepoint in the caller's: a failed statement in the
    block undoes the block only, and the caller's transaction can go on."""
    engine: Any = engine_finder()
    assert engine is not None
    current = engine.current_transaction.get()
    if current is None:
        async with engine.transaction():
            yield
        return
    savepoint = await current.savepoint()
    try:
        yield
    except BaseException:
        await savepoint.rollback_to()
        raise
    await savepoint.release()


def broke(exc: BaseException, constraint: str) -> bool:
    """Whether `exc` is a unique violation of this constraint."""
    return isinstance(exc, asyncpg.UniqueViolationError) and exc.constraint_name == constraint


async def insert_with_slug(
    insert: Callable[[str], Awaitable[T]], base: str, constraint: str, first: str | None = None
) -> T:
    """`insert(slug)` in a transaction (or a savepoint), with `first` (default `base`) and then
    `base-<random suffix>` until no other row holds the slug. Other errors pass through."""
    slug = first or base
    for _ in range(ATTEMPTS):
        try:
            async with atomic():
                return await insert(slug)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != constraint:
                raise
        slug = f"{base}-{random_suffix(5)}"
    raise Conflict(f"slug: no free slug for {base!r} after {ATTEMPTS} attempts; try again")


async def create_once(
    row: Table,
    *,
    owner: tuple[Column, int],
    also: Callable[[int], Awaitable[object]],
    slug_base: str | None = None,
    first_slug: str | None = None,
) -> int:
    """Insert `row` and run `also(id)` (e.g. its outbox row) in one transaction (a savepoint in
    the caller's); returns the new id.

    With `slug_base`, the row's slug is `first_slug` (default `slug_base`), then
    `slug_base-<random suffix>` while another row holds it. When the row's `creation_key` was
    already used, nothing is inserted and the id of the record that key made is returned;
    `owner` = (column, id) says whose that record must be: Conflict (409) when it is someone
    else's. Other errors pass through."""
    table = type(row)
    name = table._meta.tablename

    async def insert(slug: str | None) -> int:
        if slug is not None:
            row.slug = slug  # type: ignore[attr-defined]
        await row.save()
        row_id = int(getattr(row, table._meta.primary_key._meta.name))
        await also(row_id)
        return row_id

    try:
        if slug_base is not None:
            return await insert_with_slug(insert, slug_base, f"{name}_slug_key", first_slug)
        async with atomic():
            return await insert(None)
    except asyncpg.UniqueViolationError as exc:
        key: str | None = getattr(row, "creation_key", None)
        if key is None or not broke(exc, f"{name}_creation_key_key"):
            raise
    creation_key: Any = table._meta.get_column_by_name("creation_key")
    column, owner_id = owner
    made = (
        await table.select(table._meta.primary_key.as_alias("id"), column.as_alias("owner"))
        .where(creation_key == key)
        .first()
    )
    if made is None or made["owner"] != owner_id:
        raise Conflict("creation_key: already used; reload the form")
    return int(made["id"])


def new_key() -> str:
    """A one-time creation key for a site form's hidden field."""
    return secrets.token_urlsafe(24)


def valid_key(value: str | None) -> str | None:
    """The form's creation key, or None when it sent none (or not one of ours in shape)."""
    value = (value or "").strip()
    return value if KEY_PATTERN.match(value) else None
