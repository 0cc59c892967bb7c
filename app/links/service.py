"""Share links: one per item, a redirect into the app, and a preview page for crawlers."""

from __future__ import annotations

import html
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cashews import Cache
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import lookups
from app.catalog.schemas import Kind
from app.core.config import Settings
from app.core.db import session_driver
from app.core.errors import AppError, Conflict, NotFound
from app.links import clicks, queries
from app.links.schemas import _ALPHABET, CODE_LENGTH, CODE_PATTERN

_ATTEMPTS = 5

# Link-preview fetchers (chat apps, social networks, search engines): they get the preview
# page; everyone else is sent on to the app.
_CRAWLERS = re.compile(
    r"facebookexternalhit|facebot|twitterbot|slackbot|slack-imgproxy|whatsapp|telegrambot|"
    r"discordbot|linkedinbot|skypeuripreview|pinterest|redditbot|applebot|googlebot|bingbot|"
    r"embedly|iframely|vkshare|mastodon|bluesky|snapchat|viber|kakaotalk-scrap|yandex|"
    r"duckduckbot|outbrain|quora link preview|google-inspectiontool|ia_archiver",
    re.IGNORECASE,
)


class Gone(AppError):
    status = 410
    code = "gone"


@dataclass(frozen=True)
class Shared:
    code: str
    created: bool


def link_url(settings: Settings, code: str) -> str:
    return f"{settings.base_url.rstrip('/')}/r/{code}"


def deep_link(settings: Settings, kind: str, item_id: uuid.UUID) -> str:
    return f"{settings.app_link_base.rstrip('/')}/{kind}/{item_id}"


def is_crawler(user_agent: str | None) -> bool:
    return bool(user_agent and _CRAWLERS.search(user_agent))


async def share(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> Shared:
    """The item's link, made the first time it is shared. Only visible items are shared."""
    facts = await lookups.item_facts(await session_driver(session), kind, item_id)
    if facts is None:
        raise NotFound("No published item has this id.", code="item_not_found")
    for _ in range(_ATTEMPTS):
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        made = await queries.create(session, code, kind.value, item_id)
        if made is not None:
            return Shared(made, created=True)
        existing = await queries.by_item(session, kind.value, item_id)
        if existing is not None:
            if existing["disabled_at"] is not None:
                raise Conflict("Sharing this item has been turned off.", code="share_link_disabled")
            return Shared(existing["code"], created=False)
        # Otherwise the code was taken by another item's link: draw again.
    raise Conflict("Could not make a link; try again.", code="share_link_retry")


@dataclass(frozen=True)
class Opened:
    link_id: uuid.UUID
    kind: str
    item_id: uuid.UUID
    preview: lookups.Preview


async def open_link(session: AsyncSession, code: str) -> Opened:
    """The link's item if it is still published: 404 for an unknown or disabled code, 410
    for an item no longer published (or deleted)."""
    link = await queries.by_code(session, code) if re.match(CODE_PATTERN, code) else None
    if link is None or link["disabled_at"] is not None:
        raise NotFound("There is no such link.", code="link_not_found")
    preview = await lookups.preview(
        await session_driver(session), Kind(link["kind"]), link["item_id"]
    )
    if preview is None or not preview.visible:
        raise Gone("What this link pointed to is no longer available.", code="link_gone")
    return Opened(link["id"], link["kind"], link["item_id"], preview)


async def count_click(session: AsyncSession, cache: Cache, opened: Opened) -> None:
    """One more click today (UTC); nothing about who clicked. Counted in the cache and
    written in batches (app/links/clicks.py)."""
    await clicks.count(session, cache, opened.link_id, datetime.now(UTC).date())


async def disable(session: AsyncSession, code: str) -> None:
    link = await queries.link(session, code)
    if link is None:
        raise NotFound("There is no such link.", code="link_not_found")
    if link.disabled_at is None:
        link.disabled_at = datetime.now(UTC)
        await session.flush()


def preview_page(settings: Settings, code: str, opened: Opened) -> str:
    """A small page for link previews: OpenGraph and Twitter tags, every value escaped."""
    p = opened.preview
    base = settings.base_url.rstrip("/")
    target = deep_link(settings, opened.kind, opened.item_id)
    description = p.description.strip() or f"Explore it on {settings.app_name}."
    if len(description) > 300:
        description = description[:297].rstrip() + "…"
    tags = {
        "og:type": "website",
        "og:site_name": settings.app_name,
        "og:title": p.title,
        "og:description": description,
        "og:url": link_url(settings, code),
    }
    if p.image_url:
        tags["og:image"] = f"{base}{p.image_url}"

    def e(value: str) -> str:
        return html.escape(value, quote=True)

    meta = "\n".join(f'<meta property="{e(k)}" content="{e(v)}">' for k, v in tags.items())
    card = "summary_large_image" if p.image_url else "summary"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(p.title)} · {e(settings.app_name)}</title>
<meta name="description" content="{e(description)}">
{meta}
<meta name="twitter:card" content="{card}">
<meta name="twitter:title" content="{e(p.title)}">
<meta name="twitter:description" content="{e(description)}">
</head>
<body>
<h1>{e(p.title)}</h1>
<p>{e(description)}</p>
<p><a href="{e(target)}">Open in {e(settings.app_name)}</a></p>
</body>
</html>
"""


def assetlinks(settings: Settings) -> list[dict[str, Any]]:
    if not settings.android_package_name:
        return []
    return [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": settings.android_package_name,
                "sha256_cert_fingerprints": settings.android_sha256_cert_fingerprints,
            },
        }
    ]


def apple_app_site_association(settings: Settings) -> dict[str, Any]:
    paths = settings.apple_link_paths
    details = [{"appIDs": settings.apple_app_ids, "components": [{"/": path} for path in paths]}]
    return {"applinks": {"details": details if settings.apple_app_ids else []}}
