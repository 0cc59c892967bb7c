"""A FastAPI endpoint returning a constant: the ceiling a cached response is compared with."""

from __future__ import annotations

import os

from fastapi import FastAPI, Response

BODY = os.environ.get("CONSTANT_BODY", "{}").encode()
app = FastAPI()


@app.get("/api/v1/videos")
async def constant() -> Response:
    return Response(BODY, media_type="application/json")
