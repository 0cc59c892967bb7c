"""A family's first day through the Python client openapi-python-client generates from
/openapi.json with no configuration, imported as an app developer imports it: sign up,
consent, an explorer, kid mode, the explore screen, a reading heartbeat, My adventures, a
quiz, notifications, and a problem document read through its typed model. Public reads go
through an anonymous client.

Run by tests/contract/run_clients.py against a live server, after `mypy --strict` has
checked this file against the generated package (`wonderspaced_client`, on the path then):
a renamed operation, parameter or field fails the type check before anything runs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from wonderspaced_client import AuthenticatedClient, Client
from wonderspaced_client.api.accounts import export_account, get_privacy_notice, give_consent
from wonderspaced_client.api.auth import register, verify_email
from wonderspaced_client.api.catalogue import (
    get_ebook,
    get_tab,
    get_video,
    list_ebooks,
    list_themes,
    list_videos,
    search,
)
from wonderspaced_client.api.library import get_library
from wonderspaced_client.api.notifications import get_unread_count, list_notifications
from wonderspaced_client.api.profiles import (
    create_profile,
    get_avatar_svg,
    get_profile,
    list_profiles,
    start_kid_mode,
)
from wonderspaced_client.api.progress import put_ebook_progress
from wonderspaced_client.api.quizzes import (
    answer_question,
    list_quizzes,
    start_attempt,
    submit_attempt,
)
from wonderspaced_client.models import (
    AccountExport,
    AgeBand,
    AnswerOut,
    AttemptOut,
    AttemptResult,
    CardPage,
    ChoiceAnswer,
    CodeIn,
    ConsentIn,
    ConsentOut,
    EbookBeat,
    EbookOut,
    ExplorerScreen,
    GetTabTab,
    KidSession,
    Library,
    NotificationOutPage,
    OrderAnswer,
    PrivacyNotice,
    Problem,
    ProfileCreate,
    ProfileOut,
    ProfileOutPage,
    ProgressOut,
    QuestionType,
    QuizPage,
    RegisterIn,
    SearchResults,
    ThemeOutPage,
    TokenPair,
    UnreadCount,
    VideoOut,
)
from wonderspaced_client.types import File, Response

EMAIL = "client-journey@example.com"
PASSWORD = "sankofa-return-and-fetch-it"
T = TypeVar("T")


class JourneyError(AssertionError):
    pass


def ok(step: str, response: Response[Any], model: type[T], status: int = 200) -> T:
    """The parsed body of a `status` answer, as `model`."""
    parsed = response.parsed
    if response.status_code != status or not isinstance(parsed, model):
        raise JourneyError(f"{step}: {response.status_code} {response.content[:400]!r}")
    return parsed


async def journey(base_url: str, email_code: Callable[[str], Awaitable[str]]) -> list[str]:
    """Runs the journey; the steps done, in order. `email_code(address)` waits for the
    latest email to that address and answers the 6-digit code in it."""
    done: list[str] = []
    anonymous = Client(base_url=base_url)

    # A parent signs up and confirms the address with the emailed code.
    await register.asyncio_detailed(
        client=anonymous, body=RegisterIn(email=EMAIL, password=PASSWORD)
    )
    code = await email_code(EMAIL)
    if not re.fullmatch(r"\d{6}", code):
        raise JourneyError(f"verify: no code in the email ({code!r})")
    tokens = ok(
        "verify_email",
        await verify_email.asyncio_detailed(client=anonymous, body=CodeIn(email=EMAIL, code=code)),
        TokenPair,
    )
    parent = AuthenticatedClient(base_url=base_url, token=tokens.access_token)
    done.append("sign up")

    # The privacy notice (public), accepted in the version shown.
    notice = ok(
        "get_privacy_notice",
        await get_privacy_notice.asyncio_detailed(client=anonymous),
        PrivacyNotice,
    )
    consent = ok(
        "give_consent",
        await give_consent.asyncio_detailed(
            client=parent, body=ConsentIn(notice_version=notice.version)
        ),
        ConsentOut,
    )
    done.append(f"consent to notice {consent.notice_version}")

    # An explorer, and kid mode on the family tablet (no PIN set: no body at all).
    profile = ok(
        "create_profile",
        await create_profile.asyncio_detailed(
            client=parent, body=ProfileCreate(nickname="Ama", age_band=AgeBand.VALUE_1)
        ),
        ProfileOut,
        201,
    )
    family = ok(
        "list_profiles", await list_profiles.asyncio_detailed(client=parent), ProfileOutPage
    )
    if [p.id for p in family.items] != [profile.id]:
        raise JourneyError("list_profiles: the new explorer is not listed")
    session = ok(
        "start_kid_mode",
        await start_kid_mode.asyncio_detailed(profile_id=profile.id, client=parent),
        KidSession,
    )
    kid = AuthenticatedClient(base_url=base_url, token=session.explorer_token)
    avatar = ok(
        "get_avatar_svg",
        await get_avatar_svg.asyncio_detailed(profile_id=profile.id, client=kid),
        File,
    )
    if b"<svg" not in avatar.payload.read():
        raise JourneyError("get_avatar_svg: no SVG")
    done.append("an explorer, kid mode and an avatar")

    # Exploring: the explore screen for the explorer, then public reads, anonymously.
    screen = ok(
        "get_tab",
        await get_tab.asyncio_detailed(GetTabTab.EXPLORE, client=kid, profile_id=profile.id),
        ExplorerScreen,
    )
    themes = ok("list_themes", await list_themes.asyncio_detailed(client=anonymous), ThemeOutPage)
    videos = ok(
        "list_videos", await list_videos.asyncio_detailed(client=anonymous, limit=5), CardPage
    )
    if not themes.items or not videos.items:
        raise JourneyError("the demo catalogue has no themes or no videos")
    video = ok(
        "get_video",
        await get_video.asyncio_detailed(item_id=videos.items[0].id, client=anonymous),
        VideoOut,
    )
    word = video.title.split()[0]
    hits = ok("search", await search.asyncio_detailed(client=anonymous, q=word), SearchResults)
    if not hits.items:
        raise JourneyError(f"search: nothing found for {word!r}, a word of a video's title")
    done.append(f"explore ({len(screen.rows)} rows), {len(themes.items)} themes, {word!r}")

    # An eBook read: a heartbeat, then My adventures shows it under "continue".
    ebooks = ok(
        "list_ebooks", await list_ebooks.asyncio_detailed(client=anonymous, limit=1), CardPage
    )
    ebook = ok(
        "get_ebook",
        await get_ebook.asyncio_detailed(item_id=ebooks.items[0].id, client=anonymous),
        EbookOut,
    )
    beat = EbookBeat(sent_at=datetime.now(UTC), page=1, pages_read=[1], read_aloud=True)
    progress = ok(
        "put_ebook_progress",
        await put_ebook_progress.asyncio_detailed(
            profile_id=profile.id, item_id=ebook.id, client=kid, body=beat
        ),
        ProgressOut,
    )
    library = ok(
        "get_library",
        await get_library.asyncio_detailed(profile_id=profile.id, client=kid),
        Library,
    )
    if ebook.id not in [card.id for card in library.continue_]:
        raise JourneyError("get_library: the eBook just opened is not under continue")
    done.append(f"read {ebook.title!r} ({progress.status}), in My adventures")

    # A quiz: started, every question answered, submitted.
    quizzes = ok(
        "list_quizzes", await list_quizzes.asyncio_detailed(client=anonymous, limit=1), QuizPage
    )
    if not quizzes.items:
        raise JourneyError("list_quizzes: the demo quizzes are missing")
    attempt = ok(
        "start_attempt",
        await start_attempt.asyncio_detailed(
            profile_id=profile.id, quiz_id=quizzes.items[0].id, client=kid
        ),
        AttemptOut,
        201,
    )
    for question in attempt.questions:
        ids = [choice.id for choice in question.choices]
        body = (
            OrderAnswer(order=ids)
            if question.type_ is QuestionType.ORDERING
            else ChoiceAnswer(choice_ids=ids[:1])
        )
        ok(
            f"answer_question ({question.type_})",
            await answer_question.asyncio_detailed(
                profile_id=profile.id,
                attempt_id=attempt.id,
                question_id=question.id,
                client=kid,
                body=body,
            ),
            AnswerOut,
        )
    result = ok(
        "submit_attempt",
        await submit_attempt.asyncio_detailed(
            profile_id=profile.id, attempt_id=attempt.id, client=kid
        ),
        AttemptResult,
    )
    done.append(f"quiz: {len(attempt.questions)} answers, {result.score}/{result.max_score}")

    # Notifications: the family's inbox and its unread count.
    inbox = ok(
        "list_notifications",
        await list_notifications.asyncio_detailed(client=parent),
        NotificationOutPage,
    )
    unread = ok(
        "get_unread_count", await get_unread_count.asyncio_detailed(client=parent), UnreadCount
    )
    done.append(f"notifications: {len(inbox.items)} listed, {unread.unread} unread")

    # The family's data, typed; then an error, read through its typed problem document.
    exported = ok(
        "export_account", await export_account.asyncio_detailed(client=parent), AccountExport
    )
    if "profiles" not in exported.additional_properties:
        raise JourneyError("export_account: no profiles section")
    missing = await get_profile.asyncio_detailed(profile_id=uuid.uuid4(), client=parent)
    problem = missing.parsed
    if not isinstance(problem, Problem) or problem.status != 404 or problem.code != "not_found":
        raise JourneyError(f"get_profile of no one: {missing.status_code} {problem!r}")
    done.append(f"export, and a 404 read as Problem(code={problem.code!r})")
    for client in (anonymous, parent, kid):
        await client.get_async_httpx_client().aclose()
    return done
