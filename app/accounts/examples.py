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
            "email": "examples-admin@example.com",
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
