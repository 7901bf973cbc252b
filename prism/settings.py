"""The one place settings are read: `PRISM_*` environment variables, validated at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(RuntimeError):
    """A setting is missing or malformed; raised at start-up, never at request time."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PRISM_{name}")
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"PRISM_{name} must be an integer, got {raw!r}") from exc


def _choice(name: str, choices: tuple[str, ...]) -> str:
    value = _env(name, choices[0]) or choices[0]
    if value not in choices:
        raise SettingsError(f"PRISM_{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _positive(name: str, default: int) -> int:
    value = _int(name, default)
    if value <= 0:
        raise SettingsError(f"PRISM_{name} must be a positive integer, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Process-wide configuration; build it with `Settings.from_env()`."""

    database_url: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".prism"))
    env: str = "dev"
    oidc_issuer: str | None = None
    oidc_audience: str = "prism"
    oidc_jwks_url: str | None = None
    redis_url: str | None = None
    db_pool_size: int = 10
    statement_timeout_ms: int = 5000
    # Limits on one request, checked before any resolver runs (see prism/limits.py).
    max_body_bytes: int = 2 * 1024 * 1024
    max_tokens: int = 2000
    max_depth: int = 10
    max_aliases: int = 15
    max_directives: int = 10
    max_fields: int = 300
    max_query_cost: int = 5000
    # Cost points each viewer may spend per minute, shared by every process (prism/ratelimit.py).
    rate_limit_per_minute: int = 20_000
    request_timeout_ms: int = 10_000
    #: `on`: queries the read compiler covers run as one SQL statement; `off`: every query runs
    #: on the resolvers; `strict` (tests): a compiled statement PostgreSQL refuses is an error
    #: instead of a quiet fallback to the resolvers.
    compiled_reads: str = "on"
    #: Inbound channels (CONTRACT §9); a channel without its secrets refuses every callback.
    wecom_token: str | None = None
    wecom_aes_key: str | None = None
    wecom_corp_id: str | None = None
    dingtalk_secret: str | None = None
    #: `on`: every `prism serve` process also runs due jobs (timers, deliveries; safe with
    #: several processes); `off`: only `prism worker` processes do.
    worker: str = "on"
    #: Webhook hosts exempt from the prod SSRF guard (https only, public addresses only).
    webhook_allowed_hosts: frozenset[str] = frozenset()

    @property
    def is_dev(self) -> bool:
        return self.env == "dev"

    @property
    def uses_dev_signing(self) -> bool:
        """With no issuer configured (dev only), Prism signs its own tokens."""
        return self.oidc_issuer is None

    @classmethod
    def from_env(cls) -> Settings:
        env = _env("ENV", "dev") or "dev"
        if env not in ("dev", "prod"):
            raise SettingsError(f"PRISM_ENV must be 'dev' or 'prod', got {env!r}")
        issuer = _env("OIDC_ISSUER")
        jwks = _env("OIDC_JWKS_URL")
        if env == "prod" and issuer is None:
            raise SettingsError("PRISM_OIDC_ISSUER is required when PRISM_ENV=prod")
        if issuer is not None and jwks is None:
            raise SettingsError("PRISM_OIDC_JWKS_URL is required when PRISM_OIDC_ISSUER is set")
        return cls(
            database_url=_env("DATABASE_URL"),
            data_dir=Path(_env("DATA_DIR", ".prism") or ".prism"),
            env=env,
            oidc_issuer=issuer,
            oidc_audience=_env("OIDC_AUDIENCE", "prism") or "prism",
            oidc_jwks_url=jwks,
            redis_url=_env("REDIS_URL"),
            db_pool_size=_int("DB_POOL_SIZE", 10),
            statement_timeout_ms=_int("STATEMENT_TIMEOUT_MS", 5000),
            max_body_bytes=_positive("MAX_BODY_BYTES", 2 * 1024 * 1024),
            max_tokens=_positive("MAX_TOKENS", 2000),
            max_depth=_positive("MAX_DEPTH", 10),
            max_aliases=_positive("MAX_ALIASES", 15),
            max_directives=_positive("MAX_DIRECTIVES", 10),
            max_fields=_positive("MAX_FIELDS", 300),
            max_query_cost=_positive("MAX_QUERY_COST", 5000),
            rate_limit_per_minute=_positive("RATE_LIMIT_PER_MINUTE", 20_000),
            request_timeout_ms=_positive("REQUEST_TIMEOUT_MS", 10_000),
            compiled_reads=_choice("COMPILED_READS", ("on", "off", "strict")),
            worker=_choice("WORKER", ("on", "off")),
            webhook_allowed_hosts=frozenset(
                h.strip().lower()
                for h in (_env("WEBHOOK_ALLOWED_HOSTS", "") or "").split(",")
                if h.strip()
            ),
            wecom_token=_env("WECOM_TOKEN"),
            wecom_aes_key=_env("WECOM_AES_KEY"),
            wecom_corp_id=_env("WECOM_CORP_ID"),
            dingtalk_secret=_env("DINGTALK_SECRET"),
        )
