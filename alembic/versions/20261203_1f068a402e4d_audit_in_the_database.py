"""staff writes audited by a trigger on every audited table; no email address in the log

Revision ID: 1f068a402e4d
Revises: d1e2a3b4c5f6
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

from alembic import op

from app.audit.triggers import attach, detach

revision: str = "1f068a402e4d"
down_revision: str | None = "d1e2a3b4c5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table at this revision but those in app.audit.service.NOT_AUDITED (the log itself,
# task messages, search documents, sign-in material, statistics rollups, click counts).
AUDITED = (
    "account",
    "announcement",
    "assignment",
    "assignment_item",
    "avatar_part",
    "classroom",
    "classroom_invite",
    "classroom_member",
    "classroom_teacher",
    "consent",
    "device",
    "diy",
    "diy_material",
    "diy_step",
    "ebook",
    "ebook_page",
    "follow",
    "learning_time",
    "media_asset",
    "notification",
    "notification_counter",
    "notification_event",
    "notification_preference",
    "notification_tick",
    "profile",
    "progress",
    "push_consent",
    "quiz",
    "quiz_attempt",
    "quiz_choice",
    "quiz_question",
    "quiz_response",
    "saved_item",
    "series",
    "share_link",
    "stream_ticket",
    "theme",
    "upload",
    "video",
    "video_caption",
)

# The same digest as app.audit.triggers.email_digest().
_EMAIL = """
CREATE FUNCTION audit_email(address text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT 'sha256:' || encode(sha256(convert_to('wonderspaced-audit-email:' || lower(address),
                                             'UTF8')), 'hex')
$$
"""

# Long strings are cut at 2000 characters, inside JSON values too.
_CLIP = """
CREATE FUNCTION audit_clip(value jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(value)
    WHEN 'string' THEN
        IF length(value #>> '{}') > 2000 THEN
            RETURN to_jsonb(left(value #>> '{}', 2000) || '…');
        END IF;
        RETURN value;
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, audit_clip(v)), '{}'::jsonb)
                FROM jsonb_each(value) AS e(k, v));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(audit_clip(v) ORDER BY n), '[]'::jsonb)
                FROM jsonb_array_elements(value) WITH ORDINALITY AS e(v, n));
    ELSE
        RETURN value;
    END CASE;
END
$$
"""

# One column's value as the log shows it: secrets only as "[redacted]", email addresses as
# their digest, long text cut.
_VALUE = """
CREATE FUNCTION audit_value(name text, value jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF value IS NULL OR jsonb_typeof(value) = 'null' THEN
        RETURN 'null'::jsonb;
    ELSIF name ~ '(^|_)(hash|password|secret|token|pin|signature|credentials?)$' THEN
        RETURN '"[redacted]"'::jsonb;
    ELSIF name ~ '(^|_)email$' AND jsonb_typeof(value) = 'string' THEN
        RETURN to_jsonb(audit_email(value #>> '{}'));
    ELSIF octet_length(value::text) > 2000 THEN
        RETURN audit_clip(value);
    END IF;
    RETURN value;
END
$$
"""

# One audit row per row written in a transaction that carries a staff actor (set with
# set_config(..., true) by the app at the start of a staff request's transaction). Every
# other transaction returns at the first test, before any other work (heartbeats write
# progress rows constantly; see app/audit/triggers.py for the measured cost). Columns that are NULL on both sides, unchanged, or only `updated_at` are
# left out, and an update that changed nothing else writes no row. `at` is when the row was
# written, so the events of one transaction read in the order of its writes.
_ROW = """
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor text := current_setting('wonderspaced.actor_id', true);
    old_row jsonb;
    new_row jsonb;
    changes jsonb;
    binary_columns text[];
    target text;
    col text;
    before jsonb;
    after jsonb;
BEGIN
    IF coalesce(actor, '') = '' THEN
        RETURN NULL;
    END IF;
    changes := '{}'::jsonb;
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
    END IF;
    SELECT coalesce(array_agg(attname::text), '{}') INTO binary_columns
    FROM pg_attribute
    WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped
        AND atttypid = 'bytea'::regtype;
    FOR col IN SELECT jsonb_object_keys(coalesce(new_row, old_row)) LOOP
        CONTINUE WHEN col = 'updated_at';
        before := coalesce(old_row -> col, 'null'::jsonb);
        after := coalesce(new_row -> col, 'null'::jsonb);
        CONTINUE WHEN before = after;
        IF col = ANY (binary_columns) THEN
            -- bytea comes out as "\\x..." hex: say how many bytes, not what they are
            IF jsonb_typeof(before) = 'string' THEN
                before := to_jsonb(format('[%s bytes]', (length(before #>> '{}') - 2) / 2));
            END IF;
            IF jsonb_typeof(after) = 'string' THEN
                after := to_jsonb(format('[%s bytes]', (length(after #>> '{}') - 2) / 2));
            END IF;
        END IF;
        changes := changes || jsonb_build_object(col, jsonb_build_object(
            'before', audit_value(col, before), 'after', audit_value(col, after)));
    END LOOP;
    IF TG_OP = 'UPDATE' AND changes = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(string_agg(coalesce(coalesce(new_row, old_row) ->> a.attname, ''), ','
                               ORDER BY k.n), '')
    INTO target
    FROM pg_index AS i
    CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = TG_RELID AND i.indisprimary;
    INSERT INTO audit_event (
        id, at, actor_id, actor_role, action, target_type, target_id, changes, route, request_id
    ) VALUES (
        gen_random_uuid(),
        clock_timestamp(),
        actor::uuid,
        left(coalesce(current_setting('wonderspaced.actor_role', true), ''), 16),
        CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
        left(TG_TABLE_NAME, 64),
        left(target, 200),
        changes,
        left(coalesce(current_setting('wonderspaced.route', true), ''), 300),
        left(nullif(current_setting('wonderspaced.request_id', true), ''), 128)
    );
    RETURN NULL;
END
$$
"""

# Rows written before this revision held email addresses in clear: replace them with their
# digest (the append-only guard is lifted for this statement only).
_SCRUB = """
UPDATE audit_event AS e
SET changes = (
    SELECT jsonb_object_agg(k, CASE WHEN k ~ '(^|_)email$' AND jsonb_typeof(v) = 'object'
        THEN jsonb_build_object(
            'before', audit_value(k, v -> 'before'), 'after', audit_value(k, v -> 'after'))
        ELSE v END)
    FROM jsonb_each(e.changes) AS c(k, v)
)
WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(e.changes) AS c(k) WHERE k ~ '(^|_)email$')
"""


def upgrade() -> None:
    op.execute(_EMAIL)
    op.execute(_CLIP)
    op.execute(_VALUE)
    op.execute(_ROW)
    op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    op.execute(_SCRUB)
    op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    for table in AUDITED:
        op.execute(attach(table))


def downgrade() -> None:
    # The digests of scrubbed addresses stay: the addresses are not kept anywhere to restore.
    for table in AUDITED:
        op.execute(detach(table))
    op.execute("DROP FUNCTION audit_row()")
    op.execute("DROP FUNCTION audit_value(text, jsonb)")
    op.execute("DROP FUNCTION audit_clip(jsonb)")
    op.execute("DROP FUNCTION audit_email(text)")
