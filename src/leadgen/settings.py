"""One settings object, read from the environment (and a `.env` file if present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration for every command; `DATABASE_URL` comes first."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Owner/admin connection: migrations, migrate, CLI administration.
    database_url: str | None = None
    # Application connection (the role that owns nothing and cannot bypass RLS).
    # Derived from database_url with user `leadgen_app` when unset.
    app_database_url: str | None = None
    # Platform path (BYPASSRLS): login/key lookup and tenant creation in the API.
    # Derived from database_url with user `leadgen_admin` when unset.
    admin_database_url: str | None = None
    # Passwords `leadgen db upgrade` gives the login roles (unset: no password, for trust auth
    # on a private network, the demo and tests).
    app_role_password: SecretStr | None = None
    admin_role_password: SecretStr | None = None
    airtable_token: SecretStr | None = None
    airtable_endpoint: str = "https://api.airtable.com"
    # Where the embedded PostgreSQL, demo snapshots and reports live.
    data_dir: Path = Path(".leadgen")
    host: str = "127.0.0.1"
    port: int = 8000
    # Cookies are Secure except when serving plain http on localhost (the demo).
    cookie_secure: bool = True


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
