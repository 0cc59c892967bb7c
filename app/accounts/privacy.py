"""The privacy notice parents accept before creating a child's profile."""

from __future__ import annotations

NOTICE_VERSION = "2026-11-01"

NOTICE_TEXT = """\
Wonderspaced privacy notice for parents and carers

What we keep about your child: a nickname you choose, an age band (3-5, 6-8 or 9-12), a
preferred language, reading preferences, an avatar made of drawn parts, and what they watch,
read, make and answer in the app so they can pick up where they left off. We never ask for or
keep a child's real name, birth date, email address, phone number, photo or location.

What we keep about you: your email address, your password (as a one-way hash), your
display name, language and time zone, and when you accepted this notice.

Who sees it: you, and the teachers of classrooms you join. We do not sell data, show
advertising to children, or share data with advertisers.

Your rights: you can download everything we keep about your family at any time
(Account > Export), delete a child's profile, or delete your whole account; deletion removes
every record and file within minutes. You decide which notifications are sent.

Questions: privacy@wonderspaced.app
"""
