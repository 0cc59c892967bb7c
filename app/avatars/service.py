"""The avatar parts catalogue, checking a profile's selection, and drawing it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars.models import SLOT_ORDER, AvatarPart, Slot
from app.avatars.schemas import (
    AvatarCatalogue,
    AvatarPartIn,
    AvatarPartOut,
    AvatarPartUpdate,
    AvatarSelection,
)
from app.avatars.svg import UnsafeSvg, check_fragment, compose
from app.core.errors import Conflict, FieldError, NotFound, UnprocessableEntity
from app.core.schema import table_of


async def _all_parts(session: AsyncSession) -> Sequence[AvatarPart]:
    result = await session.execute(
        sa.select(AvatarPart).order_by(AvatarPart.slot, AvatarPart.sort_order, AvatarPart.name)  # type: ignore[arg-type]
    )
    return result.scalars().all()


async def catalogue(session: AsyncSession) -> AvatarCatalogue:
    slots: dict[Slot, list[AvatarPartOut]] = {slot: [] for slot in SLOT_ORDER}
    for part in await _all_parts(session):
        slots[Slot(part.slot)].append(AvatarPartOut.of(part))
    return AvatarCatalogue(slots=slots)


async def validate_selection(session: AsyncSession, selection: AvatarSelection) -> None:
    """422 naming each unknown part, part in the wrong slot, or colour the part does not allow."""
    ids = list(selection.parts.values())
    found = {
        part.id: part
        for part in (
            await session.execute(sa.select(AvatarPart).where(AvatarPart.id.in_(ids)))  # type: ignore[attr-defined]
        ).scalars()
    }
    errors: list[FieldError] = []
    for slot, part_id in selection.parts.items():
        part = found.get(part_id)
        if part is None:
            errors.append(_error(["parts", slot.value], "No such avatar part.", "unknown_part"))
        elif part.slot != slot.value:
            errors.append(
                _error(["parts", slot.value], f"This part belongs in '{part.slot}'.", "wrong_slot")
            )
    for slot, colour in selection.colours.items():
        part = found.get(selection.parts.get(slot, uuid.UUID(int=0)))
        if part is None:
            errors.append(
                _error(["colours", slot.value], "Choose a part for this slot first.", "no_part")
            )
        elif colour not in part.colours:
            allowed = ", ".join(part.colours) or "none"
            errors.append(
                _error(
                    ["colours", slot.value], f"Allowed colours: {allowed}.", "colour_not_allowed"
                )
            )
    if errors:
        raise UnprocessableEntity("The avatar does not fit the catalogue.", errors=errors)


def _error(loc: list[str], msg: str, kind: str) -> FieldError:
    return FieldError(loc=["body", *loc], msg=msg, type=kind)


async def render(session: AsyncSession, selection: AvatarSelection) -> str:
    """The composed SVG; parts deleted since the selection was made are skipped."""
    ids = list(selection.parts.values())
    parts = {
        part.id: part
        for part in (
            await session.execute(sa.select(AvatarPart).where(AvatarPart.id.in_(ids)))  # type: ignore[attr-defined]
        ).scalars()
    }
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
        raise UnprocessableEntity(
            f"The SVG is not allowed: {exc}.",
            errors=[FieldError(loc=["body", "svg"], msg=str(exc), type="unsafe_svg")],
        ) from exc


def _check_default(colours: list[str], default: str | None) -> None:
    if default is not None and default not in colours:
        raise UnprocessableEntity(
            "The default colour must be one of the allowed colours.",
            errors=[
                FieldError(loc=["body", "default_colour"], msg="not in colours", type="colour")
            ],
        )


async def get_part(session: AsyncSession, part_id: uuid.UUID) -> AvatarPart:
    part = await session.get(AvatarPart, part_id)
    if part is None:
        raise NotFound("No such avatar part.")
    return part


async def _name_taken(
    session: AsyncSession, slot: str, name: str, exclude: uuid.UUID | None
) -> None:
    parts = table_of(AvatarPart).c
    statement = sa.select(parts.id).where(
        parts.slot == slot, sa.func.lower(parts.name) == name.lower()
    )
    if exclude:
        statement = statement.where(parts.id != exclude)
    if (await session.execute(statement)).first():
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
    in_use = await session.scalar(
        sa.text(
            "SELECT EXISTS (SELECT 1 FROM profile WHERE avatar -> 'parts' ->> :slot = :id)"
        ).bindparams(slot=part.slot, id=str(part.id))
    )
    if in_use:
        raise Conflict("Explorers are wearing this part; it cannot be deleted.", code="part_in_use")
    await session.delete(part)
    await session.flush()
