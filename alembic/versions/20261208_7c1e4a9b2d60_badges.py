"""badges: editors' badges, the ones explorers earned, the counters that check them, parents'
reward settings; `reward` notifications

Revision ID: 7c1e4a9b2d60
Revises: 8d2e3f4a5b61
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.audit.triggers import attach, detach

revision: str = "7c1e4a9b2d60"
down_revision: str | None = "8d2e3f4a5b61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = ("badge", "earned_badge", "reward_setting")

_CATEGORIES_BEFORE = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement', "
    "'weekly_report')"
)
_CATEGORIES_AFTER = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement', "
    "'weekly_report', 'reward')"
)

# The current streak on `today` from the active days given (duplicates allowed): the rule of
# app/progress/service.py `streaks` (one missed day per Sunday-to-Saturday week forgiven;
# today breaks nothing), so a streak badge is earned on the streak "My adventures" shows.
# tests/rewards/test_streak_function.py holds the two to the same answers.
_STREAK_FUNCTION = """
CREATE FUNCTION reward_streak(active date[], today date) RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    days date[] := ARRAY(SELECT DISTINCT d FROM unnest(active) d WHERE d <= today ORDER BY d);
    day date;
    run_start date := NULL;
    run_days integer := 0;
    miss_weeks date[] := '{}';
    miss_days date[] := '{}';
    week date;
    earlier date;
    i integer;
BEGIN
    IF cardinality(days) = 0 THEN
        RETURN 0;
    END IF;
    day := days[1];
    WHILE day <= today LOOP
        IF day = ANY(days) THEN
            IF run_start IS NULL THEN
                run_start := day;
            END IF;
            run_days := run_days + 1;
        ELSIF day <> today AND run_start IS NOT NULL THEN
            week := day - ((extract(dow FROM day)::integer) % 7);
            i := array_position(miss_weeks, week);
            IF i IS NOT NULL THEN
                earlier := miss_days[i];
                run_start := (SELECT min(d) FROM unnest(days) d WHERE d > earlier AND d < day);
                run_days := (SELECT count(*) FROM unnest(days) d
                          WHERE run_start IS NOT NULL AND d >= run_start AND d < day);
                SELECT coalesce(array_agg(w ORDER BY n), '{}'), coalesce(array_agg(m ORDER BY n), '{}')
                    INTO miss_weeks, miss_days
                    FROM unnest(miss_weeks, miss_days) WITH ORDINALITY AS x(w, m, n)
                    WHERE run_start IS NOT NULL AND m > run_start;
            END IF;
            IF run_start IS NOT NULL THEN
                i := array_position(miss_weeks, week);
                IF i IS NULL THEN
                    miss_weeks := miss_weeks || week;
                    miss_days := miss_days || day;
                ELSE
                    miss_days[i] := day;
                END IF;
            END IF;
        END IF;
        day := day + 1;
    END LOOP;
    RETURN run_days;
END
$$
"""


# What explorers learned before badges existed counts: the facts, counters and active days
# the requests would have written, from progress, learning time and quiz attempts (the same
# rules as app/rewards/queries.py; a day is active with STREAK_MINUTES' default of 5).
_BACKFILL = (
    """
    INSERT INTO reward_fact (profile_id, what, subject_id, at)
    SELECT profile_id, 'items', item_id, completed_at FROM progress
    WHERE completed_at IS NOT NULL
    UNION ALL
    SELECT profile_id, 'read_aloud', item_id, completed_at FROM progress
    WHERE completed_at IS NOT NULL AND kind = 'ebook' AND read_aloud
    UNION ALL
    SELECT profile_id, 'quiz_passed', quiz_id, min(closed_at) FROM quiz_attempt
    WHERE passed GROUP BY profile_id, quiz_id
    UNION ALL
    SELECT profile_id, 'quiz_mastered', quiz_id, min(closed_at) FROM quiz_attempt
    WHERE passed AND stars = 3 GROUP BY profile_id, quiz_id
    """,
    """
    INSERT INTO reward_tally (profile_id, key, count)
    SELECT f.profile_id, k.key, count(*)
    FROM reward_fact f
    LEFT JOIN progress p ON f.what IN ('items', 'read_aloud') AND p.profile_id = f.profile_id
        AND p.item_id = f.subject_id
    LEFT JOIN (
        SELECT id, 'video' AS kind, theme_id, series_id FROM video
        UNION ALL SELECT id, 'ebook', theme_id, NULL FROM ebook
        UNION ALL SELECT id, 'diy', theme_id, NULL FROM diy
    ) i ON f.what = 'items' AND i.id = f.subject_id
    LEFT JOIN quiz q ON f.what LIKE 'quiz_%' AND q.id = f.subject_id
    CROSS JOIN LATERAL (
        SELECT f.what AS key
        UNION ALL SELECT 'items:kind:' || p.kind WHERE f.what = 'items'
        UNION ALL SELECT 'items:item:' || f.subject_id WHERE f.what = 'items'
        UNION ALL SELECT 'items:theme:' || i.theme_id WHERE i.theme_id IS NOT NULL
        UNION ALL SELECT 'items:series:' || i.series_id WHERE i.series_id IS NOT NULL
        UNION ALL SELECT f.what || ':' || q.difficulty WHERE q.difficulty IS NOT NULL
    ) k
    GROUP BY f.profile_id, k.key
    """,
    """
    INSERT INTO reward_day (profile_id, day, active_ms, active, became_active)
    SELECT d.profile_id, d.day, sum(d.ms), sum(d.ms) >= 300000 OR bool_or(d.completed), false
    FROM (
        SELECT t.profile_id, (t.bucket AT TIME ZONE a.timezone)::date AS day,
            t.active_ms AS ms, false AS completed
        FROM learning_time t JOIN profile pr ON pr.id = t.profile_id
        JOIN account a ON a.id = pr.account_id
        UNION ALL
        SELECT p.profile_id, (p.completed_at AT TIME ZONE a.timezone)::date, 0, true
        FROM progress p JOIN profile pr ON pr.id = p.profile_id
        JOIN account a ON a.id = pr.account_id
        WHERE p.completed_at IS NOT NULL
    ) d
    GROUP BY d.profile_id, d.day
    """,
)


def _profile_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["profile_id"],
        ["profile.id"],
        name=op.f(f"fk_{table}_profile_id_profile"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "badge",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("picture_asset_id", sa.Uuid(), nullable=True),
        sa.Column("criterion", sa.String(length=20), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tally_key", sa.String(length=80), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("unlocks", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "criterion IN ('items_completed', 'quizzes_passed', 'quizzes_mastered', "
            "'streak_days', 'diys_finished', 'ebooks_read_aloud')",
            name=op.f("ck_badge_criterion"),
        ),
        sa.CheckConstraint("threshold >= 1", name=op.f("ck_badge_threshold")),
        sa.ForeignKeyConstraint(
            ["picture_asset_id"],
            ["media_asset.id"],
            name=op.f("fk_badge_picture_asset_id_media_asset"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge")),
        sa.UniqueConstraint("slug", name=op.f("uq_badge_slug")),
    )
    op.create_index("ix_badge_tally_key", "badge", ["tally_key", "threshold"])
    op.create_index(op.f("ix_badge_picture_asset_id"), "badge", ["picture_asset_id"])
    op.create_table(
        "earned_badge",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("badge_id", sa.Uuid(), nullable=False),
        sa.Column(
            "earned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badge.id"],
            name=op.f("fk_earned_badge_badge_id_badge"),
            ondelete="CASCADE",
        ),
        _profile_fk("earned_badge"),
        sa.PrimaryKeyConstraint("profile_id", "badge_id", name=op.f("pk_earned_badge")),
    )
    op.create_index(
        "ix_earned_badge_profile_earned",
        "earned_badge",
        ["profile_id", sa.text("earned_at DESC")],
    )
    op.create_table(
        "reward_tally",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_reward_tally_count")),
        _profile_fk("reward_tally"),
        sa.PrimaryKeyConstraint("profile_id", "key", name=op.f("pk_reward_tally")),
    )
    op.create_table(
        "reward_fact",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        _profile_fk("reward_fact"),
        sa.PrimaryKeyConstraint("profile_id", "what", "subject_id", name=op.f("pk_reward_fact")),
    )
    op.create_table(
        "reward_day",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("active_ms", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("became_active", sa.Boolean(), nullable=False),
        _profile_fk("reward_day"),
        sa.PrimaryKeyConstraint("profile_id", "day", name=op.f("pk_reward_day")),
    )
    op.create_table(
        "reward_setting",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("tell_parent", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        _profile_fk("reward_setting"),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_reward_setting")),
    )
    op.execute(_STREAK_FUNCTION)
    for statement in _BACKFILL:
        op.execute(statement)
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _CATEGORIES_AFTER)
    for table in AUDITED:
        op.execute(attach(table))


def downgrade() -> None:
    for table in AUDITED:
        op.execute(detach(table))
    op.execute("DELETE FROM notification WHERE category = 'reward'")
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _CATEGORIES_BEFORE)
    op.execute("DROP FUNCTION reward_streak(date[], date)")
    op.drop_table("reward_setting")
    op.drop_table("reward_day")
    op.drop_table("reward_fact")
    op.drop_table("reward_tally")
    op.drop_index("ix_earned_badge_profile_earned", table_name="earned_badge")
    op.drop_table("earned_badge")
    op.drop_index("ix_badge_tally_key", table_name="badge")
    op.drop_table("badge")
