"""Sign in and out (cookie sessions) and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from leadgen.api import auth
from leadgen.api.deps import CurrentPrincipal, State
from leadgen.api.responses import json_response
from leadgen.api.routes import errors
from leadgen.api.schemas import ErrorOut, LoginIn, MeOut

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=errors())


def me_body(user: dict[str, object], tenant: dict[str, object]) -> dict[str, object]:
    return {"user": user, "tenant": tenant}


@router.post("/login", response_model=MeOut,
             responses={429: {"model": ErrorOut, "description": "Too many failed logins"}})
async def login(body: LoginIn, request: Request, state: State) -> Response:
    """Check email and password; set the session cookie."""
    auth.check_csrf(request, require_header=False)  # no session yet: Origin/Fetch-Metadata only
    client_ip = request.client.host if request.client else "unknown"
    user, token = await auth.login(
        state.admin_pool, email=body.email, password=body.password, client_ip=client_ip,
        user_agent=request.headers.get("user-agent"),
    )
    response = json_response(me_body(
        {"id": user["id"], "email": user["email"], "display_name": user["display_name"],
         "role": user["role"], "owner_id": user["owner_id"]},
        {"id": user["tenant_id"], "slug": user["tenant_slug"], "name": user["tenant_name"]},
    ))
    secure = state.settings.cookie_secure
    response.set_cookie(auth.cookie_name(secure), token, max_age=12 * 3600, path="/",
                        secure=secure, httponly=True, samesite="lax")
    return response


@router.post("/logout", status_code=204, response_class=Response)
async def logout(who: CurrentPrincipal, state: State) -> Response:
    """End the caller's login (API keys: nothing to end)."""
    if who.session_hash is not None:
        await auth.logout(state.admin_pool, who.session_hash)
        state.principals.drop(who.session_hash)
    response = Response(status_code=204)
    secure = state.settings.cookie_secure
    response.delete_cookie(auth.cookie_name(secure), path="/", secure=secure, httponly=True,
                           samesite="lax")
    return response


@router.get("/me", response_model=MeOut)
async def me(who: CurrentPrincipal) -> Response:
    return json_response(me_body(
        {"id": who.id, "email": who.email, "display_name": who.display_name, "role": who.role,
         "owner_id": who.owner_id},
        {"id": who.tenant_id, "slug": who.tenant_slug, "name": who.tenant_name},
    ))
