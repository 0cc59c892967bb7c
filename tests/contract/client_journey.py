"""A family's first day, through the Python client generated from /openapi.json and nothing
else: register, confirm the email with the code sent, accept the privacy notice, create an
explorer, start kid mode, browse, search, open an eBook, read, look at the library, take a
quiz. Run by tests/contract/run_clients.py against a live server; `api` is the generated
package (imported there), so every call below is what an app developer would write.

Each step checks the status and the parsed model: a response the client cannot parse into
its model (`parsed` is None or a Problem) fails the journey with the step's name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

EMAIL = "client-journey@example.com"
PASSWORD = "sankofa-return-and-fetch-it"


class JourneyError(AssertionError):
    pass


def _ok(step: str, response: Any, *statuses: int) -> Any:
    """The parsed body of a response with one of `statuses` (200 by default)."""
    wanted = statuses or (200,)
    if response.status_code not in wanted:
        raise JourneyError(f"{step}: {response.status_code} {response.content[:400]!r}")
    parsed = response.parsed
    if parsed is not None and type(parsed).__name__ == "Problem":
        raise JourneyError(f"{step}: parsed a success as a Problem")
    return parsed


async def journey(
    api: ModuleType, base_url: str, email_code: Callable[[str], Awaitable[str]]
) -> list[str]:
    """Runs the journey; the steps done, in order. `email_code(address)` waits for the
    latest email to that address and answers the 6-digit code in it."""
    from importlib import import_module

    def op(tag: str, name: str) -> Any:
        return import_module(f"{api.__name__}.api.{tag}.{name}")

    models = import_module(f"{api.__name__}.models")
    done: list[str] = []
    anonymous = api.Client(base_url=base_url, raise_on_unexpected_status=True)

    # A parent registers and confirms the address with the emailed code.
    registered = await op("auth", "register").asyncio_detailed(
        client=anonymous, body=models.RegisterIn(email=EMAIL, password=PASSWORD)
    )
    _ok("register", registered, 202)
    code = await email_code(EMAIL)
    if not re.fullmatch(r"\d{6}", code):
        raise JourneyError(f"verify: no code in the email ({code!r})")
    tokens = _ok(
        "verify_email",
        await op("auth", "verify_email").asyncio_detailed(
            client=anonymous, body=models.CodeIn(email=EMAIL, code=code)
        ),
    )
    parent = api.AuthenticatedClient(
        base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True
    )
    done.append("register and verify")

    # The privacy notice, accepted in the version shown.
    notice = _ok(
        "get_privacy_notice",
        await op("accounts", "get_privacy_notice").asyncio_detailed(client=anonymous),
    )
    consent = _ok(
        "give_consent",
        await op("accounts", "give_consent").asyncio_detailed(
            client=parent, body=models.ConsentIn(notice_version=notice.version)
        ),
    )
    done.append(f"consent to notice {consent.notice_version}")

    # An explorer, and kid mode on the family tablet.
    profile = _ok(
        "create_profile",
        await op("profiles", "create_profile").asyncio_detailed(
            client=parent, body=models.ProfileCreate(nickname="Ama", age_band="6-8")
        ),
        201,
    )
    listed = _ok(
        "list_profiles", await op("profiles", "list_profiles").asyncio_detailed(client=parent)
    )
    if [p.id for p in listed.items] != [profile.id]:
        raise JourneyError("list_profiles: the new explorer is not listed")
    kid_session = _ok(
        "start_kid_mode",
        await op("profiles", "start_kid_mode").asyncio_detailed(
            profile_id=profile.id, client=parent, body=models.KidSessionIn()
        ),
    )
    kid = api.AuthenticatedClient(
        base_url=base_url, token=kid_session.explorer_token, raise_on_unexpected_status=True
    )
    done.append("profile and kid mode")

    # Browsing: themes, a theme's page, videos, one video, a search.
    themes = _ok("list_themes", await op("catalogue", "list_themes").asyncio_detailed(client=kid))
    if not themes.items:
        raise JourneyError("list_themes: the demo catalogue has no themes")
    _ok(
        "get_theme",
        await op("catalogue", "get_theme").asyncio_detailed(slug=themes.items[0].slug, client=kid),
    )
    videos = _ok(
        "list_videos", await op("catalogue", "list_videos").asyncio_detailed(client=kid, limit=5)
    )
    if not videos.items:
        raise JourneyError("list_videos: no videos")
    video = _ok(
        "get_video",
        await op("catalogue", "get_video").asyncio_detailed(item_id=videos.items[0].id, client=kid),
    )
    word = video.title.split()[0]
    hits = _ok("search", await op("catalogue", "search").asyncio_detailed(client=kid, q=word))
    if not hits.items:
        raise JourneyError(f"search: nothing found for {word!r}, a word of a video's title")
    done.append(f"browse {len(themes.items)} themes, {len(videos.items)} videos, search {word!r}")

    # An eBook, opened and read: a progress heartbeat, then the library shows it.
    ebooks = _ok(
        "list_ebooks", await op("catalogue", "list_ebooks").asyncio_detailed(client=kid, limit=1)
    )
    ebook = _ok(
        "get_ebook",
        await op("catalogue", "get_ebook").asyncio_detailed(item_id=ebooks.items[0].id, client=kid),
    )
    beat = models.EbookBeat(sent_at=datetime.now(UTC), page=1, pages_read=[1], read_aloud=True)
    progress = _ok(
        "put_ebook_progress",
        await op("progress", "put_ebook_progress").asyncio_detailed(
            profile_id=profile.id, item_id=ebook.id, client=kid, body=beat
        ),
    )
    library = _ok(
        "get_library",
        await op("library", "get_library").asyncio_detailed(profile_id=profile.id, client=kid),
    )
    if ebook.id not in [card.id for card in library.continue_]:
        raise JourneyError("get_library: the eBook just opened is not under continue")
    done.append(f"read {ebook.title!r} ({progress.status})")

    # A quiz: started, every question answered, submitted.
    quizzes = _ok(
        "list_quizzes", await op("quizzes", "list_quizzes").asyncio_detailed(client=kid, limit=1)
    )
    if not quizzes.items:
        raise JourneyError("list_quizzes: the demo quizzes are missing")
    attempt = _ok(
        "start_attempt",
        await op("quizzes", "start_attempt").asyncio_detailed(
            profile_id=profile.id, quiz_id=quizzes.items[0].id, client=kid
        ),
        201,
    )
    for question in attempt.questions:
        ids = [choice.id for choice in question.choices]
        body = (
            models.OrderAnswer(order=ids)
            if question.type_ == "ordering"
            else models.ChoiceAnswer(choice_ids=ids[:1])
        )
        answer = _ok(
            f"answer_question ({question.type_})",
            await op("quizzes", "answer_question").asyncio_detailed(
                profile_id=profile.id,
                attempt_id=attempt.id,
                question_id=question.id,
                client=kid,
                body=body,
            ),
        )
        if answer.question_id != question.id:
            raise JourneyError("answer_question: the answer is for another question")
    result = _ok(
        "submit_attempt",
        await op("quizzes", "submit_attempt").asyncio_detailed(
            profile_id=profile.id, attempt_id=attempt.id, client=kid
        ),
    )
    if result.status != "submitted" or result.max_score <= 0:
        raise JourneyError(f"submit_attempt: {result.status}, max score {result.max_score}")
    done.append(f"quiz: {len(attempt.questions)} answers, {result.score}/{result.max_score}")

    # A parent's error is a typed problem the client parses, with a code to switch on.
    missing = await op("profiles", "get_profile").asyncio_detailed(
        profile_id=uuid.uuid4(), client=parent
    )
    if missing.status_code != 404 or missing.parsed is None or missing.parsed.code != "not_found":
        raise JourneyError(f"get_profile of no one: {missing.status_code} {missing.parsed!r}")
    done.append("a 404 parsed as Problem(code='not_found')")
    for client in (anonymous, parent, kid):
        await client.get_async_httpx_client().aclose()
    return done
