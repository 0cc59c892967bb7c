"""The demo catalogue, made through the editor's path from generated media, as a newcomer
sees it: videos that play (decoded here), read-aloud books, pictures everywhere."""

from __future__ import annotations

import io
import time

import av
import httpx
from PIL import Image

from app.catalog.seed import seed_catalogue
from app.media.demo import content
from app.runtime import Runtime


async def _fetch(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    return await client.get(url.removeprefix("http://testserver"), headers=headers)


async def test_the_demo_plays_reads_aloud_and_shows_pictures(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
    first = time.monotonic() - started
    async with runtime.db.session() as session:
        again = time.monotonic()
        await seed_catalogue(session, runtime)  # idempotent, and cheap
        assert time.monotonic() - again < 1.0
    print(f"demo catalogue seeded in {first:.1f} s")

    narration = {video.title: video.narration for video in content.VIDEOS}
    videos = (await client.get("/api/v1/videos", params={"limit": 50})).json()["items"]
    assert len(videos) >= 6
    assert (await client.get("/api/v1/videos", params={"age": 3})).json()["items"]
    for card in videos:
        video = (await client.get(f"/api/v1/videos/{card['id']}")).json()
        assert 10_000 <= video["duration_ms"] <= 40_000
        assert card["image_url"], "a thumbnail from processing"
        assert (video["width"], video["height"]) == (640, 360)
        data = (await _fetch(client, video["media_url"])).content
        with av.open(io.BytesIO(data)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert container.streams.audio[0].codec_context.name == "aac"
            assert abs(container.duration // 1000 - video["duration_ms"]) < 100
        part = await _fetch(client, video["media_url"], Range="bytes=0-1023")
        assert part.status_code == 206
        assert part.content == data[:1024]
        [captions] = video["captions"]
        vtt = (await _fetch(client, captions["url"])).text
        assert vtt.startswith("WEBVTT")
        cues = [
            line
            for line in vtt.splitlines()[2:]
            if line and "-->" not in line and not line.isdigit()
        ]
        # The captions are what the narrator says, word for word.
        assert " ".join(cues) == narration[video["title"]]

    ebooks = (await client.get("/api/v1/ebooks", params={"limit": 50})).json()["items"]
    assert len(ebooks) >= 4
    languages = set()
    for card in ebooks:
        book = (await client.get(f"/api/v1/ebooks/{card['id']}")).json()
        languages.add(book["language"])
        assert book["read_aloud_available"] is True
        for page in book["pages"]:
            assert page["illustration_width"] == 800
            assert page["illustration_height"] == 600
            assert len(page["word_timings"]) == len(page["text"].split())
            expected = "human" if book["language"] == "tw" else "tts"
            assert page["narration_source"] == expected
            audio = (await _fetch(client, page["narration_url"])).content
            with av.open(io.BytesIO(audio)) as container:
                duration = container.duration // 1000
            assert page["word_timings"][-1][1] <= duration
    assert languages == {"en", "tw"}

    diys = (await client.get("/api/v1/diys", params={"limit": 50})).json()["items"]
    assert len(diys) >= 3
    for card in diys:
        diy = (await client.get(f"/api/v1/diys/{card['id']}")).json()
        for step in diy["steps"]:
            picture = (await _fetch(client, step["image_url"])).content
            assert Image.open(io.BytesIO(picture)).size == (
                step["image_width"],
                step["image_height"],
            )

    for word, title in (
        ("ghana", None),
        ("sankofa", "Adinkra Potato Stamps"),
        ("bonwire", "Kente Colours: Weaving a Story"),
    ):
        hits = [
            h["title"]
            for h in (await client.get("/api/v1/search", params={"q": word})).json()["items"]
        ]
        assert hits, word
        if title:
            assert title in hits, (word, hits)
