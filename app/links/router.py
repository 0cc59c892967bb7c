"""Share links: making one (`/share-links`), following one (`/r/{code}`), disabling one
(`/admin/share-links/disable`), and the two files that let the installed apps open them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from app.auth.deps import CurrentPrincipal, EditorPrincipal
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import request_example, response_example
from app.core.idempotency import RESPONSES as IDEMPOTENT
from app.core.idempotency import idempotent
from app.core.parts import CacheDep, RateLimiterDep, SettingsDep
from app.core.ratelimit import Limit, client_ip
from app.links import service
from app.links.examples import (
    CREATE_SHARE_LINK_OUT,
    DISABLE_IN,
    FOLLOW_SHARE_LINK_PAGE,
    SHARE_IN,
)
from app.links.schemas import CODE_PATTERN, DisableIn, ShareIn, ShareOut

router = APIRouter(tags=["share links"])
admin_router = APIRouter(prefix="/admin", tags=["share links"])
public_router = APIRouter(tags=["share links"])


@router.post(
    "/share-links",
    response_model=ShareOut,
    status_code=201,
    responses={
        200: {
            "model": ShareOut,
            "description": "This item's existing link",
            "content": {"application/json": {"example": CREATE_SHARE_LINK_OUT}},
        },
        **problem_responses(401, 403, 404, 409),
        **IDEMPOTENT,
        **response_example(201, CREATE_SHARE_LINK_OUT),
    },
    summary="Share a published item: answers its share link.",
    openapi_extra=request_example(SHARE_IN),
)
@idempotent
async def create_share_link(
    body: ShareIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> ShareOut:
    """Answers the share link (`/r/{code}`) of a published item; an item has one link, shared again
    it answers that link (200), so a retry never makes a second one.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** the item must be published (404 `item_not_found`); a link an editor disabled is
    refused (409 `share_link_disabled`).

    **Retries:** idempotent: the same item gives the same link; with an `Idempotency-Key` a
    retry answers exactly what the first request answered (201 when it made the link).
    """
    shared = await service.share(session, body.kind, body.item_id)
    if not shared.created:
        response.status_code = 200
    return ShareOut(code=shared.code, url=service.link_url(settings, shared.code))


@admin_router.post(
    "/share-links/disable",
    status_code=204,
    responses=problem_responses(401, 403, 404),
    summary="Turn a share link off: it answers 404 from then on.",
    openapi_extra=request_example(DISABLE_IN),
)
async def admin_disable_share_link(
    body: DisableIn, principal: EditorPrincipal, session: SessionDep
) -> None:
    """Disables a share link by its code; opening it answers 404 and the item can no longer be
    shared by it.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown code is a 404 `link_not_found` (the demo shares no link, so the
    example answers this 404 until an item is shared).

    **Retries:** idempotent: disabling it again leaves it disabled.
    """
    await service.disable(session, body.code)


async def address_budget(
    request: Request, settings: SettingsDep, rate_limiter: RateLimiterDep
) -> None:
    """`/r/{code}` is outside `/api/v1`, so the API's budget middleware does not see it: it
    spends the same per-address budget here (one counter per address for both)."""
    budget = Limit(times=settings.rate_limit_per_minute, seconds=60)
    await rate_limiter.hit("api", client_ip(request), budget)


FOLLOW_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "To a link-preview crawler (by User-Agent): a page with its preview tags",
        "content": {"text/html": {"schema": {"type": "string"}, "example": FOLLOW_SHARE_LINK_PAGE}},
    },
    302: {
        "description": "To everyone else: on to the item in the app (an app link)",
        "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
    },
    **problem_responses(404, 410, 429),
}


# Followed by browsers and link-preview crawlers, not called by the apps; in the document so
# that what a shared link does is stated (the app-link files below are not: they are the
# operating systems' formats).
@public_router.get(
    "/r/{code}",
    dependencies=[Depends(address_budget)],
    include_in_schema=True,
    name="follow_share_link",
    summary="Follow a share link: on to the app, or a preview page for crawlers.",
    response_class=Response,
    responses=FOLLOW_RESPONSES,
)
async def follow(
    # Stated, not enforced by the route: a code of another shape is no link (404).
    code: Annotated[str, Path(json_schema_extra={"pattern": CODE_PATTERN})],
    session: SessionDep,
    settings: SettingsDep,
    cache: CacheDep,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    """Sends a browser on (302) to the shared item in the app (an app link); a link-preview
    crawler (known by its User-Agent) gets a small page with the item's preview tags instead.
    Each click is counted, with nothing about who clicked.

    **Who may call:** anyone, without a token: it is followed by browsers and link-preview
    crawlers, not called by the apps.

    **Rules:** a code that is no link (of another shape, unknown, or disabled by an editor)
    is a 404 `link_not_found`; once the item is no longer published, 410 `link_gone`; each
    address spends the API's per-minute budget (429 `rate_limited`, with Retry-After).

    **Retries:** safe to follow again: the answer is the same, and every follow counts one
    more click. The redirect is not cached (the item may be unpublished); the preview page
    may be, for 5 minutes.
    """
    opened = await service.open_link(session, code)
    if service.is_crawler(user_agent):
        return HTMLResponse(
            service.preview_page(settings, code, opened),
            headers={"Cache-Control": "public, max-age=300"},
        )
    await service.count_click(session, cache, opened)
    return RedirectResponse(
        service.deep_link(settings, opened.kind, opened.item_id),
        status_code=302,
        # Not cached: the item may be unpublished, and every click is counted.
        headers={"Cache-Control": "no-store"},
    )


@public_router.get("/.well-known/assetlinks.json", include_in_schema=False)
async def assetlinks(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(
        service.assetlinks(settings), headers={"Cache-Control": "public, max-age=3600"}
    )


@public_router.get("/.well-known/apple-app-site-association", include_in_schema=False)
async def apple_app_site_association(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(
        service.apple_app_site_association(settings),
        headers={"Cache-Control": "public, max-age=3600"},
    )
