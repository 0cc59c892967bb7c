from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from app.avatars.models import AvatarPart, Slot

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$", to_lower=True)]


class AvatarSelection(BaseModel):
    """One part per slot, and a colour for the slots whose part can be coloured."""

    model_config = ConfigDict(extra="forbid")

    parts: dict[Slot, uuid.UUID] = Field(default_factory=dict)
    colours: dict[Slot, Colour] = Field(default_factory=dict)


class AvatarPartOut(BaseModel):
    id: uuid.UUID
    slot: Slot
    name: str
    svg: str
    colours: list[str]
    default_colour: str | None
    locked: bool = Field(
        default=False,
        description="Unlocked by a badge not earned yet (by the explorer of `profile_id`; "
        "without it, by anyone): it cannot be chosen until then",
    )

    @classmethod
    def of(cls, part: AvatarPart, locked: bool = False) -> AvatarPartOut:
        return cls(
            id=part.id,
            slot=Slot(part.slot),
            name=part.name,
            svg=part.svg,
            colours=list(part.colours),
            default_colour=part.default_colour,
            locked=locked,
        )


class AvatarCatalogue(BaseModel):
    """Every part, grouped by slot in drawing order (back to front)."""

    slots: dict[Slot, list[AvatarPartOut]]


class AvatarPartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: Slot
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    svg: str = Field(min_length=1, max_length=20_000, description="SVG fragment, 200x200 box")
    colours: list[Colour] = Field(default_factory=list, max_length=24)
    default_colour: Colour | None = None
    sort_order: StrictInt = Field(default=0, ge=0, le=10_000)


class AvatarPartUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None
    ) = None
    svg: str | None = Field(default=None, min_length=1, max_length=20_000)
    colours: list[Colour] | None = Field(default=None, max_length=24)
    default_colour: Colour | None = None
    sort_order: StrictInt | None = Field(default=None, ge=0, le=10_000)
