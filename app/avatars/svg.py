"""SVG fragments of avatar parts: only plain shapes and paint, so an avatar shown to a child
can never carry a script, a link or an outside resource."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"

ALLOWED_ELEMENTS = frozenset(
    {"g", "path", "circle", "ellipse", "rect", "polygon", "polyline", "line"}
)
ALLOWED_ATTRIBUTES = frozenset(
    {
        "d",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "x",
        "y",
        "width",
        "height",
        "points",
        "x1",
        "y1",
        "x2",
        "y2",
        "fill",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "opacity",
        "fill-opacity",
        "stroke-opacity",
        "transform",
        "fill-rule",
    }
)
_SAFE_VALUE = re.compile(r"^[#\w\s.,()%-]*$")


class UnsafeSvg(ValueError):
    pass


def check_fragment(fragment: str) -> str:
    """The fragment if it is safe to embed; raises UnsafeSvg naming what is not allowed."""
    if "<!" in fragment or "<?" in fragment:
        raise UnsafeSvg("declarations, DOCTYPEs and processing instructions are not allowed")
    try:
        root = ET.fromstring(f'<svg xmlns="{SVG_NS}">{fragment}</svg>')  # noqa: S314
    except ET.ParseError as exc:
        raise UnsafeSvg(f"not well-formed SVG: {exc}") from exc
    for element in root.iter():
        if element is root:
            continue
        tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        if tag not in ALLOWED_ELEMENTS:
            raise UnsafeSvg(f"<{tag}> is not allowed; use plain shapes")
        for name, value in element.attrib.items():
            if name not in ALLOWED_ATTRIBUTES:
                raise UnsafeSvg(f"the attribute '{name}' is not allowed")
            if not _SAFE_VALUE.match(value) or "url(" in value.lower():
                raise UnsafeSvg(f"the value of '{name}' is not allowed")
        if (element.text or "").strip() or (element.tail or "").strip():
            raise UnsafeSvg("text content is not allowed")
    return fragment


def compose(layers: list[tuple[str, str | None]]) -> str:
    """An SVG document from (fragment, colour) layers, back to front."""
    body = "".join(
        f'<g color="{colour}">{fragment}</g>' if colour else f"<g>{fragment}</g>"
        for fragment, colour in layers
    )
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 200 200" width="200" height="200" '
        f'role="img">{body}</svg>'
    )
