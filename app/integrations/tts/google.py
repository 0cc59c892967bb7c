"""Google Cloud Text-to-Speech (REST, v1beta1 for timepoints): the page's text as SSML with a
`<mark>` before every word, so the answer's timepoints say when each word starts. Asked for
LINEAR16, the audio arrives as a WAV file; it is encoded for phones like the local engine's.

Credentials are the service's own (application default credentials on Cloud Run); tests
point `endpoint` at a local stand-in and give a static token."""

from __future__ import annotations

import asyncio
import base64
import io
import wave
from collections.abc import Awaitable, Callable
from html import escape

import httpx

from app.integrations.tts.base import (
    LanguageUnsupported,
    Speech,
    SpeechFailed,
    align,
    word_spans,
)

ENDPOINT = "https://texttospeech.googleapis.com/v1beta1/text:synthesize"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
SAMPLE_RATE = 24_000
# Ghanaian languages Google has no voice for (a recording is uploaded instead).
UNSPOKEN = frozenset({"tw", "ak", "gaa", "ee"})
# The voice region per language when the request names no voice.
DEFAULT_REGIONS = {"en": "en-GB", "fr": "fr-FR"}

TokenSource = Callable[[], Awaitable[str]]


def ssml(text: str) -> str:
    """The text with a mark named `w<i>` before word i (words as `str.split` counts them)."""
    parts = ["<speak>"]
    cursor = 0
    for index, (start, end) in enumerate(word_spans(text)):
        parts.append(escape(text[cursor:start]))
        parts.append(f'<mark name="w{index}"/>{escape(text[start:end])}')
        cursor = end
    parts.append(escape(text[cursor:]) + "</speak>")
    return "".join(parts)


def _application_default() -> TokenSource:
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default(scopes=[SCOPE])

    async def token() -> str:
        if not credentials.valid:
            await asyncio.to_thread(credentials.refresh, google.auth.transport.requests.Request())
        return str(credentials.token)

    return token


class GoogleTextToSpeech:
    name = "google"

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: TokenSource | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint = endpoint or ENDPOINT
        self._token = token
        self._client = client or httpx.AsyncClient(timeout=30)

    def speaks(self, language: str) -> bool:
        return language.split("-")[0].lower() not in UNSPOKEN

    def request_body(
        self, text: str, language: str, voice: str | None, speed: float
    ) -> dict[str, object]:
        base = language.split("-")[0].lower()
        code = "-".join(voice.split("-")[:2]) if voice else DEFAULT_REGIONS.get(base, language)
        chosen: dict[str, str] = {"languageCode": code}
        if voice:
            chosen["name"] = voice
        return {
            "input": {"ssml": ssml(text)},
            "voice": chosen,
            "audioConfig": {
                "audioEncoding": "LINEAR16",
                "sampleRateHertz": SAMPLE_RATE,
                "speakingRate": speed,
            },
            "enableTimePointing": ["SSML_MARK"],
        }

    async def synthesize(
        self, text: str, language: str, *, voice: str | None = None, speed: float = 1.0
    ) -> Speech:
        if not self.speaks(language):
            raise LanguageUnsupported(language)
        if self._token is None:
            self._token = _application_default()
        headers = {"Authorization": f"Bearer {await self._token()}"}
        try:
            response = await self._client.post(
                self.endpoint,
                json=self.request_body(text, language, voice, speed),
                headers=headers,
            )
        except httpx.HTTPError as exc:
            raise SpeechFailed(f"Text-to-Speech unreachable: {exc}") from exc
        if response.status_code == 400:
            raise LanguageUnsupported(voice or language)
        if response.status_code != 200:
            raise SpeechFailed(f"Text-to-Speech answered {response.status_code}")
        return _speech(text, response.json())

    async def aclose(self) -> None:
        await self._client.aclose()


def _speech(text: str, answer: dict[str, object]) -> Speech:
    audio = base64.b64decode(str(answer["audioContent"]))
    with wave.open(io.BytesIO(audio)) as wav:
        rate = wav.getframerate()
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise SpeechFailed("Text-to-Speech answered audio that is not 16-bit mono")
        pcm = wav.readframes(wav.getnframes())
    spans = word_spans(text)
    starts: list[tuple[int, int]] = []
    points = answer.get("timepoints") or []
    assert isinstance(points, list)
    for point in points:
        name = str(point.get("markName", ""))
        if name.startswith("w") and name[1:].isdigit() and int(name[1:]) < len(spans):
            starts.append((spans[int(name[1:])][0], round(float(point["timeSeconds"]) * 1000)))
    return Speech(pcm=pcm, sample_rate=rate, words=align(text, starts, pcm, rate))
