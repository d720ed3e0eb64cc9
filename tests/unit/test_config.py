"""Settings: defaults fit this machine; a missing or malformed value names the variable."""

from __future__ import annotations

import pytest

from app.config import ConfigError, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.database.url == "postgresql://postgres@127.0.0.1:5432/emploi_montagne"
    assert settings.redis.url == "redis://127.0.0.1:6379/0"
    assert settings.site.port == 8000
    assert settings.site.base_url == "http://127.0.0.1:8000"
    assert settings.mail.smtp_url == ""


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://host:notaport/db"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"MEILISEARCH_URL": "ftp://x"}, "MEILISEARCH_URL"),
        ({"SMTP_URL": "mail.example.fr"}, "SMTP_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"BASE_URL": "example.fr"}, "BASE_URL"),
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"MAIL_FROM": "nobody"}, "MAIL_FROM"),
        ({"OFFER_LIFETIME_DAYS": "0"}, "OFFER_LIFETIME_DAYS"),
        ({"APP_ENV": "production"}, "MEILISEARCH_MASTER_KEY"),
        ({"APP_ENV": "production", "MEILISEARCH_MASTER_KEY": "k" * 20}, "SECRET_KEY"),
        (
            {"APP_ENV": "production", "SECRET_KEY": "x" * 40, "MEILISEARCH_MASTER_KEY": "k" * 20},
            "ADMIN_API_TOKEN",
        ),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)


def test_production_refuses_development_defaults() -> None:
    from app.config import DEV_SECRET_KEY

    with pytest.raises(ConfigError, match="SECRET_KEY: the development default"):
        load_settings(
            {
                "APP_ENV": "production",
                "SECRET_KEY": DEV_SECRET_KEY,
                "MEILISEARCH_MASTER_KEY": "k" * 20,
            }
        )


def test_port_sets_the_default_base_url() -> None:
    assert load_settings({"PORT": "9000"}).site.base_url == "http://127.0.0.1:9000"
