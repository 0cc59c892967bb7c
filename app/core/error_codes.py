"""Every `code` a problem document can carry, defined once.

A client switches on `code`, never on `detail` (text for people, free to change). The OpenAPI
document lists these as the enum of `Problem.code` and the README's table is this dict, so a
code is added here first: tests/test_openapi_contract.py follows every value that can reach a
problem's `code` through app/ (a keyword, a positional argument, a class attribute, a
constant) and fails on one missing here, and schemathesis fails on any answered code the
document does not list.

Each entry: the status it is answered with (the usual one; a few codes appear under two) and
what it tells the client to do.
"""

from __future__ import annotations

from typing import NamedTuple


class ErrorCode(NamedTuple):
    status: int
    meaning: str


ERROR_CODES: dict[str, ErrorCode] = {
    # Generic, one per status: what the status alone says.
    "bad_request": ErrorCode(400, "The request cannot be read (e.g. a body that is not JSON)."),
    "invalid_character": ErrorCode(
        400, "A NUL or lone surrogate in the path, query (400) or a body string (422)."
    ),
    "invalid_cursor": ErrorCode(400, "A cursor this server did not issue; start from page one."),
    "unauthorized": ErrorCode(401, "Sign in (send a bearer token)."),
    "not_authenticated": ErrorCode(401, "The route needs a bearer token and none was sent."),
    "invalid_token": ErrorCode(401, "The token is expired, revoked or not ours: refresh it."),
    "invalid_credentials": ErrorCode(401, "Wrong email or password."),
    "invalid_code": ErrorCode(401, "The emailed code is wrong or expired."),
    "invalid_refresh_token": ErrorCode(401, "The refresh token is spent or revoked: sign in."),
    "invalid_google_token": ErrorCode(401, "Google's ID token is not valid for this app."),
    "wrong_password": ErrorCode(401, "The current password is wrong."),
    "wrong_pin": ErrorCode(401, "The parent PIN is wrong."),
    "reauthentication_failed": ErrorCode(401, "The password or code given to confirm is wrong."),
    "forbidden": ErrorCode(403, "Signed in, but this account may not do this."),
    "role_required": ErrorCode(403, "Staff only (an editor or an admin)."),
    "parents_only": ErrorCode(403, "A parent's token is needed, not an explorer's."),
    "account_disabled": ErrorCode(403, "The account is disabled."),
    "email_not_verified": ErrorCode(403, "Verify the email address first."),
    "consent_required": ErrorCode(403, "Accept the current privacy notice first."),
    "notice_outdated": ErrorCode(409, "The privacy notice changed: show the new one."),
    "pin_required": ErrorCode(403, "This family has a PIN: send it."),
    "limit_reached": ErrorCode(
        403, "The explorer's bedtime or daily time: play again after Retry-After seconds."
    ),
    "reauthentication_required": ErrorCode(403, "Confirm with the password or an emailed code."),
    "google_disabled": ErrorCode(403, "Sign-in with Google is not enabled."),
    "google_email_unverified": ErrorCode(403, "Google has not verified this email address."),
    "token_in_url": ErrorCode(400, "Tokens go in the Authorization header, never the URL."),
    "tasks_disabled": ErrorCode(403, "Task delivery is not enabled on this service."),
    "wrong_caller": ErrorCode(403, "This caller may not run tasks."),
    "not_found": ErrorCode(404, "No such thing (or not yours: the answer is the same)."),
    "not_started": ErrorCode(404, "Nothing recorded yet for this item."),
    "method_not_allowed": ErrorCode(405, "The path exists; the Allow header lists its methods."),
    "not_acceptable": ErrorCode(406, "The Accept header admits nothing this route answers."),
    "conflict": ErrorCode(409, "The change conflicts with what is stored."),
    "name_taken": ErrorCode(409, "The name or slug is already used."),
    "nickname_taken": ErrorCode(409, "Another explorer in the family has this nickname."),
    "slug_taken": ErrorCode(409, "Another theme has this slug; choose another."),
    "episode_taken": ErrorCode(409, "The series already has an episode with this number."),
    "profile_limit": ErrorCode(409, "The family already has the most explorers allowed."),
    "self_change": ErrorCode(409, "An admin cannot demote or disable their own account."),
    "theme_not_empty": ErrorCode(409, "The theme still has items."),
    "series_not_empty": ErrorCode(409, "The series still has episodes."),
    "part_in_use": ErrorCode(409, "An explorer's avatar still uses this part."),
    "part_locked": ErrorCode(
        409, "A badge unlocks this avatar part and the explorer has not earned it yet."
    ),
    "badge_earned": ErrorCode(409, "Explorers earned this badge: it cannot be deleted."),
    "asset_in_use": ErrorCode(409, "Content still uses this asset."),
    "asset_not_ready": ErrorCode(
        409, "Media the item needs is missing or not processed yet: `errors` lists which."
    ),
    "not_playable": ErrorCode(409, "The video has no playable file yet: no progress on it."),
    "not_uploaded": ErrorCode(409, "The file has not been uploaded yet."),
    "already_uploaded": ErrorCode(409, "This upload already has its file."),
    "upload_mismatch": ErrorCode(409, "The uploaded file is not what the upload declared."),
    "google_mismatch": ErrorCode(409, "The account is linked to another Google account."),
    "attempt_closed": ErrorCode(409, "The quiz attempt is submitted or expired."),
    "already_answered": ErrorCode(409, "This question of the attempt is answered."),
    "payload_too_large": ErrorCode(413, "The body is larger than the limit."),
    "size_mismatch": ErrorCode(413, "The file is not the size the upload declared."),
    "precondition_failed": ErrorCode(412, "If-Match is stale: read the item again."),
    "precondition_required": ErrorCode(428, "Send If-Match with the item's ETag."),
    "unsupported_media_type": ErrorCode(415, "The body's Content-Type is not accepted here."),
    "url_expired": ErrorCode(403, "The signed upload URL expired: ask for a new one."),
    "invalid_signature": ErrorCode(403, "The signed upload URL was altered."),
    "validation_error": ErrorCode(422, "A field is invalid: `errors` says which and why."),
    "same_password": ErrorCode(422, "The new password is the current one."),
    "unknown_question": ErrorCode(422, "The question is not part of this quiz."),
    "tts_language_unsupported": ErrorCode(
        422, "Text to speech cannot speak this language: upload a recording instead."
    ),
    "rate_limited": ErrorCode(429, "Too many requests: wait Retry-After seconds."),
    "internal_error": ErrorCode(500, "Our fault: quote the request id in `detail`."),
    "service_unavailable": ErrorCode(503, "Try again shortly (Retry-After)."),
    "database_unavailable": ErrorCode(503, "The database is unreachable: retry shortly."),
    "storage_unavailable": ErrorCode(503, "Media storage is unreachable: retry shortly."),
    "google_unavailable": ErrorCode(503, "Google's sign-in service is unreachable."),
    "dependency_unavailable": ErrorCode(503, "A dependency is down (readiness check)."),
    "task_retry": ErrorCode(503, "The task failed; Cloud Tasks retries it."),
    # Progress: a heartbeat the item cannot have produced
    "empty_item": ErrorCode(422, "The item has no pages or steps yet."),
    "interval_out_of_range": ErrorCode(422, "A watched interval goes past the video's end."),
    "position_out_of_range": ErrorCode(422, "The position is past the video's end."),
    "unknown_page": ErrorCode(422, "The eBook has no such page."),
    "unknown_step": ErrorCode(422, "The DIY has no such step."),
    "sent_at_in_future": ErrorCode(422, "`sent_at` is ahead of the server's clock."),
    # Classrooms
    "already_teacher": ErrorCode(409, "This account already teaches the classroom."),
    "already_invited": ErrorCode(409, "That address has a pending invitation already."),
    "classroom_archived": ErrorCode(409, "The classroom is archived."),
    "classroom_full": ErrorCode(409, "The classroom has the most explorers allowed."),
    "assignment_limit": ErrorCode(409, "The classroom has the most assignments allowed."),
    "classroom_code_unknown": ErrorCode(404, "No classroom has this join code."),
    "code_unavailable": ErrorCode(409, "A join code could not be issued: try again."),
    "display_name_required": ErrorCode(422, "A teacher needs a display name first."),
    "invite_not_found": ErrorCode(404, "No such invitation (or it was revoked)."),
    "owner_stays": ErrorCode(409, "The owner cannot leave or be removed."),
    "owner_only": ErrorCode(409, "Only the classroom's owner may do this."),
    "not_a_teacher": ErrorCode(404, "This account does not teach the classroom."),
    "not_enrolled": ErrorCode(404, "The explorer is not in this classroom."),
    "invalid_items": ErrorCode(422, "An assignment names items that do not exist."),
    "due_date_past": ErrorCode(422, "The due date has passed."),
    "incomplete_order": ErrorCode(422, "A reorder must list every item once."),
    # Notifications
    "invalid_ticket": ErrorCode(401, "The stream ticket is spent or expired: ask for another."),
    "push_consent_required": ErrorCode(403, "Push needs the parent's consent first."),
    "invalid_event_id": ErrorCode(400, "Last-Event-ID is not an event id of this stream."),
    # Stats
    "invalid_range": ErrorCode(400, "`from` is after `to`, or in the future."),
    "range_too_long": ErrorCode(400, "Ask for a shorter period."),
    # Retries (Idempotency-Key, app/core/idempotency.py)
    "idempotency_key_in_flight": ErrorCode(
        409, "A request with this Idempotency-Key is still running: retry after Retry-After."
    ),
    "idempotency_key_reused": ErrorCode(
        422, "This Idempotency-Key was sent with another request: use a new key."
    ),
    # Share links
    "gone": ErrorCode(410, "It existed and is gone for good."),
    "link_gone": ErrorCode(410, "The shared item is no longer published."),
    "link_not_found": ErrorCode(404, "No share link has this code."),
    "item_not_found": ErrorCode(404, "No such item to share."),
    "share_link_disabled": ErrorCode(409, "Sharing is turned off for this item."),
    "share_link_retry": ErrorCode(409, "A link could not be issued: try again."),
}


def code_for_status(status: int) -> str:
    """The generic code of a status with no code of its own (a 4xx or 5xx from routing)."""
    generic = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        406: "not_acceptable",
        409: "conflict",
        412: "precondition_failed",
        413: "payload_too_large",
        410: "gone",
        415: "unsupported_media_type",
        422: "validation_error",
        428: "precondition_required",
        429: "rate_limited",
        503: "service_unavailable",
    }
    return generic.get(status) or ("internal_error" if status >= 500 else "bad_request")
