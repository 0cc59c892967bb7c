"""Classrooms, as other modules use them: the explorer's assignments due soon (library and
explore screens), the family's export, and the outbox task a new assignment sends.

Inside the module the work is split by sub-domain: `rooms` (classrooms and their codes),
`teachers` (co-teachers and invitations), `enrolment` (joining by code, members), `assignments`,
`standing` (where an explorer stands on an item), `reports` (JSON and CSV), `explorer` (what a
child sees) and `export`; `access` says who may act on a classroom.

Rules (README, "Classrooms"): a classroom belongs to its owner and is shared with the
co-teachers who accepted an invitation; any other teacher gets a 404 for it, any grown-up who
is not a teacher a 403, admins may act on every classroom. Only a parent enrols a child, and
may take them out at any time. A teacher sees a child's nickname, avatar and age band, and
their progress and quiz results on what the classroom assigned, nothing else.
"""

from __future__ import annotations

from app.classrooms.assignments import ASSIGNMENT_CREATED
from app.classrooms.explorer import DUE_SOON_DAYS, assignments_for, due_soon
from app.classrooms.export import export_classrooms
from app.classrooms.queries import in_a_classroom

__all__ = [
    "ASSIGNMENT_CREATED",
    "DUE_SOON_DAYS",
    "assignments_for",
    "due_soon",
    "export_classrooms",
    "in_a_classroom",
]
