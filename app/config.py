"""Settings from environment variables (and an optional `.env`), one dataclass per subsystem."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-secret-key-change-me-in-production-0123456789"
DEV_ADMIN_TOKEN = "dev-admin-token"
DEV_MEILISEARCH_KEY = "dev-meilisearch-master-key-0123456789"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _environ() -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    env_file = Path(os.environ.get("ENV_FILE", PROJECT_ROOT / ".env"))
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values.update(os.environ)
    return values


def _url(env: dict[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = env.get(name, default).strip()
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        expected = " or ".join(f"{s}://" for s in schemes)
        raise ConfigError(f"{name}: expected a {expected} URL with a host, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigError(f"{name}: malformed port in {value!r}") from exc
    return value


def _key_prefix(env: dict[str, str]) -> str:
    prefix = env.get("REDIS_KEY_PREFIX", "emploi-montagne").strip()
    if not prefix or not prefix.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(f"REDIS_KEY_PREFIX: expected letters, digits, '-' or '_', got {prefix!r}")
    return prefix


def _int(env: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}: expected a number from {low} to {high}, got {value}")
    return value


def _proxies(env: dict[str, str]) -> tuple[str, ...]:
    """FORWARDED_ALLOW_IPS: comma-separated addresses or networks (CIDR) of trusted proxies,
    or "*" for any (only when nothing but the proxy can reach the app); empty: none."""
    raw = env.get("FORWARDED_ALLOW_IPS", "").strip()
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(
                f"FORWARDED_ALLOW_IPS: expected IP addresses or networks separated by commas, "
                f"or *, got {item!r}"
            ) from None
    return items


def _choice(env: dict[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip()
    if value not in choices:
        raise ConfigError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _secret(
    env: dict[str, str], name: str, dev_default: str, production: bool, min_len: int
) -> str:
    value = env.get(name, "" if production else dev_default).strip()
    if not value:
        raise ConfigError(f"{name}: required when APP_ENV=production")
    if production and value == dev_default:
        raise ConfigError(f"{name}: the development default must not be used in production")
    if len(value) < min_len:
        raise ConfigError(f"{name}: expected at least {min_len} characters")
    return value


_DNS_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")
DKIM_VARIABLES = ("DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY")


def _dkim(env: dict[str, str]) -> DkimSettings | None:
    """DKIM signing: all three variables or none; the key file must hold an RSA key dkimpy
    can sign with (1024 bits at least: verifiers refuse shorter ones)."""
    values = {name: env.get(name, "").strip() for name in DKIM_VARIABLES}
    if not any(values.values()):
        return None
    for name, value in values.items():
        if not value:
            raise ConfigError(f"{name}: required when any of {', '.join(DKIM_VARIABLES)} is set")
    domain, selector, key_path = values.values()
    if "." not in domain or not _DNS_NAME.fullmatch(domain):
        raise ConfigError(f"DKIM_DOMAIN: expected a domain name, got {domain!r}")
    if not _DNS_NAME.fullmatch(selector):
        raise ConfigError(f"DKIM_SELECTOR: expected a DNS label, got {selector!r}")
    try:
        pem = Path(key_path).read_bytes().replace(b"\r\n", b"\n")
    except OSError as exc:
        raise ConfigError(f"DKIM_PRIVATE_KEY: cannot read {key_path!r}: {exc}") from exc
    from dkim.crypto import UnparsableKeyError, parse_pem_private_key

    try:
        bits = int(parse_pem_private_key(pem)["modulus"]).bit_length()
    except (UnparsableKeyError, ValueError, TypeError, IndexError) as exc:
        raise ConfigError(
            f"DKIM_PRIVATE_KEY: {key_path!r} is not a PEM RSA private key: {exc}"
        ) from exc
    if bits < 1024:
        raise ConfigError(f"DKIM_PRIVATE_KEY: a {bits}-bit key; expected 1024 bits or more")
    return DkimSettings(domain=domain.lower(), selector=selector, private_key=pem)


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    pool_min: int
    pool_max: int

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/") or "postgres"


@dataclass(frozen=True)
class RedisSettings:
    url: str
    # Prefix of the keys the app itself writes (sessions, rate-limit counters).
    key_prefix: str
    # Requests a minute one client may make to the search API (0: no limit).
    search_rate_per_minute: int


@dataclass(frozen=True)
class SearchSettings:
    url: str
    master_key: str
    index_prefix: str


@dataclass(frozen=True)
class DkimSettings:
    domain: str  # d=
    selector: str  # s=: the key's DNS record is <selector>._domainkey.<domain>
    private_key: bytes = field(repr=False)  # PEM (RSA, PKCS#1 or PKCS#8), read from the file


@dataclass(frozen=True)
class MailSettings:
    smtp_url: str
    sender: str
    reply_to: str
    capture_dir: Path
    dkim: DkimSettings | None = None  # None: messages go unsigned

    @property
    def domain(self) -> str:
        """The sender's domain, for Message-IDs."""
        return parseaddr(self.sender)[1].rpartition("@")[2] or "emploi-montagne.localhost"


@dataclass(frozen=True)
class SiteSettings:
    env: str
    base_url: str
    port: int
    secret_key: str
    admin_token: str
    offer_lifetime_days: int
    reminder_days: int
    # Proxies whose X-Forwarded-For is believed (addresses or networks; "*": any); none by
    # default, so a client cannot choose the address its rate limits count against.
    forwarded_allow_ips: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.env == "production"


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings
    redis: RedisSettings
    search: SearchSettings
    mail: MailSettings
    site: SiteSettings


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read and check every setting; raise ConfigError naming the first bad variable."""
    env = _environ() if env is None else env
    app_env = _choice(env, "APP_ENV", "development", ("development", "test", "production"))
    production = app_env == "production"
    port = _int(env, "PORT", 8000, 1, 65535)
    smtp_url = env.get("SMTP_URL", "").strip()
    if smtp_url:
        smtp_url = _url(env, "SMTP_URL", "", ("smtp", "smtps"))
    index_prefix = env.get("MEILISEARCH_INDEX_PREFIX", "").strip()
    if index_prefix and not index_prefix.replace("_", "").replace("-", "").isalnum():
        raise ConfigError(
            f"MEILISEARCH_INDEX_PREFIX: expected letters, digits, '-' or '_', got {index_prefix!r}"
        )
    sender = env.get("MAIL_FROM", "Emploi Montagne <no-reply@emploi-montagne.localhost>").strip()
    if "@" not in sender:
        raise ConfigError(f"MAIL_FROM: expected an email address, got {sender!r}")
    reply_to = env.get("MAIL_REPLY_TO", "contact@emploi-montagne.localhost").strip()
    if "@" not in reply_to:
        raise ConfigError(f"MAIL_REPLY_TO: expected an email address, got {reply_to!r}")
    dkim = _dkim(env)
    pool_min = _int(env, "DATABASE_POOL_MIN", 1, 0, 100)
    return Settings(
        database=DatabaseSettings(
            url=_url(
                env,
                "DATABASE_URL",
                "postgresql://postgres@127.0.0.1:5432/emploi_montagne",
                ("postgresql", "postgres"),
            ),
            pool_min=pool_min,
            pool_max=_int(env, "DATABASE_POOL_MAX", 10, max(pool_min, 1), 200),
        ),
        redis=RedisSettings(
            url=_url(env, "REDIS_URL", "redis://127.0.0.1:6379/0", ("redis", "rediss")),
            key_prefix=_key_prefix(env),
            search_rate_per_minute=_int(env, "SEARCH_RATE_PER_MINUTE", 300, 0, 1_000_000),
        ),
        search=SearchSettings(
            url=_url(env, "MEILISEARCH_URL", "http://127.0.0.1:7700", ("http", "https")),
            master_key=_secret(
                env, "MEILISEARCH_MASTER_KEY", DEV_MEILISEARCH_KEY, production, min_len=16
            ),
            index_prefix=index_prefix,
        ),
        mail=MailSettings(
            smtp_url=smtp_url,
            sender=sender,
            reply_to=reply_to,
            capture_dir=Path(env.get("MAIL_CAPTURE_DIR", str(PROJECT_ROOT / "var" / "mail"))),
            dkim=dkim,
        ),
        site=SiteSettings(
            env=app_env,
            base_url=_url(env, "BASE_URL", f"http://127.0.0.1:{port}", ("http", "https")).rstrip(
                "/"
            ),
            port=port,
            secret_key=_secret(env, "SECRET_KEY", DEV_SECRET_KEY, production, min_len=32),
            admin_token=_secret(env, "ADMIN_API_TOKEN", DEV_ADMIN_TOKEN, production, min_len=8),
            offer_lifetime_days=_int(env, "OFFER_LIFETIME_DAYS", 60, 1, 365),
            reminder_days=_int(env, "EXPIRY_REMINDER_DAYS", 3, 1, 30),
            forwarded_allow_ips=_proxies(env),
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The one settings object of the process."""
    return load_settings()
