"""quizzes: quizzes, questions, choices, attempts and responses

Revision ID: 8b7c6d5e4f3a
Revises: 7a9b8c7d6e5f
Create Date: 2026-12-02 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8b7c6d5e4f3a"
down_revision: str | None = "7a9b8c7d6e5f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("content_kind", sa.String(length=8), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=True),
        sa.Column("ebook_id", sa.Uuid(), nullable=True),
        sa.Column("diy_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("difficulty", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pass_mark", sa.SmallInteger(), nullable=False),
        sa.Column("feedback_mode", sa.String(length=8), nullable=False),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("time_suggestion_seconds", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "content_kind IN ('video', 'ebook', 'diy')", name=op.f("ck_quiz_content_kind")
        ),
        sa.CheckConstraint(
            "difficulty IN ('easy', 'medium', 'hard')", name=op.f("ck_quiz_difficulty")
        ),
        sa.CheckConstraint(
            "feedback_mode IN ('instant', 'at_end')", name=op.f("ck_quiz_feedback_mode")
        ),
        sa.CheckConstraint(
            "num_nonnulls(video_id, ebook_id, diy_id) = 1 AND CASE content_kind WHEN 'video' THEN video_id IS NOT NULL WHEN 'ebook' THEN ebook_id IS NOT NULL ELSE diy_id IS NOT NULL END",
            name=op.f("ck_quiz_one_content"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'published', 'archived')", name=op.f("ck_quiz_status")
        ),
        sa.CheckConstraint(
            "status NOT IN ('published', 'scheduled') OR published_at IS NOT NULL",
            name=op.f("ck_quiz_published_at"),
        ),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name=op.f("ck_quiz_pass_mark")),
        sa.CheckConstraint(
            "time_suggestion_seconds IS NULL OR time_suggestion_seconds > 0",
            name=op.f("ck_quiz_time"),
        ),
        sa.ForeignKeyConstraint(
            ["diy_id"], ["diy.id"], name=op.f("fk_quiz_diy_id_diy"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ebook_id"], ["ebook.id"], name=op.f("fk_quiz_ebook_id_ebook"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["video.id"], name=op.f("fk_quiz_video_id_video"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz")),
    )
    op.create_index(op.f("ix_quiz_diy_id"), "quiz", ["diy_id"], unique=False)
    op.create_index(op.f("ix_quiz_ebook_id"), "quiz", ["ebook_id"], unique=False)
    op.create_index(op.f("ix_quiz_video_id"), "quiz", ["video_id"], unique=False)
    op.create_table(
        "quiz_attempt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quiz_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("question_order", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("choice_orders", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(length=10), nullable=True),
        sa.Column("score", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("percent", sa.SmallInteger(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("stars", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "closed_reason IS NULL OR closed_reason IN ('submitted', 'expired')",
            name=op.f("ck_quiz_attempt_closed_reason"),
        ),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (closed_reason IS NULL) AND (closed_at IS NULL) = (percent IS NULL) AND (closed_at IS NULL) = (passed IS NULL) AND (closed_at IS NULL) = (stars IS NULL)",
            name=op.f("ck_quiz_attempt_closed"),
        ),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name=op.f("ck_quiz_attempt_percent")),
        sa.CheckConstraint("stars BETWEEN 1 AND 3", name=op.f("ck_quiz_attempt_stars")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_quiz_attempt_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quiz.id"], name=op.f("fk_quiz_attempt_quiz_id_quiz"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt")),
    )
    op.create_index(
        "ix_quiz_attempt_open_started",
        "quiz_attempt",
        ["started_at"],
        unique=False,
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_index(
        "ix_quiz_attempt_profile_quiz", "quiz_attempt", ["profile_id", "quiz_id"], unique=False
    )
    op.create_index(
        "ix_quiz_attempt_quiz_closed", "quiz_attempt", ["quiz_id", "closed_at"], unique=False
    )
    op.create_index(
        "uq_quiz_attempt_open",
        "quiz_attempt",
        ["profile_id", "quiz_id"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "quiz_question",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quiz_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("image_asset_id", sa.Uuid(), nullable=True),
        sa.Column("narration_asset_id", sa.Uuid(), nullable=True),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "type IN ('single_choice', 'multiple_choice', 'true_false', 'ordering', 'picture_choice')",
            name=op.f("ck_quiz_question_type"),
        ),
        sa.CheckConstraint(
            "char_length(prompt) BETWEEN 1 AND 500", name=op.f("ck_quiz_question_prompt")
        ),
        sa.CheckConstraint("points BETWEEN 1 AND 100", name=op.f("ck_quiz_question_points")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_quiz_question_position")),
        sa.ForeignKeyConstraint(
            ["image_asset_id"],
            ["media_asset.id"],
            name=op.f("fk_quiz_question_image_asset_id_media_asset"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["narration_asset_id"],
            ["media_asset.id"],
            name=op.f("fk_quiz_question_narration_asset_id_media_asset"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quiz.id"], name=op.f("fk_quiz_question_quiz_id_quiz"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_question")),
        sa.UniqueConstraint(
            "quiz_id",
            "position",
            deferrable=True,
            initially="DEFERRED",
            name="uq_quiz_question_position",
        ),
    )
    op.create_index(
        op.f("ix_quiz_question_image_asset_id"), "quiz_question", ["image_asset_id"], unique=False
    )
    op.create_index(
        op.f("ix_quiz_question_narration_asset_id"),
        "quiz_question",
        ["narration_asset_id"],
        unique=False,
    )
    op.create_table(
        "quiz_choice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("image_asset_id", sa.Uuid(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "text <> '' OR image_asset_id IS NOT NULL", name=op.f("ck_quiz_choice_text_or_image")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_quiz_choice_position")),
        sa.ForeignKeyConstraint(
            ["image_asset_id"],
            ["media_asset.id"],
            name=op.f("fk_quiz_choice_image_asset_id_media_asset"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["quiz_question.id"],
            name=op.f("fk_quiz_choice_question_id_quiz_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_choice")),
        sa.UniqueConstraint(
            "question_id",
            "position",
            deferrable=True,
            initially="DEFERRED",
            name="uq_quiz_choice_position",
        ),
    )
    op.create_index(
        op.f("ix_quiz_choice_image_asset_id"), "quiz_choice", ["image_asset_id"], unique=False
    )
    op.create_table(
        "quiz_response",
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("choice_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("hint_used", sa.Boolean(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points_awarded", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points_awarded >= 0", name=op.f("ck_quiz_response_points_awarded")),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempt.id"],
            name=op.f("fk_quiz_response_attempt_id_quiz_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["quiz_question.id"],
            name=op.f("fk_quiz_response_question_id_quiz_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", "question_id", name=op.f("pk_quiz_response")),
    )
    op.create_index("ix_quiz_response_question", "quiz_response", ["question_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quiz_response_question", table_name="quiz_response")
    op.drop_table("quiz_response")
    op.drop_index(op.f("ix_quiz_choice_image_asset_id"), table_name="quiz_choice")
    op.drop_table("quiz_choice")
    op.drop_index(op.f("ix_quiz_question_narration_asset_id"), table_name="quiz_question")
    op.drop_index(op.f("ix_quiz_question_image_asset_id"), table_name="quiz_question")
    op.drop_table("quiz_question")
    op.drop_index(
        "uq_quiz_attempt_open",
        table_name="quiz_attempt",
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.drop_index("ix_quiz_attempt_quiz_closed", table_name="quiz_attempt")
    op.drop_index("ix_quiz_attempt_profile_quiz", table_name="quiz_attempt")
    op.drop_index(
        "ix_quiz_attempt_open_started",
        table_name="quiz_attempt",
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.drop_table("quiz_attempt")
    op.drop_index(op.f("ix_quiz_video_id"), table_name="quiz")
    op.drop_index(op.f("ix_quiz_ebook_id"), table_name="quiz")
    op.drop_index(op.f("ix_quiz_diy_id"), table_name="quiz")
    op.drop_table("quiz")
