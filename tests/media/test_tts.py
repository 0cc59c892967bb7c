"""Text to speech at its boundaries: eSpeak NG from its wheel, in process, with timings from
its word events; Google Cloud Text-to-Speech against a captured request and a canned answer
(never the internet)."""

from __future__ import annotations

import base64
import io
import json
import math
import struct
import wave

import httpx
import pytest

from app.core.config import Settings, TtsBackend
from app.integrations.tts import LanguageUnsupported, SpeechFailed, align, create_tts
from app.integrations.tts.google import GoogleTextToSpeech, ssml
from app.integrations.tts.local import LocalTextToSpeech

TEXT = "Long ago, Kwaku Anansi gathered all the wisdom in the world — and hid it!"


async def test_the_local_engine_speaks_with_a_timing_per_word() -> None:
    tts = LocalTextToSpeech()
    assert tts.speaks("en")
    assert tts.speaks("en-GB")
    speech = await tts.synthesize(TEXT, "en")
    words = TEXT.split()
    assert len(speech.words) == len(words)  # the dash too, though nothing is said for it
    assert 2000 < speech.duration_ms < 8000
    previous = 0
    for start, end in speech.words:
        assert previous <= start < end <= speech.duration_ms
        previous = end
    # A pause after the comma: the next word starts well after "ago" ends.
    assert speech.words[2][0] - speech.words[1][1] > 100
    slower = await tts.synthesize(TEXT, "en", speed=0.6)
    assert slower.duration_ms > speech.duration_ms * 1.3


async def test_the_local_engine_cannot_speak_ghanaian_languages() -> None:
    tts = LocalTextToSpeech()
    for language in ("tw", "gaa", "ee", "ak"):
        assert not tts.speaks(language)
        with pytest.raises(LanguageUnsupported):
            await tts.synthesize("Akwaaba", language)
    with pytest.raises(LanguageUnsupported):
        await tts.synthesize("Hello", "en", voice="fr")


def test_words_without_an_event_share_the_time_before_them() -> None:
    rate = 1000
    pcm = struct.pack("<3000h", *([5000] * 3000))
    # "in the world": the engine names "in" and "world" only.
    timings = align("in the world", [(0, 0), (7, 2000)], pcm, rate)
    assert timings == [(0, 1000), (1000, 2000), (2000, 3000)]


def _wav(seconds: float, rate: int = 24_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(
            b"".join(
                struct.pack("<h", int(6000 * math.sin(n / 9))) for n in range(int(seconds * rate))
            )
        )
    return out.getvalue()


async def test_google_is_asked_for_marks_and_gives_their_times() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "audioContent": base64.b64encode(_wav(2.0)).decode(),
                "timepoints": [
                    {"markName": "w0", "timeSeconds": 0.05},
                    {"markName": "w1", "timeSeconds": 0.6},
                    {"markName": "w2", "timeSeconds": 1.3},
                ],
                "audioConfig": {"audioEncoding": "LINEAR16"},
            },
        )

    async def token() -> str:
        return "test-token"

    tts = GoogleTextToSpeech(
        endpoint="https://tts.test/v1beta1/text:synthesize",
        token=token,
        client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
    )
    speech = await tts.synthesize("Akwaaba, young <explorer>!", "en", speed=0.9)
    await tts.aclose()
    [request] = seen
    assert str(request.url) == "https://tts.test/v1beta1/text:synthesize"
    assert request.headers["authorization"] == "Bearer test-token"
    body = json.loads(request.content)
    assert body["input"]["ssml"] == (
        '<speak><mark name="w0"/>Akwaaba, <mark name="w1"/>young '
        '<mark name="w2"/>&lt;explorer&gt;!</speak>'
    )
    assert body["voice"] == {"languageCode": "en-GB"}
    assert body["audioConfig"] == {
        "audioEncoding": "LINEAR16",
        "sampleRateHertz": 24_000,
        "speakingRate": 0.9,
    }
    assert body["enableTimePointing"] == ["SSML_MARK"]
    assert speech.duration_ms == 2000
    assert [start for start, _ in speech.words] == [50, 600, 1300]
    assert speech.words[-1][1] <= 2000


async def test_google_refusals_and_outages() -> None:
    async def token() -> str:
        return "t"

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "voice not found"}})

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down")

    for handler, error in ((refuse, LanguageUnsupported), (fail, SpeechFailed)):
        tts = GoogleTextToSpeech(
            token=token, client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
        )
        with pytest.raises(error):
            await tts.synthesize("Hello", "en", voice="en-GB-Nope-Z")
    with pytest.raises(LanguageUnsupported):
        await GoogleTextToSpeech(token=token).synthesize("Akwaaba", "tw")
    assert ssml("a  b") == '<speak><mark name="w0"/>a  <mark name="w1"/>b</speak>'


def test_the_backend_is_chosen_by_setting(settings: Settings) -> None:
    assert create_tts(settings).name == "local"
    google = settings.model_copy(update={"tts_backend": TtsBackend.google})
    assert create_tts(google).name == "google"
