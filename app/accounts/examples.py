"""Examples of the accounts' operations, naming the demo's accounts by their stable ids
(app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

# The demo family's teacher (app/demo/family.py): an account an admin may change.
DEMO_TEACHER = demo_id("account", "teacher@wonderspaced.app")
DEMO_PARENT = demo_id("account", "family@wonderspaced.app")
ADMIN_ACCOUNT_UPDATE: dict[str, Any] = {"role": "teacher", "disabled": False}

ADMIN_ACCOUNT: dict[str, Any] = {
    "id": "9f58942b-84a9-5d80-b318-33641442dc53",
    "email": "teacher@wonderspaced.app",
    "role": "teacher",
    "display_name": "Mr Mensah (demo teacher)",
    "locale": "en",
    "timezone": "Africa/Accra",
    "email_verified": True,
    "has_password": True,
    "google_linked": False,
    "created_at": "2026-12-08T00:41:01.860254Z",
    "disabled": False,
}
ADMIN_ACCOUNT_PAGE: dict[str, Any] = {
    "items": [
        {
            "id": "9f58942b-84a9-5d80-b318-33641442dc53",
            "email": "teacher@wonderspaced.app",
            "role": "teacher",
            "display_name": "Mr Mensah (demo teacher)",
            "locale": "en",
            "timezone": "Africa/Accra",
            "email_verified": True,
            "has_password": True,
            "google_linked": False,
            "created_at": "2026-12-08T00:41:01.860254Z",
            "disabled": False,
        },
        {
            "id": "657fffa6-dc9f-4955-8c6f-c1320822af8a",
            "email": "admin@wonderspaced.app",
            "role": "admin",
            "display_name": None,
            "locale": "en",
            "timezone": "Africa/Accra",
            "email_verified": True,
            "has_password": True,
            "google_linked": False,
            "created_at": "2026-12-08T00:41:01.860254Z",
            "disabled": False,
        },
    ],
    "next_cursor": None,
}
REAUTHENTICATION: dict[str, Any] = {"password": "kente cloth and cocoa farms"}
ACCOUNT_UPDATE: dict[str, Any] = {
    "display_name": "Abena",
    "locale": "en",
    "timezone": "Africa/Accra",
}
PASSWORD_CHANGE: dict[str, Any] = {
    "current_password": "kente cloth and cocoa farms",
    "new_password": "adinkra stamps and talking drums",
}
CONSENT_IN: dict[str, Any] = {"notice_version": "2026-11-01"}
PIN_SET: dict[str, Any] = {"pin": "2468"}
PIN_REMOVE: dict[str, Any] = {"current_pin": "2468"}

# Answers, as the demo gives them.
GET_ME_OUT: dict[str, Any] = {
    "id": "d3e834d5-6eb3-4624-86b8-d3c45bdd3e6c",
    "email": "parent@example.com",
    "role": "parent",
    "display_name": None,
    "locale": "en",
    "timezone": "Africa/Accra",
    "email_verified": True,
    "has_password": True,
    "google_linked": False,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
UPDATE_ME_OUT: dict[str, Any] = {
    "id": "d3e834d5-6eb3-4624-86b8-d3c45bdd3e6c",
    "email": "parent@example.com",
    "role": "parent",
    "display_name": "Abena",
    "locale": "en",
    "timezone": "Africa/Accra",
    "email_verified": True,
    "has_password": True,
    "google_linked": False,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
CHANGE_PASSWORD_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
GET_PRIVACY_NOTICE_OUT: dict[str, Any] = {
    "version": "2026-11-01",
    "text": "Wonderspaced privacy notice for parents and carers\n"
    "\n"
    "What we keep about your child: a nickname you choose, an age band (3-5, 6-8 or "
    "9-12), a\n"
    "preferred language, reading preferences, an avatar made of drawn parts, and "
    "what they watch,\n"
    "read, make and answer in the app so they can pick up where they ...",
}
GIVE_CONSENT_OUT: dict[str, Any] = {
    "notice_version": "2026-11-01",
    "accepted_at": "2026-12-08T01:08:45.151423Z",
}
EXPORT_ACCOUNT_OUT: dict[str, Any] = {
    "exported_at": "2026-12-08T01:09:00.268302+00:00",
    "account": {
        "id": "d3e834d5-6eb3-4624-86b8-d3c45bdd3e6c",
        "email": "parent@example.com",
        "role": "parent",
        "display_name": None,
        "locale": "en",
        "timezone": "Africa/Accra",
        "email_verified": True,
        "has_password": True,
        "google_linked": False,
        "created_at": "2026-12-08T01:08:45.151423Z",
        "pin_set": False,
        "disabled": False,
    },
    "classrooms": {
        "memberships": [
            {
                "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
                "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
                "classroom_name": "Class 2 Explorers",
                "teacher_display_name": "Mr Mensah",
                "joined_at": "2026-12-08T01:08:55.122526+00:00",
                "archived": False,
            }
        ],
        "teaching": [],
    },
    "consents": [
        {"notice_version": "2026-11-01", "accepted_at": "2026-12-08T01:08:45.151423+00:00"}
    ],
    "notifications": {
        "inbox": [],
        "devices": [
            {
                "id": "0d92cb5e-1caa-43dd-bd49-c508684d5c19",
                "profile_id": None,
                "platform": "android",
                "token": "fcm-15c5d648-a361-4aee-88ab-d725f3ddec0a",
                "created_at": "2026-12-08T01:08:45.151423+00:00",
                "updated_at": "2026-12-08T01:08:45.151423+00:00",
            }
        ],
        "follows": [],
        "preferences": [],
        "events": [],
        "stream_tickets": [],
        "push_consent": {"granted_at": "2026-12-08T01:08:45.151423+00:00"},
    },
    "profiles": [
        {
            "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "nickname": "Ama",
            "age_band": "6-8",
            "language": "en",
            "read_aloud": True,
            "narration_speed": "1.00",
            "avatar": {"parts": {}, "colours": {}},
            "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
            "created_at": "2026-12-08T01:08:45.151423Z",
        },
        {
            "id": "e3a37ef1-aa10-43d8-9e17-278005013dcb",
            "nickname": "Kofi",
            "age_band": "6-8",
            "language": "en",
            "read_aloud": True,
            "narration_speed": "1.00",
            "avatar": {"parts": {}, "colours": {}},
            "avatar_url": "/api/v1/profiles/e3a37ef1-aa10-43d8-9e17-278005013dcb/avatar.svg",
            "created_at": "2026-12-08T01:08:45.151423Z",
        },
    ],
    "progress": {"items": [], "learning_time": [], "saved": []},
    "quizzes": {
        "attempts": [
            {
                "id": "e99a45f7-7795-42a1-81b8-d87e9f0c5046",
                "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
                "quiz_id": "15185cac-cace-53b6-a448-fa5f2b3369fc",
                "quiz_title": "Adinkra symbols: first look",
                "started_at": "2026-12-08T01:08:54.826323+00:00",
                "closed_at": None,
                "status": "open",
                "score": None,
                "max_score": None,
                "percent": None,
                "passed": None,
                "stars": None,
                "answers": [],
            }
        ]
    },
}
