"""The runtime's outside services as route dependencies (see app/core/parts.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.integrations.broker import Broker
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.storage import Storage


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.runtime.storage
    return storage


async def get_broker(request: Request) -> Broker:
    broker: Broker = request.app.state.runtime.broker
    return broker


async def get_google_tokens(request: Request) -> GoogleTokenVerifier:
    verifier: GoogleTokenVerifier = request.app.state.runtime.google_tokens
    return verifier


StorageDep = Annotated[Storage, Depends(get_storage)]
BrokerDep = Annotated[Broker, Depends(get_broker)]
GoogleTokensDep = Annotated[GoogleTokenVerifier, Depends(get_google_tokens)]
