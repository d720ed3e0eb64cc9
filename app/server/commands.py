"""The project's commands in the `litestar` CLI: seed reference data and demo data."""

from __future__ import annotations

import click

from app.config import Settings
from app.core.clock import Clock


def register(cli: click.Group, settings: Settings, clock: Clock) -> None:
    from app.server.startup import run_with_database

    @cli.group(name="seed")
    def seed() -> None:
        """Load reference data (places, trades) or demo data."""

    @seed.command(name="reference")
    def seed_reference() -> None:
        """Insert or update every place and ROME trade (idempotent)."""
        from app.server.seed import load_reference

        counts = run_with_database(settings, load_reference())
        click.echo(
            f"reference data: {counts.places} places, {counts.trades} trades, "
            f"{counts.titles} job titles"
        )

    @seed.command(name="demo")
    @click.option("--seed", "seed_value", default=2026, show_default=True, help="Random seed")
    def seed_demo(seed_value: int) -> None:
        """Fill a realistic demo catalogue (idempotent: a second run adds nothing)."""
        from app.demo.services import load_demo

        report = run_with_database(settings, load_demo(clock, seed=seed_value))
        click.echo(report)

    @cli.group(name="accounts")
    def accounts_group() -> None:
        """People who sign in on the site."""

    @accounts_group.command(name="create-staff")
    @click.argument("email")
    def create_staff(email: str) -> None:
        """Create a staff account (moderation) with a generated password, printed once."""
        import secrets

        from app.accounts import users
        from app.accounts.tables import User
        from app.core.email_lookup import normalised_email

        password = secrets.token_urlsafe(12)

        async def job() -> None:
            address = normalised_email(email)
            existing = await users.by_email(address)
            if existing is not None:
                await User.update({User.staff: True}).where(User.id == existing.id)
                click.echo(f"{address} already has an account: it is now staff")
                return
            user = await users.create_user(address, password, "", clock.now())
            await User.update({User.staff: True, User.email_verified_at: clock.now()}).where(
                User.id == user.id
            )
            click.echo(f"staff account {address} created; password (shown once): {password}")

        run_with_database(settings, job())

    @cli.group(name="search")
    def search_group() -> None:
        """Meilisearch: rebuild indexes, sync the outbox."""

    @search_group.command(name="reindex")
    @click.option(
        "--only",
        type=click.Choice(["offers", "sessions"]),
        default=None,
        help="Rebuild one index only",
    )
    def reindex(only: str | None) -> None:
        """Rebuild the search indexes from the database and swap them in atomically."""
        from app.outbox.sync import SEARCHABLES, rebuild
        from app.server.startup import open_search
        from search.client import SearchEngine
        from search.indexes import IndexSpec

        specs = [s.spec for s in SEARCHABLES if only in (None, s.spec.name)]

        async def rebuild_with_bar(engine: SearchEngine, spec: IndexSpec) -> int:
            with click.progressbar(length=1, label=f"{spec.name:>9}", show_pos=True) as bar:

                def progress(_: str, done: int, total: int) -> None:
                    bar.length = max(total, 1)
                    bar.update(done - bar.pos)

                return await rebuild(engine, spec, clock.now(), progress)

        async def job() -> None:
            engine = open_search(settings)
            try:
                for spec in specs:
                    count = await rebuild_with_bar(engine, spec)
                    click.echo(f"{spec.name}: {count} documents, index swapped in")
            finally:
                await engine.close()

        run_with_database(settings, job())

    @search_group.command(name="drain")
    def drain() -> None:
        """Apply every pending outbox row to Meilisearch now."""
        from app.outbox.sync import drain_outbox, ensure_indexes
        from app.server.startup import open_search

        async def job() -> str:
            engine = open_search(settings)
            try:
                rebuilt = await ensure_indexes(engine, clock.now())
                report = await drain_outbox(engine, clock.now)
            finally:
                await engine.close()
            return f"rebuilt: {', '.join(rebuilt) or 'none'}; outbox rows applied: {report.events}"

        click.echo(run_with_database(settings, job()))
