"""The avatar parts catalogue, checking a profile's selection, and drawing it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars import queries
from app.avatars.models import SLOT_ORDER, AvatarPart, Slot
from app.avatars.schemas import (
    AvatarCatalogue,
    AvatarPartIn,
    AvatarPartOut,
    AvatarPartUpdate,
    AvatarSelection,
)
from app.avatars.svg import UnsafeSvg, check_fragment, compose
from app.core.errors import Conflict, NotFound, UnprocessableEntity, field_errors, invalid_field

# Which parts are locked for an explorer (None: for anyone): a module that unlocks parts
# declares one (app/modules.py, `part_locks=`); the composition root passes them in.
PartLocks = Callable[[AsyncSession, uuid.UUID | None], Awaitable[set[uuid.UUID]]]


async def locked_parts(
    session: AsyncSession, locks: Collection[PartLocks], profile_id: uuid.UUID | None
) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for lock in locks:
        found |= await lock(session, profile_id)
    return found


async def catalogue(session: AsyncSession, locked: Collection[uuid.UUID] = ()) -> AvatarCatalogue:
    slots: dict[Slot, list[AvatarPartOut]] = {slot: [] for slot in SLOT_ORDER}
    for part in await queries.all_parts(session):
        slots[Slot(part.slot)].append(AvatarPartOut.of(part, part.id in locked))
    return AvatarCatalogue(slots=slots)


def check_unlocked(
    selection: AvatarSelection, current: AvatarSelection, locked: Collection[uuid.UUID]
) -> None:
    """409 `part_locked` for a newly chosen part that a badge not yet earned unlocks. A part
    already worn stays (it may have been chosen before its badge was defined)."""
    for slot, part_id in selection.parts.items():
        if part_id in locked and current.parts.get(slot) != part_id:
            raise Conflict(
                "This part is unlocked by a badge: keep learning to earn it!", code="part_locked"
            )


async def validate_selection(session: AsyncSession, selection: AvatarSelection) -> None:
    """422 naming each unknown part, part in the wrong slot, or colour the part does not allow."""
    found = await _parts(session, selection)
    problems: list[dict[str, Any]] = []

    def problem(loc: list[str], msg: str, kind: str) -> None:
        problems.append({"loc": loc, "msg": msg, "type": kind})

    for slot, part_id in selection.parts.items():
        part = found.get(part_id)
        if part is None:
            problem(["parts", slot.value], "No such avatar part.", "unknown_part")
        elif part.slot != slot.value:
            problem(["parts", slot.value], f"This part belongs in '{part.slot}'.", "wrong_slot")
    for slot, colour in selection.colours.items():
        part = found.get(selection.parts.get(slot, uuid.UUID(int=0)))
        if part is None:
            problem(["colours", slot.value], "Choose a part for this slot first.", "no_part")
        elif colour not in part.colours:
            allowed = ", ".join(part.colours) or "none"
            problem(["colours", slot.value], f"Allowed colours: {allowed}.", "colour_not_allowed")
    if problems:
        raise UnprocessableEntity(
            "The avatar does not fit the catalogue.", errors=field_errors(problems, ["body"])
        )


async def _parts(session: AsyncSession, selection: AvatarSelection) -> dict[uuid.UUID, AvatarPart]:
    """The parts of a selection that exist, by id."""
    rows = await queries.parts(session, list(selection.parts.values()))
    return {part.id: part for part in rows}


async def known_parts(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `ids` that are parts of the catalogue."""
    return {part.id for part in await queries.parts(session, ids)} if ids else set()


async def render(session: AsyncSession, selection: AvatarSelection) -> str:
    """The composed SVG; parts deleted since the selection was made are skipped."""
    parts = await _parts(session, selection)
    layers: list[tuple[str, str | None]] = []
    for slot in SLOT_ORDER:
        part = parts.get(selection.parts.get(slot, uuid.UUID(int=0)))
        if part is not None:
            layers.append((part.svg, selection.colours.get(slot) or part.default_colour))
    return compose(layers)


# --- admin ------------------------------------------------------------------------------


def _checked_svg(svg: str) -> str:
    try:
        return check_fragment(svg)
    except UnsafeSvg as exc:
        raise invalid_field(
            ["body", "svg"], str(exc), type="unsafe_svg", detail=f"The SVG is not allowed: {exc}."
        ) from exc


def _check_default(colours: list[str], default: str | None) -> None:
    if default is not None and default not in colours:
        raise invalid_field(
            ["body", "default_colour"],
            "not in colours",
            type="colour",
            detail="The default colour must be one of the allowed colours.",
        )


async def get_part(session: AsyncSession, part_id: uuid.UUID) -> AvatarPart:
    part = await session.get(AvatarPart, part_id)
    if part is None:
        raise NotFound("No such avatar part.")
    return part


async def _name_taken(
    session: AsyncSession, slot: str, name: str, exclude: uuid.UUID | None
) -> None:
    if await queries.name_taken(session, slot, name, exclude):
        raise Conflict(f"A '{slot}' part named '{name}' exists already.", code="name_taken")


async def create_part(session: AsyncSession, body: AvatarPartIn) -> AvatarPart:
    _check_default(body.colours, body.default_colour)
    await _name_taken(session, body.slot.value, body.name, None)
    part = AvatarPart(
        slot=body.slot.value,
        name=body.name,
        svg=_checked_svg(body.svg),
        colours=body.colours,
        default_colour=body.default_colour,
        sort_order=body.sort_order,
    )
    session.add(part)
    await session.flush()
    await session.refresh(part)
    return part


async def update_part(
    session: AsyncSession, part_id: uuid.UUID, body: AvatarPartUpdate
) -> AvatarPart:
    part = await get_part(session, part_id)
    changes = body.model_dump(exclude_unset=True)
    if "svg" in changes and changes["svg"] is not None:
        changes["svg"] = _checked_svg(changes["svg"])
    if changes.get("name"):
        await _name_taken(session, part.slot, changes["name"], part.id)
    for field, value in changes.items():
        if value is not None or field == "default_colour":
            setattr(part, field, value)
    _check_default(list(part.colours), part.default_colour)
    await session.flush()
    await session.refresh(part)
    return part


async def delete_part(session: AsyncSession, part_id: uuid.UUID) -> None:
    part = await get_part(session, part_id)
    if await queries.in_use(session, part.slot, part.id):
        raise Conflict("Explorers are wearing this part; it cannot be deleted.", code="part_in_use")
    await session.delete(part)
    await session.flush()
