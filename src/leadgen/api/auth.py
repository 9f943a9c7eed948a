"""Who is calling: cookie sessions (dashboard), Bearer API keys (n8n), CSRF and login throttle.

All lookups here run on the small admin pool (leadgen_admin) because the tenant is not known
yet; they find rows only by a hash of what the client holds (sha256 of the session token, or
the key's public prefix followed by a constant-time comparison of the secret's hash). Everything
after this module runs as leadgen_app inside the principal's tenant.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

import anyio
import asyncpg
from starlette.requests import Request

from leadgen.admin.apikeys import secret_matches, split_key
from leadgen.admin.passwords import DUMMY_HASH, verify_password
from leadgen.api.errors import ApiError
from leadgen.db.connect import dollar_quoted
from leadgen.sql import queries

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-requested-with"
CSRF_VALUE = "leadgen"
MAX_FAILURES = 5  # per email + client address in 15 minutes
_argon2_slots = anyio.CapacityLimiter(4)  # Argon2 is CPU and memory heavy: bound it


@dataclass(frozen=True)
class Principal:
    """The caller of one request; its tenant is the only tenant the request can see."""

    kind: str  # "user" | "key"
    tenant_id: UUID
    tenant_slug: str
    tenant_name: str
    role: str  # platform_admin | tenant_admin | reviewer | machine
    id: UUID  # user id or key id
    email: str  # the user's email, or apikey:<name>
    display_name: str | None = None
    owner_id: UUID | None = None
    session_hash: bytes | None = None

    @property
    def actor(self) -> str:
        return self.email


def cookie_name(secure: bool) -> str:
    return "__Host-leadgen_session" if secure else "leadgen_session"


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def new_session_token() -> tuple[str, bytes]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def unauthenticated(message: str = "sign in first") -> ApiError:
    return ApiError(401, "unauthenticated", message,
                    hint="log in again, or send Authorization: Bearer <api key>",
                    headers={"WWW-Authenticate": "Bearer"})


def tenant_disabled(slug: str) -> ApiError:
    """A valid credential of a disabled tenant (`leadgen tenant disable`): 403, not 401, since
    signing in again would not help."""
    return ApiError(403, "tenant_disabled", f"the tenant {slug!r} is disabled",
                    hint="ask a platform admin to enable it (`leadgen tenant enable`)")


@dataclass(frozen=True)
class Credential:
    """What the client presented: a session cookie or an API key, and a digest naming it."""

    kind: str  # "session" | "key"
    secret: str  # the cookie value or the whole key (never stored)
    digest: bytes  # sha256 of `secret`: the session's token_hash, the principal cache's key


def read_credential(request: Request, secure_cookie: bool) -> Credential:
    """The request's credential (a Bearer key wins over the cookie); CSRF-checked for cookies."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise unauthenticated("the Authorization header must be `Bearer lg_…`")
        key = credential.strip()
        return Credential("key", key, token_hash(key))
    token = request.cookies.get(cookie_name(secure_cookie))
    if not token:
        raise unauthenticated()
    if request.method in UNSAFE_METHODS:
        check_csrf(request, require_header=True)
    return Credential("session", token, token_hash(token))


async def lookup_principal(admin_pool: asyncpg.Pool, credential: Credential) -> Principal:
    """The principal behind a credential, read now on the admin pool; 401 when it is not valid."""
    if credential.kind == "key":
        return await _key_principal(admin_pool, credential.secret)
    return await _session_principal(admin_pool, credential.secret)


def recheck_statement(principal: Principal) -> str:
    """The SQL that proves a cached principal is still valid (migration 0023), to be sent with
    BEGIN; it raises SQLSTATE 28000 when not. Values are rendered as literals because they
    travel in a simple-protocol message: uuids and bytes as hex, text dollar-quoted."""
    if principal.kind == "key":
        return f"SELECT api_assert_key('{principal.id}'::uuid, {dollar_quoted(principal.role)})"
    assert principal.session_hash is not None
    owner = f"'{principal.owner_id}'::uuid" if principal.owner_id is not None else "NULL::uuid"
    role, email = dollar_quoted(principal.role), dollar_quoted(principal.email)
    return (f"SELECT api_assert_session(decode('{principal.session_hash.hex()}', 'hex'), "
            f"'{principal.id}'::uuid, {role}, {email}, {owner})")


async def _key_principal(admin_pool: asyncpg.Pool, key: str) -> Principal:
    parts = split_key(key)
    if parts is None:
        raise unauthenticated("that is not a leadgen API key")
    prefix, secret = parts
    sql = queries("api/auth")
    async with admin_pool.acquire() as conn:
        row = await sql.key_principal(conn, prefix=prefix)
        if row is None or not secret_matches(secret, row["secret_hash"]):
            raise unauthenticated("unknown API key")
        if row["revoked_at"] is not None:
            raise unauthenticated("this API key was revoked")
        if not row["tenant_active"]:
            raise tenant_disabled(row["tenant_slug"])
        if row["stale"]:
            await sql.touch_key(conn, tenant_id=row["tenant_id"], key_id=row["id"])
    return Principal(
        kind="key", tenant_id=row["tenant_id"], tenant_slug=row["tenant_slug"],
        tenant_name=row["tenant_name"],
        role="machine" if row["role"] == "machine" else row["role"],
        id=row["id"], email=f"apikey:{row['name']}",
    )


async def _session_principal(admin_pool: asyncpg.Pool, token: str) -> Principal:
    digest = token_hash(token)
    sql = queries("api/auth")
    async with admin_pool.acquire() as conn:
        row = await sql.session_principal(conn, token_hash=digest)
        if row is None:
            raise unauthenticated("your session has ended")
        if not row["tenant_active"]:
            raise tenant_disabled(row["tenant_slug"])
        if row["stale"]:
            await sql.touch_session(conn, token_hash=digest)
    return Principal(
        kind="user", tenant_id=row["tenant_id"], tenant_slug=row["tenant_slug"],
        tenant_name=row["tenant_name"], role=row["role"], id=row["user_id"],
        email=row["email"], display_name=row["display_name"], owner_id=row["owner_id"],
        session_hash=digest,
    )


def check_csrf(request: Request, *, require_header: bool) -> None:
    """Refuse cross-site writes: custom header, then Origin and Fetch-Metadata when present."""
    refused = ApiError(403, "csrf", "this request did not come from the dashboard",
                       hint="send X-Requested-With: leadgen from the same origin")
    if require_header and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise refused
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise refused
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
            raise refused


async def login(admin_pool: asyncpg.Pool, *, email: str, password: str, client_ip: str,
                user_agent: str | None) -> tuple[asyncpg.Record, str]:
    """Check the credentials (throttled, constant-ish time); return the user row and a token."""
    email = email.strip().lower()
    sql = queries("api/auth")
    async with admin_pool.acquire() as conn:
        recent = await sql.recent_failures(conn, email=email, client_ip=client_ip)
        if recent["failures"] >= MAX_FAILURES:
            wait = max(1, int(recent["retry_after"] or 60))
            raise ApiError(429, "too_many_attempts", "too many failed logins for this account",
                           hint=f"wait {wait} seconds or ask an admin to reset your password",
                           headers={"Retry-After": str(wait)})
        user = await sql.user_for_login(conn, email=email)
    stored = user["password_hash"] if user is not None else DUMMY_HASH
    async with _argon2_slots:
        ok = await anyio.to_thread.run_sync(verify_password, stored, password)
    async with admin_pool.acquire() as conn:
        if user is None or not ok:
            await sql.record_failure(conn, email=email, client_ip=client_ip)
            raise ApiError(401, "invalid_credentials", "wrong email or password",
                           hint="check both; after 5 failures logins pause for 15 minutes")
        token, digest = new_session_token()
        async with conn.transaction():
            await sql.clear_failures(conn, email=email, client_ip=client_ip)
            await sql.create_session(conn, token_hash=digest, tenant_id=user["tenant_id"],
                                     user_id=user["id"], user_agent=(user_agent or "")[:300])
            await sql.mark_login(conn, tenant_id=user["tenant_id"], user_id=user["id"])
    return user, token


async def logout(admin_pool: asyncpg.Pool, session_hash: bytes) -> None:
    async with admin_pool.acquire() as conn:
        await queries("api/auth").delete_session(conn, token_hash=session_hash)
