"""Examples of the classrooms' operations, naming the demo's content by its stable ids
(app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_DIY
from app.core.examples import demo_id

KENTE_VIDEO = demo_id("video", "Kente Colours: Weaving a Story")
CLASSROOM_IN: dict[str, Any] = {
    "name": "Class 2 Explorers",
    "age_band": "6-8",
    "timezone": "Africa/Accra",
}
CLASSROOM_PATCH: dict[str, Any] = {"grade": "Primary 2"}
INVITE_IN: dict[str, Any] = {"email": "co-teacher@example.com"}
ASSIGNMENT_IN: dict[str, Any] = {
    "title": "Kente week",
    "note": "Watch the kente video, then weave your own paper kente.",
    "items": [
        {"kind": "video", "item_id": str(KENTE_VIDEO)},
        {"kind": "diy", "item_id": str(DEMO_DIY)},
    ],
    "due_date": "2030-01-10",
}
REORDER_IN: dict[str, Any] = {
    "ids": ["6a2e4c8f-1d3b-4f5a-9c7e-2b4d6f8a0c13", "0e9c7a5b-3f1d-4b2c-8a6e-4d2f0b9c7e51"]
}
ASSIGNMENT_PATCH: dict[str, Any] = {"due_date": "2030-01-17"}
JOIN_IN: dict[str, Any] = {"code": "K7QM2XPA"}

# Answers, as the demo gives them.
GET_CLASSROOM_BY_CODE_OUT: dict[str, Any] = {
    "id": "58eafe41-90b1-4f44-8362-086a72251103",
    "name": "Class 2 Explorers",
    "grade": "Primary 2",
    "age_band": None,
    "teacher_display_name": "Mr Mensah",
}
LIST_MY_INVITES_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "7292d37d-8972-41ba-aaaf-9ab5541df0c0",
            "classroom_id": "00f96047-90a6-4092-ba86-ce5a40a83081",
            "classroom_name": "P4",
            "email": "teacher@example.com",
            "created_at": "2026-12-08T01:08:45.151423Z",
        }
    ],
    "next_cursor": None,
}
ACCEPT_TEACHER_INVITE_OUT: dict[str, Any] = {
    "id": "00f96047-90a6-4092-ba86-ce5a40a83081",
    "name": "P4",
    "grade": "P4",
    "age_band": None,
    "timezone": "Africa/Accra",
    "join_code": "9N7NTRNE",
    "code_enabled": True,
    "archived": False,
    "archived_at": None,
    "teacher_display_name": "Mr Mensah",
    "my_role": "co_teacher",
    "teachers": [
        {
            "account_id": "c0f8a031-dc5c-47c4-b492-c7de911a05db",
            "display_name": "Mr Mensah",
            "role": "owner",
        },
        {
            "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
            "display_name": "Mr Mensah",
            "role": "co_teacher",
        },
    ],
    "pending_invites": [],
    "member_count": 0,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
CREATE_CLASSROOM_OUT: dict[str, Any] = {
    "id": "31139aad-b005-4822-a01e-73e730cdd8da",
    "name": "Class 2 Explorers",
    "grade": None,
    "age_band": "6-8",
    "timezone": "Africa/Accra",
    "join_code": "VPWC42A5",
    "code_enabled": True,
    "archived": False,
    "archived_at": None,
    "teacher_display_name": "Mr Mensah",
    "my_role": "owner",
    "teachers": [
        {
            "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
            "display_name": "Mr Mensah",
            "role": "owner",
        }
    ],
    "pending_invites": [],
    "member_count": 0,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
LIST_CLASSROOMS_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "58eafe41-90b1-4f44-8362-086a72251103",
            "name": "Class 2 Explorers",
            "grade": "Primary 2",
            "age_band": None,
            "timezone": "Africa/Accra",
            "join_code": "XUA5PXC2",
            "code_enabled": True,
            "archived": False,
            "archived_at": None,
            "teacher_display_name": "Mr Mensah",
            "my_role": "owner",
            "teachers": [
                {
                    "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
                    "display_name": "Mr Mensah",
                    "role": "owner",
                }
            ],
            "pending_invites": [],
            "member_count": 1,
            "created_at": "2026-12-08T01:08:45.151423Z",
        }
    ],
    "next_cursor": None,
}
GET_CLASSROOM_OUT: dict[str, Any] = {
    "id": "58eafe41-90b1-4f44-8362-086a72251103",
    "name": "Class 2 Explorers",
    "grade": "Primary 2",
    "age_band": None,
    "timezone": "Africa/Accra",
    "join_code": "XUA5PXC2",
    "code_enabled": True,
    "archived": False,
    "archived_at": None,
    "teacher_display_name": "Mr Mensah",
    "my_role": "owner",
    "teachers": [
        {
            "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
            "display_name": "Mr Mensah",
            "role": "owner",
        }
    ],
    "pending_invites": [],
    "member_count": 1,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
UPDATE_CLASSROOM_OUT: dict[str, Any] = {
    "id": "58eafe41-90b1-4f44-8362-086a72251103",
    "name": "Class 2 Explorers",
    "grade": "Primary 2",
    "age_band": None,
    "timezone": "Africa/Accra",
    "join_code": "XUA5PXC2",
    "code_enabled": True,
    "archived": False,
    "archived_at": None,
    "teacher_display_name": "Mr Mensah",
    "my_role": "owner",
    "teachers": [
        {
            "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
            "display_name": "Mr Mensah",
            "role": "owner",
        }
    ],
    "pending_invites": [],
    "member_count": 1,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
ROTATE_CLASSROOM_CODE_OUT: dict[str, Any] = {
    "id": "58eafe41-90b1-4f44-8362-086a72251103",
    "name": "Class 2 Explorers",
    "grade": "Primary 2",
    "age_band": None,
    "timezone": "Africa/Accra",
    "join_code": "XEVX9C5K",
    "code_enabled": True,
    "archived": False,
    "archived_at": None,
    "teacher_display_name": "Mr Mensah",
    "my_role": "owner",
    "teachers": [
        {
            "account_id": "5a6692af-9478-4ad6-98e1-f4a7c123f409",
            "display_name": "Mr Mensah",
            "role": "owner",
        }
    ],
    "pending_invites": [],
    "member_count": 1,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
CREATE_TEACHER_INVITE_OUT: dict[str, Any] = {
    "id": "8d9b957d-915c-4dfa-ab30-8b2a58bee676",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "classroom_name": "Class 2 Explorers",
    "email": "co-teacher@example.com",
    "created_at": "2026-12-08T01:08:45.151423Z",
}
LIST_CLASSROOM_MEMBERS_OUT: dict[str, Any] = {
    "items": [
        {
            "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "nickname": "Ama",
            "age_band": "6-8",
            "avatar": {"parts": {}, "colours": {}},
            "avatar_url": (
                "/api/v1/classrooms/58eafe41-90b1-4f44-8362-086a72251103/members/15c5d648"
                "-a361-4aee-88ab-d725f3ddec0a/avatar.svg"
            ),
            "joined_at": "2026-12-08T01:08:55.122526Z",
        }
    ],
    "next_cursor": None,
}
GET_MEMBER_AVATAR_SVG_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="200" heig'
    'ht="200" fill="#bfe6ff"/><circle cx="100" cy="100" r="60" fill="#a86b3c"/></svg>'
)
CREATE_ASSIGNMENT_OUT: dict[str, Any] = {
    "id": "4da52c48-0871-49fe-b795-159859bac150",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "title": "Kente week",
    "note": "Watch the kente video, then weave your own paper kente.",
    "start_date": None,
    "due_date": "2030-01-10",
    "timezone": "Africa/Accra",
    "starts_at": None,
    "due_at": "2030-01-11T00:00:00Z",
    "state": "open",
    "position": 1,
    "closed_at": None,
    "items": [
        {
            "kind": "video",
            "item_id": "9f845570-8f0a-5467-94de-d3edb3227a34",
            "title": "Kente Colours: Weaving a Story",
        },
        {
            "kind": "diy",
            "item_id": "188cc859-6296-5fef-bd1d-07fa66830f7d",
            "title": "Paper Kente Weave",
        },
    ],
    "created_at": "2026-12-08T01:08:45.151423Z",
}
LIST_ASSIGNMENTS_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
            "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
            "title": "Kente week",
            "note": "",
            "start_date": None,
            "due_date": "2030-01-10",
            "timezone": "Africa/Accra",
            "starts_at": None,
            "due_at": "2030-01-11T00:00:00Z",
            "state": "open",
            "position": 0,
            "closed_at": None,
            "items": [
                {
                    "kind": "video",
                    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
                    "title": "Adinkra Symbols and What They Mean",
                }
            ],
            "created_at": "2026-12-08T01:08:45.151423Z",
        }
    ],
    "next_cursor": None,
}
_REORDERED: list[Any] = [
    {
        "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
        "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
        "title": "Kente week",
        "note": "",
        "start_date": None,
        "due_date": "2030-01-10",
        "timezone": "Africa/Accra",
        "starts_at": None,
        "due_at": "2030-01-11T00:00:00Z",
        "state": "open",
        "position": 0,
        "closed_at": None,
        "items": [
            {
                "kind": "video",
                "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
                "title": "Adinkra Symbols and What They Mean",
            }
        ],
        "created_at": "2026-12-08T01:08:45.151423Z",
    }
]
GET_ASSIGNMENT_OUT: dict[str, Any] = {
    "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "title": "Kente week",
    "note": "",
    "start_date": None,
    "due_date": "2030-01-10",
    "timezone": "Africa/Accra",
    "starts_at": None,
    "due_at": "2030-01-11T00:00:00Z",
    "state": "open",
    "position": 0,
    "closed_at": None,
    "items": [
        {
            "kind": "video",
            "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra Symbols and What They Mean",
        }
    ],
    "created_at": "2026-12-08T01:08:45.151423Z",
}
UPDATE_ASSIGNMENT_OUT: dict[str, Any] = {
    "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "title": "Kente week",
    "note": "",
    "start_date": None,
    "due_date": "2030-01-17",
    "timezone": "Africa/Accra",
    "starts_at": None,
    "due_at": "2030-01-18T00:00:00Z",
    "state": "open",
    "position": 0,
    "closed_at": None,
    "items": [
        {
            "kind": "video",
            "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra Symbols and What They Mean",
        }
    ],
    "created_at": "2026-12-08T01:08:45.151423Z",
}
CLOSE_ASSIGNMENT_OUT: dict[str, Any] = {
    "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "title": "Kente week",
    "note": "",
    "start_date": None,
    "due_date": "2030-01-10",
    "timezone": "Africa/Accra",
    "starts_at": None,
    "due_at": "2030-01-11T00:00:00Z",
    "state": "closed",
    "position": 0,
    "closed_at": "2026-12-08T01:09:02.603536Z",
    "items": [
        {
            "kind": "video",
            "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra Symbols and What They Mean",
        }
    ],
    "created_at": "2026-12-08T01:08:45.151423Z",
}
REOPEN_ASSIGNMENT_OUT: dict[str, Any] = {
    "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "title": "Kente week",
    "note": "",
    "start_date": None,
    "due_date": "2030-01-10",
    "timezone": "Africa/Accra",
    "starts_at": None,
    "due_at": "2030-01-11T00:00:00Z",
    "state": "open",
    "position": 0,
    "closed_at": None,
    "items": [
        {
            "kind": "video",
            "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra Symbols and What They Mean",
        }
    ],
    "created_at": "2026-12-08T01:08:45.151423Z",
}
GET_ASSIGNMENT_REPORT_OUT: dict[str, Any] = {
    "assignment": {
        "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
        "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
        "title": "Kente week",
        "note": "",
        "start_date": None,
        "due_date": "2030-01-10",
        "timezone": "Africa/Accra",
        "starts_at": None,
        "due_at": "2030-01-11T00:00:00Z",
        "state": "open",
        "position": 0,
        "closed_at": None,
        "items": [
            {
                "kind": "video",
                "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
                "title": "Adinkra Symbols and What They Mean",
            }
        ],
        "created_at": "2026-12-08T01:08:45.151423Z",
    },
    "counts": {"not_started": 1, "in_progress": 0, "completed": 0, "help_needed": 0, "late": 0},
    "explorers": [
        {
            "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "nickname": "Ama",
            "age_band": "6-8",
            "avatar_url": (
                "/api/v1/classrooms/58eafe41-90b1-4f44-8362-086a72251103/members/15c5d648"
                "-a361-4aee-88ab-d725f3ddec0a/avatar.svg"
            ),
            "items": [
                {
                    "kind": "video",
                    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
                    "title": "Adinkra Symbols and What They Mean",
                    "status": "not_started",
                    "percent": 0,
                    "completed_at": None,
                    "late": False,
                    "quiz": None,
                }
            ],
        }
    ],
}
GET_ASSIGNMENT_REPORT_CSV_CSV = (
    "explorer,item,kind,status,completed_at,late,quiz_score\r\nAma,Kente Colours: Weaving a"
    " Story,video,completed,2026-12-08T10:12:00Z,false,\r\n"
)
GET_CLASSROOM_REPORT_OUT: dict[str, Any] = {
    "classroom_id": "58eafe41-90b1-4f44-8362-086a72251103",
    "name": "Class 2 Explorers",
    "assignments": [
        {
            "assignment_id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
            "title": "Kente week",
            "due_date": "2030-01-10",
            "state": "open",
            "counts": {
                "not_started": 1,
                "in_progress": 0,
                "completed": 0,
                "help_needed": 0,
                "late": 0,
            },
        }
    ],
    "explorers": [
        {
            "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "nickname": "Ama",
            "age_band": "6-8",
            "avatar_url": (
                "/api/v1/classrooms/58eafe41-90b1-4f44-8362-086a72251103/members/15c5d648"
                "-a361-4aee-88ab-d725f3ddec0a/avatar.svg"
            ),
            "counts": {
                "not_started": 1,
                "in_progress": 0,
                "completed": 0,
                "help_needed": 0,
                "late": 0,
            },
        }
    ],
    "counts": {"not_started": 1, "in_progress": 0, "completed": 0, "help_needed": 0, "late": 0},
}
GET_CLASSROOM_REPORT_CSV_CSV = (
    "explorer,item,kind,status,completed_at,late,quiz_score\r\nAma,Kente Colours: Weaving a"
    " Story,video,completed,2026-12-08T10:12:00Z,false,\r\n"
)
LIST_MY_CLASSROOMS_OUT: dict[str, Any] = {
    "items": [
        {
            "classroom": {
                "id": "58eafe41-90b1-4f44-8362-086a72251103",
                "name": "Class 2 Explorers",
                "grade": "Primary 2",
                "age_band": None,
                "teacher_display_name": "Mr Mensah",
            },
            "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "joined_at": "2026-12-08T01:08:55.122526Z",
        }
    ],
    "next_cursor": None,
}
JOIN_CLASSROOM_OUT: dict[str, Any] = {
    "classroom": {
        "id": "58eafe41-90b1-4f44-8362-086a72251103",
        "name": "Class 2 Explorers",
        "grade": "Primary 2",
        "age_band": None,
        "teacher_display_name": "Mr Mensah",
    },
    "profile_id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
    "joined_at": "2026-12-08T01:08:55.122526Z",
}
LIST_MY_ASSIGNMENTS_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "5c602f5c-eff9-4bc6-a8d3-eb3f5db3ef80",
            "classroom": {
                "id": "58eafe41-90b1-4f44-8362-086a72251103",
                "name": "Class 2 Explorers",
                "grade": "Primary 2",
                "age_band": None,
                "teacher_display_name": "Mr Mensah",
            },
            "title": "Kente week",
            "note": "",
            "start_date": None,
            "due_date": "2030-01-10",
            "due_at": "2030-01-11T00:00:00Z",
            "timezone": "Africa/Accra",
            "state": "open",
            "items": [
                {
                    "kind": "video",
                    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
                    "title": "Adinkra Symbols and What They Mean",
                    "status": "not_started",
                    "percent": 0,
                    "completed_at": None,
                    "late": False,
                    "quiz": None,
                }
            ],
            "done": False,
        }
    ],
    "next_cursor": None,
}

# A teacher's help-needed alerts for one classroom.
ALERTS_IN: dict[str, Any] = {"help_needed": False}
GET_CLASSROOM_ALERTS_OUT: dict[str, Any] = {"help_needed": True}
PUT_CLASSROOM_ALERTS_OUT: dict[str, Any] = {"help_needed": False}
REORDER_ASSIGNMENTS_OUT: dict[str, Any] = {"items": _REORDERED, "next_cursor": None}
