"""The runtime's core parts as route dependencies: a route asks for the parts it uses, never
for the whole runtime (which only the composition root knows). Each reads the part from the
app's runtime (`app.api.use_runtime`)."""

from __future__ import annotations

from typing import Annotated

from cashews import Cache
from fastapi import Depends, Request

from app.core.config import Settings
from app.core.ratelimit import RateLimiter


async def get_settings_part(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.runtime.cache
    return cache


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.runtime.rate_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings_part)]
CacheDep = Annotated[Cache, Depends(get_cache)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
