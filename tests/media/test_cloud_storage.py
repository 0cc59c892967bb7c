"""GCS signed URLs checked offline against a generated service-account key, S3 presigned
POST policies decoded, and the S3 flow run against moto's S3 server."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

import boto3
import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto.server import ThreadedMotoServer

from app.bootstrap import build_runtime
from app.integrations.storage.gcs import GcsStorage
from app.integrations.storage.s3 import UPLOAD_PREFIX, S3Storage
from app.media import service as media_service
from app.media.models import MediaAsset
from app.media.policy import Purpose
from app.media.schemas import UploadCreate
from app.runtime import Runtime
from tests.media.files import h264
from tests.support.auth import make_account
from tests.support.net import free_port

SA_EMAIL = "media@wonderspaced-test.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def service_account() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "wonderspaced-test",
        "private_key_id": "key-1",
        "private_key": pem,
        "client_email": SA_EMAIL,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(info), key.public_key()


def _verify_v4(
    url: str, method: str, headers: dict[str, str], public_key: rsa.RSAPublicKey
) -> dict[str, str]:
    """Rebuilds the V4 string-to-sign and checks the signature with the public key."""
    parsed = urlparse(url)
    pairs = [p for p in parsed.query.split("&") if not p.startswith("X-Goog-Signature=")]
    params = dict(parse_qsl(parsed.query))
    signed = params["X-Goog-SignedHeaders"].split(";")
    all_headers = {"host": parsed.netloc, **{k.lower(): v for k, v in headers.items()}}
    assert sorted(all_headers) == signed, "every header sent must be signed"
    canonical_headers = "".join(f"{name}:{all_headers[name].strip()}\n" for name in signed)
    canonical_request = "\n".join(
        [
            method,
            parsed.path,
            "&".join(sorted(pairs)),
            canonical_headers,
            ";".join(signed),
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = unquote(params["X-Goog-Credential"]).split("/", 1)[1]
    string_to_sign = "\n".join(
        [
            params["X-Goog-Algorithm"],
            params["X-Goog-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    public_key.verify(
        binascii.unhexlify(params["X-Goog-Signature"]),
        string_to_sign.encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    return params


async def test_gcs_upload_url_signs_type_size_and_no_overwrite(service_account) -> None:
    key_json, public_key = service_account
    storage = GcsStorage(key_json, "ws-media", "ws-uploads")
    expires = datetime.now(UTC) + timedelta(minutes=15)
    ticket = await storage.upload_ticket("video/2026/11/abc.mp4", "video/mp4", 1234, expires)
    assert ticket.method == "PUT"
    assert ticket.url.startswith("https://storage.googleapis.com/ws-uploads/video/2026/11/abc.mp4?")
    assert ticket.headers == {
        "Content-Type": "video/mp4",
        "x-goog-content-length-range": "1234,1234",
        "x-goog-if-generation-match": "0",
    }
    params = _verify_v4(ticket.url, "PUT", ticket.headers, public_key)
    assert params["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert unquote(params["X-Goog-Credential"]).startswith(SA_EMAIL + "/")
    assert 0 < int(params["X-Goog-Expires"]) <= 900
    assert params["X-Goog-SignedHeaders"] == (
        "content-type;host;x-goog-content-length-range;x-goog-if-generation-match"
    )
    # A client that changes the size limit no longer matches the signature.
    with pytest.raises(InvalidSignature):
        _verify_v4(
            ticket.url,
            "PUT",
            {**ticket.headers, "x-goog-content-length-range": "0,999999999"},
            public_key,
        )


async def test_gcs_download_url_is_a_signed_get_on_the_permanent_bucket(service_account) -> None:
    key_json, public_key = service_account
    storage = GcsStorage(key_json, "ws-media", "ws-uploads")
    url = await storage.download_url(
        "image/2026/11/x.png", datetime.now(UTC) + timedelta(minutes=60)
    )
    assert urlparse(url).path == "/ws-media/image/2026/11/x.png"
    params = _verify_v4(url, "GET", {}, public_key)
    assert params["X-Goog-SignedHeaders"] == "host"
    assert int(params["X-Goog-Expires"]) <= 3600


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(moto_s3: str) -> S3Storage:
    client = boto3.client(
        "s3",
        region_name="eu-west-1",
        endpoint_url=moto_s3,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    bucket = f"ws-media-{free_port()}"
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return S3Storage(bucket, client=client)


async def test_s3_post_policy_pins_key_type_and_size(s3_storage: S3Storage) -> None:
    ticket = await s3_storage.upload_ticket(
        "video/2026/11/abc.mp4", "video/mp4", 1234, datetime.now(UTC) + timedelta(minutes=15)
    )
    assert ticket.method == "POST"
    assert ticket.fields["key"] == UPLOAD_PREFIX + "video/2026/11/abc.mp4"
    policy = json.loads(base64.b64decode(ticket.fields["policy"]))
    conditions = policy["conditions"]
    assert {"key": UPLOAD_PREFIX + "video/2026/11/abc.mp4"} in conditions
    assert {"Content-Type": "video/mp4"} in conditions
    assert ["content-length-range", 1234, 1234] in conditions
    assert {"bucket": s3_storage.bucket} in conditions
    expiry = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expiry <= datetime.now(UTC) + timedelta(minutes=15, seconds=5)


def _on(runtime: Runtime, storage: S3Storage) -> Runtime:
    """The test's runtime with its task handlers bound to this storage."""
    return build_runtime(
        runtime.settings, db=runtime.db, storage=storage, google_tokens=runtime.google_tokens
    )


async def _upload_to_s3(runtime: Runtime, storage: S3Storage, data: bytes, type_: str) -> Any:
    editor = await make_account(runtime, "editor@example.com")
    purpose = Purpose(type_.split("/")[0])
    body = UploadCreate(filename="f", content_type=type_, size_bytes=len(data), purpose=purpose)
    async with runtime.db.session() as session:
        upload, ticket = await media_service.create_upload(session, storage, editor.id, body, 15)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            str(ticket["url"]),
            data=dict(ticket["fields"]),  # type: ignore[arg-type]
            files={"file": ("f", data, type_)},
        )
    assert response.status_code in (200, 204), response.text
    async with runtime.db.session() as session:
        return await media_service.complete_upload(session, storage, upload.id)


async def test_s3_file_that_fails_processing_leaves_the_bucket(
    runtime: Runtime, s3_storage: S3Storage
) -> None:
    runtime = _on(runtime, s3_storage)
    fake_video = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200  # right magic, no movie
    asset = await _upload_to_s3(runtime, s3_storage, fake_video, "video/mp4")
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert [o["Key"] for o in listing["Contents"]] == [asset.key]  # served from here
    await runtime.worker.run_due()
    async with runtime.db.session() as session:
        failed = await session.get(MediaAsset, asset.id)
        assert failed is not None
        assert failed.status == "failed"
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listing.get("KeyCount", 0) == 0


async def test_s3_flow_against_moto(runtime: Runtime, s3_storage: S3Storage) -> None:
    editor = await make_account(runtime, "editor@example.com")
    video = h264(frames=20)
    body = UploadCreate(
        filename="drums.mp4", content_type="video/mp4", size_bytes=len(video), purpose=Purpose.video
    )
    async with runtime.db.session() as session:
        upload, ticket = await media_service.create_upload(session, s3_storage, editor.id, body, 15)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            str(ticket["url"]),
            data=dict(ticket["fields"]),  # type: ignore[arg-type]
            files={"file": ("drums.mp4", video, "video/mp4")},
        )
    assert response.status_code in (200, 204), response.text
    runtime = _on(runtime, s3_storage)
    async with runtime.db.session() as session:
        asset = await media_service.complete_upload(session, s3_storage, upload.id)
    assert await s3_storage.stat_upload(upload.key) is None  # moved out of the upload area
    await runtime.worker.run_due()
    async with runtime.db.session() as session:
        ready = await session.get(MediaAsset, asset.id)
        assert ready is not None
        assert ready.status == "ready"
        assert ready.duration_ms == 2000
        url = await media_service.download_url(s3_storage, ready, 60, None)
    assert url
    async with httpx.AsyncClient() as http:
        part = await http.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == video[:100]

    assert ready.thumbnail_asset_id is not None  # a still, stored beside it
    async with runtime.db.session() as session:
        still = await session.get(MediaAsset, ready.thumbnail_asset_id)
        assert still is not None
    await s3_storage.delete([ready.key, still.key])
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listing.get("KeyCount", 0) == 0


async def test_the_server_uploads_on_a_ticket_like_an_editor(
    runtime: Runtime, s3_storage: S3Storage
) -> None:
    """What the demo seed and generated narration do: the same ticket, sent over HTTP to the
    bucket, checked and processed."""
    runtime = _on(runtime, s3_storage)
    video = h264(frames=20)
    async with runtime.db.session() as session:
        asset = await media_service.upload_file(
            session,
            s3_storage,
            None,
            Purpose.video,
            "video/mp4",
            "drums.mp4",
            video,
            max_image_pixels=runtime.settings.media_max_image_pixels,
        )
    assert (asset.status, asset.duration_ms) == ("ready", 2000)
    assert asset.thumbnail_asset_id is not None
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=asset.key)
    assert stored["Body"].read() == video
