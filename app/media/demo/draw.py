"""Illustrations for the demo, drawn with Pillow: skies and villages, Anansi on his web, kente
strips, adinkra symbols, fontomfrom drums, an Adowa dancer, pots, seeds and crafts. Every
function draws onto a given image at a given place and size; `t` (seconds) animates what moves
in the videos. Nothing is random: the same call draws the same picture."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]
Scene = Callable[[Image.Image, float], None]

GOLD = (242, 183, 5)
GREEN = (30, 130, 76)
RED = (200, 40, 40)
BLACK = (30, 25, 25)
BLUE = (40, 90, 170)
EARTH = (150, 90, 50)
CREAM = (250, 240, 215)
WHITE = (255, 255, 255)
SKY_TOP = (120, 190, 240)
SKY_LOW = (250, 225, 170)
NIGHT_TOP = (20, 30, 80)
NIGHT_LOW = (90, 70, 140)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _mix(a: Colour, b: Colour, k: float) -> Colour:
    return (
        round(a[0] + (b[0] - a[0]) * k),
        round(a[1] + (b[1] - a[1]) * k),
        round(a[2] + (b[2] - a[2]) * k),
    )


def gradient(image: Image.Image, top: Colour, bottom: Colour, until: float = 1.0) -> None:
    draw = ImageDraw.Draw(image)
    height = round(image.height * until)
    for y in range(height):
        draw.line([(0, y), (image.width, y)], fill=_mix(top, bottom, y / max(1, height - 1)))


def sun(image: Image.Image, x: float, y: float, r: float, t: float = 0.0) -> None:
    draw = ImageDraw.Draw(image)
    for i in range(12):
        angle = i * math.pi / 6 + t * 0.4
        inner, outer = r * 1.25, r * (1.6 + 0.1 * math.sin(t * 3 + i))
        draw.line(
            [
                (x + inner * math.cos(angle), y + inner * math.sin(angle)),
                (x + outer * math.cos(angle), y + outer * math.sin(angle)),
            ],
            fill=GOLD,
            width=max(2, round(r / 8)),
        )
    draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 205, 40), outline=(240, 160, 20), width=3)


def moon_and_stars(image: Image.Image, t: float = 0.0) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for i in range(40):
        sx, sy = (i * 97) % w, (i * 53) % round(h * 0.6)
        glow = 2 + (i + round(t * 4)) % 3
        draw.ellipse((sx - glow / 2, sy - glow / 2, sx + glow / 2, sy + glow / 2), fill=CREAM)
    r = h * 0.08
    draw.ellipse((w * 0.82 - r, h * 0.15 - r, w * 0.82 + r, h * 0.15 + r), fill=CREAM)
    draw.ellipse((w * 0.84 - r, h * 0.13 - r, w * 0.84 + r, h * 0.13 + r), fill=NIGHT_TOP)


def hills(image: Image.Image, colour: Colour = GREEN, base: float = 0.7) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    far = _mix(colour, (200, 220, 200), 0.4)
    points = [(0, h)] + [
        (x, h * base - h * 0.08 * math.sin(x / w * math.pi * 2.2 + 0.5))
        for x in range(0, w + 20, 20)
    ]
    draw.polygon([*points, (w, h)], fill=far)
    points = [(0, h)] + [
        (x, h * (base + 0.08) - h * 0.05 * math.sin(x / w * math.pi * 3.1))
        for x in range(0, w + 20, 20)
    ]
    draw.polygon([*points, (w, h)], fill=colour)


def ground(image: Image.Image, colour: Colour = (196, 140, 80), at: float = 0.78) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    draw.rectangle((0, h * at, w, h), fill=colour)
    for i in range(0, w, 37):
        draw.line(
            [(i, h * at + 8 + (i % 3) * 9), (i + 14, h * at + 8 + (i % 3) * 9)],
            fill=_mix(colour, BLACK, 0.2),
            width=2,
        )


def hut(image: Image.Image, x: float, y: float, s: float) -> None:
    """A round mud house with a thatched roof; (x, y) the middle of its floor."""
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (x - s * 0.5, y - s * 0.6, x + s * 0.5, y), fill=(205, 150, 95), outline=EARTH, width=2
    )
    draw.rectangle((x - s * 0.12, y - s * 0.35, x + s * 0.12, y), fill=(90, 55, 30))
    draw.polygon(
        [(x - s * 0.7, y - s * 0.55), (x, y - s * 1.15), (x + s * 0.7, y - s * 0.55)],
        fill=(215, 180, 90),
        outline=(160, 120, 50),
    )
    for i in range(-3, 4):
        draw.line([(x + i * s * 0.09, y - s * 0.6), (x, y - s * 1.1)], fill=(170, 130, 60), width=1)


def tree(image: Image.Image, x: float, y: float, s: float, sway: float = 0.0) -> None:
    """A silk cotton tree: a wide trunk with buttress roots and a broad crown."""
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [
            (x - s * 0.3, y),
            (x - s * 0.08, y - s * 0.9),
            (x + s * 0.08, y - s * 0.9),
            (x + s * 0.3, y),
        ],
        fill=(120, 85, 60),
    )
    crown = (34, 120, 60)
    for dx, dy, r in (
        (-0.35, -1.05, 0.38),
        (0.3, -1.1, 0.4),
        (0.0, -1.35, 0.45),
        (-0.1, -0.95, 0.3),
    ):
        cx = x + (dx + sway * 0.03) * s
        cy = y + dy * s
        draw.ellipse((cx - r * s, cy - r * s * 0.8, cx + r * s, cy + r * s * 0.8), fill=crown)
        crown = _mix(crown, (60, 160, 80), 0.3)


def web(image: Image.Image, cx: float, cy: float, r: float) -> None:
    draw = ImageDraw.Draw(image)
    silk = (235, 235, 245)
    spokes = 12
    for i in range(spokes):
        a = i * 2 * math.pi / spokes
        draw.line([(cx, cy), (cx + r * math.cos(a), cy + r * math.sin(a))], fill=silk, width=2)
    ring = r * 0.12
    while ring < r:
        points = [
            (
                cx + ring * math.cos(i * 2 * math.pi / spokes),
                cy + ring * math.sin(i * 2 * math.pi / spokes),
            )
            for i in range(spokes + 1)
        ]
        draw.line(points, fill=silk, width=1)
        ring += r * 0.12


def spider(
    image: Image.Image, x: float, y: float, s: float, t: float = 0.0, hat: bool = True
) -> None:
    """Anansi: a round body, eight jointed legs that wiggle, big friendly eyes, a little hat."""
    draw = ImageDraw.Draw(image)
    for side in (-1, 1):
        for i in range(4):
            angle = math.radians(-50 + i * 33) + 0.12 * math.sin(t * 6 + i)
            kx = x + side * s * 0.75 * math.cos(angle)
            ky = y - s * 0.55 * math.sin(angle) - s * 0.2
            fx = x + side * s * 1.25 * math.cos(angle * 0.6)
            fy = y + s * 0.45 + s * 0.2 * i / 3 - s * 0.35 * math.sin(angle)
            draw.line(
                [(x + side * s * 0.2, y), (kx, ky), (fx, fy)],
                fill=BLACK,
                width=max(2, round(s / 10)),
            )
    draw.ellipse((x - s * 0.45, y - s * 0.1, x + s * 0.45, y + s * 0.65), fill=(70, 45, 35))
    draw.ellipse((x - s * 0.32, y - s * 0.5, x + s * 0.32, y + s * 0.1), fill=(95, 60, 45))
    for side in (-1, 1):
        ex = x + side * s * 0.13
        draw.ellipse((ex - s * 0.1, y - s * 0.33, ex + s * 0.1, y - s * 0.13), fill=WHITE)
        draw.ellipse((ex - s * 0.04, y - s * 0.27, ex + s * 0.04, y - s * 0.19), fill=BLACK)
    draw.arc((x - s * 0.12, y - s * 0.15, x + s * 0.12, y + s * 0.02), 20, 160, fill=CREAM, width=2)
    if hat:
        draw.polygon(
            [(x - s * 0.3, y - s * 0.42), (x + s * 0.3, y - s * 0.42), (x, y - s * 0.8)], fill=RED
        )
        draw.rectangle((x - s * 0.32, y - s * 0.46, x + s * 0.32, y - s * 0.4), fill=GOLD)


KENTE_PALETTES: dict[str, Sequence[Colour]] = {
    "gold": (GOLD, GREEN, RED, BLACK),
    "green": (GREEN, GOLD, BLACK, RED),
    "royal": (BLUE, GOLD, RED, WHITE),
}


def kente(
    image: Image.Image,
    box: tuple[float, float, float, float],
    palette: str = "gold",
    shift: float = 0.0,
) -> None:
    """Woven strips side by side: each strip alternates bands of stripes with blocks of
    checks, the way weavers at Bonwire lay out a cloth."""
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    colours = KENTE_PALETTES[palette]
    strip = max(12.0, (x1 - x0) / 6)
    col = 0
    x = x0
    while x < x1 - 1:
        right = min(x + strip, x1)
        y = y0 - ((shift * 40 + col * 17) % 60)
        band = col
        while y < y1:
            top, bottom = max(y, y0), min(y + 30, y1)
            if bottom > top:
                if band % 2 == 0:
                    for k in range(6):
                        sx = x + (right - x) * k / 6
                        draw.rectangle(
                            (sx, top, sx + (right - x) / 6, bottom), fill=colours[(k + band) % 4]
                        )
                else:
                    for cy in range(int(top), int(bottom), 10):
                        for k in range(4):
                            sx = x + (right - x) * k / 4
                            fill = colours[(k + cy // 10 + band) % 2 * 2]
                            draw.rectangle(
                                (sx, cy, sx + (right - x) / 4, min(cy + 10, bottom)), fill=fill
                            )
            y += 30
            band += 1
        draw.line([(right, y0), (right, y1)], fill=BLACK, width=1)
        x = right
        col += 1


def adinkrahene(
    draw: ImageDraw.ImageDraw, x: float, y: float, r: float, ink: Colour = BLACK
) -> None:
    """'Chief of the adinkra symbols': three circles, one inside the other (greatness)."""
    for k in (1.0, 0.66, 0.33):
        draw.ellipse(
            (x - r * k, y - r * k, x + r * k, y + r * k), outline=ink, width=max(3, round(r / 7))
        )


def sankofa(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, ink: Colour = BLACK) -> None:
    """Sankofa as a heart whose top curls inward: go back and fetch what you forgot."""
    width = max(3, round(r / 7))
    draw.line([(x, y + r), (x - r, y - r * 0.1)], fill=ink, width=width)
    draw.line([(x, y + r), (x + r, y - r * 0.1)], fill=ink, width=width)
    for side in (-1, 1):
        cx = x + side * r * 0.5
        draw.arc(
            (cx - r * 0.5, y - r * 0.75, cx + r * 0.5, y + r * 0.25),
            180,
            360,
            fill=ink,
            width=width,
        )
        # the curl back into the heart
        draw.arc(
            (
                x + side * r * 0.15 - r * 0.2,
                y - r * 0.45,
                x + side * r * 0.15 + r * 0.2,
                y - r * 0.05,
            ),
            0,
            360,
            fill=ink,
            width=width,
        )
    draw.line([(x, y - r * 0.3), (x, y + r * 0.6)], fill=ink, width=width)


def dwennimmen(
    draw: ImageDraw.ImageDraw, x: float, y: float, r: float, ink: Colour = BLACK
) -> None:
    """Ram's horns, four spirals: strength with humility."""
    width = max(3, round(r / 8))
    for sx in (-1, 1):
        for sy in (-1, 1):
            cx, cy = x + sx * r * 0.5, y + sy * r * 0.5
            points = []
            for i in range(40):
                a = i / 39 * 3 * math.pi
                rad = r * 0.45 * (1 - i / 45)
                points.append((cx + sx * rad * math.cos(a), cy + sy * rad * math.sin(a)))
            draw.line(points, fill=ink, width=width)
    draw.rectangle((x - r * 0.12, y - r * 0.6, x + r * 0.12, y + r * 0.6), fill=ink)


def nsoromma(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, ink: Colour = BLACK) -> None:
    """A star, child of the heavens."""
    points = []
    for i in range(16):
        rad = r if i % 2 == 0 else r * 0.45
        a = i * math.pi / 8 - math.pi / 2
        points.append((x + rad * math.cos(a), y + rad * math.sin(a)))
    draw.polygon(points, fill=ink)
    draw.ellipse((x - r * 0.2, y - r * 0.2, x + r * 0.2, y + r * 0.2), fill=GOLD)


ADINKRA = {
    "adinkrahene": adinkrahene,
    "sankofa": sankofa,
    "dwennimmen": dwennimmen,
    "nsoromma": nsoromma,
}


def drum(
    image: Image.Image,
    x: float,
    y: float,
    s: float,
    colour: Colour = (150, 80, 40),
    beat: float = 0.0,
) -> None:
    """A fontomfrom: a tall carved drum, pegs holding the skin, cords down its body."""
    draw = ImageDraw.Draw(image)
    top = y - s * (1.0 + 0.03 * beat)
    draw.polygon(
        [(x - s * 0.32, top), (x + s * 0.32, top), (x + s * 0.22, y), (x - s * 0.22, y)],
        fill=colour,
    )
    for i in range(5):
        bx = x - s * 0.28 + i * s * 0.14
        draw.line([(bx, top + s * 0.08), (bx * 0.8 + x * 0.2, y - s * 0.05)], fill=CREAM, width=2)
    for k in (0.35, 0.65):
        ry = top + (y - top) * k
        draw.line(
            [(x - s * 0.3 + k * s * 0.1, ry), (x + s * 0.3 - k * s * 0.1, ry)], fill=BLACK, width=3
        )
    draw.ellipse(
        (x - s * 0.34, top - s * 0.07, x + s * 0.34, top + s * 0.07),
        fill=CREAM,
        outline=BLACK,
        width=2,
    )
    for i in range(8):
        a = i * math.pi / 4
        draw.ellipse(
            (
                x + s * 0.33 * math.cos(a) - 3,
                top + s * 0.06 * math.sin(a) + s * 0.07 - 3,
                x + s * 0.33 * math.cos(a) + 3,
                top + s * 0.06 * math.sin(a) + s * 0.07 + 3,
            ),
            fill=BLACK,
        )


def drummer_sticks(image: Image.Image, x: float, y: float, s: float, t: float) -> None:
    draw = ImageDraw.Draw(image)
    lift = abs(math.sin(t * 5)) * s * 0.3
    for side in (-1, 1):
        hx = x + side * s * 0.15
        draw.line(
            [
                (hx + side * s * 0.35, y - s * 1.3 - lift),
                (hx, y - s * 1.02 - (lift if side < 0 else s * 0.3 - lift)),
            ],
            fill=(90, 50, 20),
            width=5,
        )


def person(
    image: Image.Image,
    x: float,
    y: float,
    s: float,
    t: float = 0.0,
    cloth: str = "gold",
    dance: bool = True,
) -> None:
    """A dancer in kente: head, body wrapped in cloth, arms that move in the Adowa's gentle
    waves, feet stepping."""
    draw = ImageDraw.Draw(image)
    skin = (120, 75, 45)
    sway = math.sin(t * 2.5) * s * 0.06 if dance else 0.0
    body_top = y - s * 1.35
    draw.ellipse(
        (x - s * 0.17 + sway, body_top - s * 0.38, x + s * 0.17 + sway, body_top - s * 0.04),
        fill=skin,
    )
    cloth_box = (x - s * 0.28 + sway, body_top, x + s * 0.28 + sway * 0.5, y - s * 0.25)
    layer = Image.new(
        "RGB",
        (max(1, round(cloth_box[2] - cloth_box[0])), max(1, round(cloth_box[3] - cloth_box[1]))),
    )
    kente(layer, (0, 0, layer.width, layer.height), cloth)
    mask = Image.new("L", layer.size, 0)
    ImageDraw.Draw(mask).polygon(
        [
            (layer.width * 0.2, 0),
            (layer.width * 0.8, 0),
            (layer.width, layer.height),
            (0, layer.height),
        ],
        fill=255,
    )
    image.paste(layer, (round(cloth_box[0]), round(cloth_box[1])), mask)
    for side in (-1, 1):
        wave = math.sin(t * 3 + side) if dance else -0.6
        sx, sy = x + side * s * 0.25 + sway, body_top + s * 0.12
        ex, ey = sx + side * s * 0.35, sy + s * 0.1 - wave * s * 0.25
        hx, hy = ex + side * s * 0.22, ey - s * 0.2 - wave * s * 0.2
        draw.line([(sx, sy), (ex, ey), (hx, hy)], fill=skin, width=max(3, round(s / 12)))
        step = math.sin(t * 2.5 + (0 if side < 0 else math.pi)) * s * 0.05 if dance else 0.0
        draw.line(
            [(x + side * s * 0.1, y - s * 0.25), (x + side * s * 0.14, y - step)],
            fill=skin,
            width=max(3, round(s / 11)),
        )


def pot(image: Image.Image, x: float, y: float, s: float, broken: float = 0.0) -> None:
    """A clay pot; `broken` from 0 to 1 scatters it in pieces with light spilling out."""
    draw = ImageDraw.Draw(image)
    clay = (180, 95, 55)
    if broken <= 0:
        draw.ellipse(
            (x - s * 0.5, y - s * 0.8, x + s * 0.5, y), fill=clay, outline=(120, 60, 30), width=3
        )
        draw.rectangle(
            (x - s * 0.2, y - s * 0.95, x + s * 0.2, y - s * 0.75),
            fill=clay,
            outline=(120, 60, 30),
            width=3,
        )
        draw.line([(x - s * 0.4, y - s * 0.45), (x + s * 0.4, y - s * 0.45)], fill=CREAM, width=3)
        return
    for i in range(6):
        a = i * math.pi / 3
        px, py = x + math.cos(a) * s * broken, y - s * 0.3 + math.sin(a) * s * broken * 0.4
        draw.polygon(
            [(px, py), (px + s * 0.2, py + s * 0.05), (px + s * 0.08, py + s * 0.2)], fill=clay
        )
    for i in range(10):
        a = i * math.pi / 5
        r = s * (0.4 + broken)
        draw.ellipse(
            (
                x + r * math.cos(a) - 5,
                y - s * 0.5 + r * math.sin(a) - 5,
                x + r * math.cos(a) + 5,
                y - s * 0.5 + r * math.sin(a) + 5,
            ),
            fill=GOLD,
        )


def tortoise(
    image: Image.Image, x: float, y: float, s: float, t: float = 0.0, cracked: bool = False
) -> None:
    draw = ImageDraw.Draw(image)
    skin = (120, 140, 70)
    step = math.sin(t * 4) * s * 0.05
    for lx in (-0.35, 0.3):
        draw.ellipse(
            (x + lx * s - s * 0.1, y - s * 0.12 + step, x + lx * s + s * 0.1, y + s * 0.08 + step),
            fill=skin,
        )
    draw.ellipse((x + s * 0.45, y - s * 0.35, x + s * 0.75, y - s * 0.1), fill=skin)
    draw.ellipse((x + s * 0.62, y - s * 0.3, x + s * 0.68, y - s * 0.24), fill=BLACK)
    draw.chord(
        (x - s * 0.55, y - s * 0.6, x + s * 0.55, y + s * 0.2),
        180,
        360,
        fill=(110, 80, 40),
        outline=(60, 40, 20),
        width=3,
    )
    for hx in (-0.3, 0.0, 0.3):
        draw.regular_polygon(
            (x + hx * s, y - s * 0.22, s * 0.12), 6, fill=(140, 105, 55), outline=(60, 40, 20)
        )
    if cracked:
        draw.line(
            [
                (x - s * 0.4, y - s * 0.3),
                (x - s * 0.1, y - s * 0.15),
                (x + s * 0.05, y - s * 0.4),
                (x + s * 0.35, y - s * 0.2),
            ],
            fill=BLACK,
            width=2,
        )


def bird(
    image: Image.Image, x: float, y: float, s: float, t: float = 0.0, colour: Colour = BLUE
) -> None:
    draw = ImageDraw.Draw(image)
    flap = math.sin(t * 8) * s * 0.4
    draw.ellipse((x - s * 0.3, y - s * 0.15, x + s * 0.3, y + s * 0.15), fill=colour)
    draw.polygon(
        [(x - s * 0.1, y), (x - s * 0.35, y - s * 0.2 - flap), (x + s * 0.15, y)],
        fill=_mix(colour, WHITE, 0.3),
    )
    draw.polygon(
        [(x + s * 0.3, y - s * 0.05), (x + s * 0.45, y), (x + s * 0.3, y + s * 0.05)], fill=GOLD
    )


def seedling(image: Image.Image, x: float, y: float, s: float, grow: float = 1.0) -> None:
    """A seed in the soil: its root going down, its shoot and two leaves coming up."""
    draw = ImageDraw.Draw(image)
    draw.ellipse((x - s * 0.12, y - s * 0.06, x + s * 0.12, y + s * 0.1), fill=(160, 110, 50))
    draw.line(
        [
            (x, y + s * 0.05),
            (x - s * 0.05, y + s * 0.35 * grow),
            (x + s * 0.03, y + s * 0.55 * grow),
        ],
        fill=CREAM,
        width=3,
    )
    if grow > 0.3:
        tip = y - s * 0.6 * grow
        draw.line([(x, y), (x, tip)], fill=(60, 150, 60), width=max(3, round(s / 20)))
        for side in (-1, 1):
            draw.ellipse(
                (
                    x + side * s * 0.25 * grow - s * 0.12 * grow,
                    tip - s * 0.05,
                    x + side * s * 0.25 * grow + s * 0.12 * grow,
                    tip + s * 0.1,
                ),
                fill=(90, 190, 80),
            )


def rain(image: Image.Image, t: float) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for i in range(60):
        rx = (i * 71) % w
        ry = ((i * 37) + t * 300) % h
        draw.line([(rx, ry), (rx - 4, ry + 14)], fill=(170, 200, 240), width=2)


def ice_glass(image: Image.Image, x: float, y: float, s: float, bob: float = 0.0) -> None:
    draw = ImageDraw.Draw(image)
    draw.rectangle((x - s * 0.35, y - s * 0.55, x + s * 0.35, y), fill=(170, 210, 245))
    cube = y - s * 0.6 + bob * s * 0.03
    draw.rectangle(
        (x - s * 0.16, cube, x + s * 0.16, cube + s * 0.28),
        fill=(235, 248, 255),
        outline=(120, 170, 220),
        width=3,
    )
    draw.line([(x - s * 0.1, cube + s * 0.06), (x, cube + s * 0.06)], fill=WHITE, width=3)
    draw.line([(x - s * 0.38, y - s * 0.9), (x - s * 0.35, y)], fill=(90, 120, 160), width=4)
    draw.line([(x + s * 0.38, y - s * 0.9), (x + s * 0.35, y)], fill=(90, 120, 160), width=4)
    draw.line([(x - s * 0.35, y), (x + s * 0.35, y)], fill=(90, 120, 160), width=4)


def stone(image: Image.Image, x: float, y: float, s: float) -> None:
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [
            (x - s * 0.45, y),
            (x - s * 0.38, y - s * 0.3),
            (x - s * 0.1, y - s * 0.45),
            (x + s * 0.3, y - s * 0.38),
            (x + s * 0.48, y - s * 0.1),
            (x + s * 0.4, y),
        ],
        fill=(125, 125, 130),
        outline=(80, 80, 85),
    )
    draw.line(
        [(x - s * 0.2, y - s * 0.3), (x + s * 0.05, y - s * 0.2)], fill=(160, 160, 165), width=3
    )


def paper_weave(
    image: Image.Image, box: tuple[float, float, float, float], done: float = 1.0
) -> None:
    """Paper strips woven over and under slits: the paper kente craft."""
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=GREEN)
    rows = 6
    cols = 8
    for r in range(round(rows * done)):
        ry = y0 + (y1 - y0) * (r + 0.5) / rows
        for c in range(cols):
            if (r + c) % 2 == 0:
                cx = x0 + (x1 - x0) * c / cols
                draw.rectangle(
                    (
                        cx,
                        ry - (y1 - y0) / rows / 2.4,
                        cx + (x1 - x0) / cols,
                        ry + (y1 - y0) / rows / 2.4,
                    ),
                    fill=(GOLD, RED)[r % 2],
                )
    draw.rectangle(box, outline=BLACK, width=3)


def scissors(image: Image.Image, x: float, y: float, s: float) -> None:
    draw = ImageDraw.Draw(image)
    draw.line(
        [(x - s * 0.4, y - s * 0.4), (x + s * 0.4, y + s * 0.2)], fill=(150, 150, 160), width=6
    )
    draw.line(
        [(x - s * 0.4, y + s * 0.2), (x + s * 0.4, y - s * 0.4)], fill=(150, 150, 160), width=6
    )
    for hx in (-0.5, 0.5):
        draw.ellipse(
            (x + hx * s - s * 0.14, y + s * 0.2, x + hx * s + s * 0.14, y + s * 0.48),
            outline=RED,
            width=6,
        )


def potato_stamp(image: Image.Image, x: float, y: float, s: float, symbol: str = "sankofa") -> None:
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (x - s * 0.5, y - s * 0.4, x + s * 0.5, y + s * 0.4),
        fill=(225, 200, 130),
        outline=(160, 120, 60),
        width=4,
    )
    ADINKRA[symbol](draw, x, y, s * 0.28, (150, 60, 30))


def volcano(image: Image.Image, x: float, y: float, s: float, erupt: float = 0.0) -> None:
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [
            (x - s * 0.6, y),
            (x - s * 0.12, y - s * 0.7),
            (x + s * 0.12, y - s * 0.7),
            (x + s * 0.6, y),
        ],
        fill=(140, 95, 60),
    )
    if erupt > 0:
        for i in range(9):
            a = math.pi * (0.15 + 0.7 * i / 8)
            r = s * 0.35 * erupt
            draw.ellipse(
                (
                    x - r * math.cos(a) - s * 0.1,
                    y - s * 0.75 - r * math.sin(a) - s * 0.08,
                    x - r * math.cos(a) + s * 0.1,
                    y - s * 0.75 - r * math.sin(a) + s * 0.08,
                ),
                fill=(250, 250, 240),
            )
    draw.rectangle((x - s * 0.7, y, x + s * 0.7, y + s * 0.06), fill=(200, 200, 200))


def caption_band(image: Image.Image, text: str) -> None:
    """A title on a cream band across the bottom of a picture."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    size = max(18, h // 12)
    face = font(size)
    band = round(size * 1.8)
    draw.rectangle((0, h - band, w, h), fill=CREAM)
    draw.line([(0, h - band), (w, h - band)], fill=GOLD, width=4)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    draw.text(
        ((w - (right - left)) / 2, h - band + (band - (bottom - top)) / 2 - top),
        text,
        fill=BLACK,
        font=face,
    )


def title_card(image: Image.Image, title: str, subtitle: str = "") -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    kente(image, (0, 0, w, h * 0.12), "gold")
    kente(image, (0, h * 0.88, w, h), "gold")
    face = font(max(20, h // 10))
    size = max(20, h // 10)
    left, top, right, _ = draw.textbbox((0, 0), title, font=face)
    while right - left > w * 0.9 and size > 14:
        size -= 2
        face = font(size)
        left, top, right, _ = draw.textbbox((0, 0), title, font=face)
    draw.text(((w - (right - left)) / 2, h * 0.42 - top), title, fill=BLACK, font=face)
    if subtitle:
        small = font(max(14, h // 18))
        left, top, right, _bottom = draw.textbbox((0, 0), subtitle, font=small)
        draw.text(((w - (right - left)) / 2, h * 0.6 - top), subtitle, fill=EARTH, font=small)
