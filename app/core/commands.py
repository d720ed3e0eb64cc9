"""The project's commands in the `litestar` CLI: seed reference data and demo data."""

from __future__ import annotations

import click

from app.config import Settings
from app.core.clock import Clock


def register(cli: click.Group, settings: Settings, clock: Clock) -> None:
    from app.core.plugin import run_with_database

    @cli.group(name="seed")
    def seed() -> None:
        """Load reference data (places, trades) or demo data."""

    @seed.command(name="reference")
    def seed_reference() -> None:
        """Insert or update every place and ROME trade (idempotent)."""
        from app.core.seed import load_reference

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
