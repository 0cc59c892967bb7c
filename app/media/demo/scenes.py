"""Whole pictures for the demo by name: each draws a full scene onto an image at time `t`
(seconds; still pictures use t=0). Videos cut from scene to scene with what is said."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from app.media.demo import draw as d
from app.media.demo.draw import Scene


def _day(image: Image.Image, t: float) -> None:
    d.gradient(image, d.SKY_TOP, d.SKY_LOW)
    w, h = image.size
    d.sun(image, w * 0.85, h * 0.18, h * 0.08, t)


def _night(image: Image.Image, t: float) -> None:
    d.gradient(image, d.NIGHT_TOP, d.NIGHT_LOW)
    d.moon_and_stars(image, t)


def anansi_web(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image)
    d.tree(image, w * 0.18, h * 0.95, h * 0.65, math.sin(t))
    d.tree(image, w * 0.86, h * 0.98, h * 0.55, math.sin(t + 1))
    d.web(image, w * 0.5, h * 0.42, h * 0.33)
    d.spider(image, w * 0.5, h * 0.42 + math.sin(t * 2) * h * 0.03, h * 0.12, t)


def sky_god(image: Image.Image, t: float) -> None:
    d.gradient(image, (70, 140, 230), (200, 225, 250))
    w, h = image.size
    draw = ImageDraw.Draw(image)
    for cx, cy in ((0.2, 0.2), (0.45, 0.12), (0.75, 0.25)):
        x = w * cx + math.sin(t * 0.5 + cx * 9) * 10
        for k, (dx, r) in enumerate(((-0.05, 0.06), (0.0, 0.08), (0.06, 0.06))):
            draw.ellipse(
                (
                    x + w * dx - h * r,
                    h * cy - h * r * 0.7 + k,
                    x + w * dx + h * r,
                    h * cy + h * r * 0.7,
                ),
                fill=d.WHITE,
            )
    d.sun(image, w * 0.5, h * 0.13, h * 0.07, t)
    climb = h * (0.85 - 0.08 * (t % 5))
    draw.line([(w * 0.5, h * 0.2), (w * 0.5, climb)], fill=(240, 240, 250), width=2)
    d.spider(image, w * 0.5, climb, h * 0.1, t)
    d.hills(image, base=0.85)


def village_day(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.62)
    d.ground(image, at=0.8)
    for i, x in enumerate((0.15, 0.38, 0.62)):
        d.hut(image, w * x, h * 0.82, h * 0.3 - i * 8)
    d.person(image, w * 0.82, h * 0.95, h * 0.32, t, "gold")


def village_night(image: Image.Image, t: float) -> None:
    _night(image, t)
    w, h = image.size
    d.hills(image, (20, 70, 50), base=0.62)
    d.ground(image, (110, 80, 55), at=0.8)
    for x in (0.2, 0.5):
        d.hut(image, w * x, h * 0.82, h * 0.28)
    draw = ImageDraw.Draw(image)
    flame = h * (0.06 + 0.01 * math.sin(t * 9))
    fx, fy = w * 0.75, h * 0.86
    draw.polygon([(fx - flame, fy), (fx, fy - flame * 2.2), (fx + flame, fy)], fill=(250, 140, 30))
    draw.polygon(
        [(fx - flame * 0.5, fy), (fx, fy - flame * 1.3), (fx + flame * 0.5, fy)], fill=d.GOLD
    )
    d.spider(image, w * 0.62, h * 0.88, h * 0.07, t, hat=True)


def anansi_pot(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.75)
    d.tree(image, w * 0.5, h * 1.02, h * 0.75)
    y = h * (0.75 - 0.06 * (t % 4))
    d.pot(image, w * 0.43, y + h * 0.06, h * 0.12)
    d.spider(image, w * 0.5, y, h * 0.09, t)


def pot_breaks(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.72)
    d.ground(image, at=0.85)
    d.pot(image, w * 0.5, h * 0.82, h * 0.2, broken=min(1.0, 0.2 + t * 0.25))
    d.spider(image, w * 0.2, h * 0.82, h * 0.08, t)
    d.person(image, w * 0.82, h * 0.95, h * 0.3, t, "green")


def wisdom_spreads(image: Image.Image, t: float) -> None:
    village_day(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    for i in range(14):
        a = i * math.pi / 7 + t * 0.6
        r = h * (0.15 + 0.05 * (i % 3)) + t * 8
        x, y = w * 0.5 + r * math.cos(a) * 1.6, h * 0.35 + r * math.sin(a) * 0.6
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=d.GOLD)


def tortoise_birds(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.7)
    d.ground(image, (170, 150, 80), at=0.85)
    d.tortoise(image, w * 0.3 + t * 6, h * 0.86, h * 0.25, t)
    for i, colour in enumerate((d.BLUE, d.RED, (90, 160, 70))):
        d.bird(
            image,
            w * (0.5 + 0.15 * i) + math.sin(t + i) * 20,
            h * (0.25 + 0.08 * i),
            h * 0.12,
            t + i,
            colour,
        )


def tortoise_flies(image: Image.Image, t: float) -> None:
    d.gradient(image, (90, 160, 235), (220, 235, 250))
    w, h = image.size
    d.hills(image, base=0.88)
    draw = ImageDraw.Draw(image)
    y = h * 0.45 + math.sin(t * 2) * 10
    for side in (-1, 1):
        for k in range(5):
            draw.ellipse(
                (
                    w * 0.5 + side * (h * 0.2 + k * 14) - 12,
                    y - h * 0.08 - k * 6 - 6,
                    w * 0.5 + side * (h * 0.2 + k * 14) + 12,
                    y - h * 0.08 - k * 6 + 6,
                ),
                fill=(d.GOLD, d.RED, d.BLUE)[k % 3],
            )
    d.tortoise(image, w * 0.5, y, h * 0.22, t)
    for i in range(3):
        d.bird(image, w * (0.2 + 0.3 * i), h * 0.2, h * 0.1, t + i)


def tortoise_falls(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.72)
    d.ground(image, (170, 150, 80), at=0.85)
    d.tortoise(image, w * 0.5, h * 0.86, h * 0.28, t, cracked=True)
    d.person(image, w * 0.82, h * 0.95, h * 0.3, t, "royal", dance=False)


def kente_colours(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste(d.CREAM, (0, 0, w, h))
    for i, palette in enumerate(("gold", "green", "royal")):
        d.kente(
            image, (w * (0.08 + 0.3 * i), h * 0.08, w * (0.3 + 0.3 * i), h * 0.92), palette, t * 0.5
        )


def kente_loom(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste((120, 80, 50), (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    for x in (0.12, 0.88):
        draw.rectangle((w * x - 10, h * 0.05, w * x + 10, h * 0.95), fill=(90, 55, 30))
    draw.rectangle((w * 0.1, h * 0.1, w * 0.9, h * 0.16), fill=(90, 55, 30))
    for i in range(30):
        x = w * (0.35 + 0.3 * i / 29)
        draw.line([(x, h * 0.16), (x, h * 0.5)], fill=d.CREAM, width=1)
    done = 0.5 + 0.3 * ((t * 0.2) % 1)
    d.kente(image, (w * 0.35, h * 0.5, w * 0.65, h * (0.5 + 0.4 * done)), "gold")
    shuttle = w * (0.35 + 0.3 * (0.5 + 0.5 * math.sin(t * 2)))
    draw.ellipse((shuttle - 25, h * 0.48, shuttle + 25, h * 0.53), fill=d.GOLD, outline=d.BLACK)
    d.person(image, w * 0.2, h * 0.98, h * 0.42, t, "green", dance=False)


def kente_sewn(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste(d.CREAM, (0, 0, w, h))
    d.kente(image, (w * 0.1, h * 0.1, w * 0.9, h * 0.9), "royal", t * 0.3)
    draw = ImageDraw.Draw(image)
    needle = h * (0.1 + 0.8 * ((t * 0.3) % 1))
    draw.line([(w * 0.5, needle - 20), (w * 0.5, needle + 20)], fill=(200, 200, 210), width=3)


def adinkra_wall(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste(d.CREAM, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    shown = min(4, 1 + int(t / 2.5))
    for i, name in enumerate(list(d.ADINKRA)[:shown]):
        d.ADINKRA[name](draw, w * (0.14 + 0.24 * i), h * 0.45, h * 0.16)
    d.kente(image, (0, h * 0.82, w, h), "gold")


def _one_symbol(name: str, named: bool = True) -> Scene:
    def scene(image: Image.Image, t: float) -> None:
        w, h = image.size
        image.paste(d.CREAM, (0, 0, w, h))
        draw = ImageDraw.Draw(image)
        grow = min(1.0, 0.7 + t * 0.1)
        d.ADINKRA[name](draw, w * 0.5, h * (0.45 if named else 0.5), h * 0.3 * grow)
        if named:
            d.caption_band(image, name.title())

    return scene


def stamping(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste((235, 225, 200), (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x, y = w * (0.15 + 0.14 * i), h * (0.3 + 0.35 * (i % 2))
        if i < 1 + t:
            d.ADINKRA[list(d.ADINKRA)[i % 4]](draw, x, y, h * 0.08, (110, 50, 20))
    stamp_x = w * (0.15 + 0.14 * (int(t) % 6))
    d.potato_stamp(image, stamp_x, h * 0.5 - abs(math.sin(t * 3)) * 40, h * 0.1)


def fontomfrom(image: Image.Image, t: float) -> None:
    d.gradient(image, (250, 200, 120), (230, 120, 60))
    w, h = image.size
    d.ground(image, (160, 100, 60), at=0.85)
    for i, x in enumerate((0.3, 0.55, 0.78)):
        beat = abs(math.sin(t * 5 + i))
        d.drum(image, w * x, h * 0.88, h * (0.55 - 0.08 * i), beat=beat)
        d.drummer_sticks(image, w * x, h * 0.88, h * (0.55 - 0.08 * i), t + i * 0.3)
    draw = ImageDraw.Draw(image)
    if math.sin(t * 5) > 0.6:
        face = d.font(max(20, h // 9))
        draw.text((w * 0.05, h * 0.12), "BOOM!", fill=d.RED, font=face)


def talking_drums(image: Image.Image, t: float) -> None:
    fontomfrom(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    for i in range(8):
        y = h * 0.25 + math.sin(t * 4 + i) * h * 0.08
        draw.ellipse(
            (w * (0.05 + 0.11 * i) - 6, y - 6, w * (0.05 + 0.11 * i) + 6, y + 6), fill=d.BLUE
        )


def adowa(image: Image.Image, t: float) -> None:
    d.gradient(image, (255, 220, 150), (240, 160, 90))
    w, h = image.size
    d.ground(image, (180, 120, 70), at=0.86)
    d.drum(image, w * 0.12, h * 0.9, h * 0.35, beat=abs(math.sin(t * 4)))
    d.drum(image, w * 0.9, h * 0.9, h * 0.3, (120, 70, 40), beat=abs(math.sin(t * 4 + 1)))
    d.person(image, w * 0.42, h * 0.95, h * 0.5, t, "gold")
    d.person(image, w * 0.65, h * 0.95, h * 0.45, t + 0.8, "royal")


def seed_grows(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.ground(image, (120, 80, 45), at=0.55)
    d.seedling(image, w * 0.5, h * 0.62, h * 0.6, min(1.0, 0.2 + t * 0.15))


def rain_on_seed(image: Image.Image, t: float) -> None:
    d.gradient(image, (120, 130, 150), (180, 190, 200))
    w, h = image.size
    d.ground(image, (110, 75, 45), at=0.6)
    d.seedling(image, w * 0.5, h * 0.66, h * 0.5, 0.5)
    d.rain(image, t)


def cocoa_farm(image: Image.Image, t: float) -> None:
    _day(image, t)
    w, h = image.size
    d.hills(image, base=0.7)
    for x in (0.2, 0.5, 0.8):
        d.tree(image, w * x, h * 0.98, h * 0.5)
    draw = ImageDraw.Draw(image)
    for i, x in enumerate((0.2, 0.5, 0.8)):
        for k in range(3):
            px, py = w * x + (k - 1) * 22, h * (0.62 + 0.03 * k)
            draw.ellipse(
                (px - 10, py - 18, px + 10, py + 18),
                fill=((230, 150, 30), (200, 90, 30), (240, 190, 40))[(i + k) % 3],
                outline=d.EARTH,
            )


def cocoa_beans(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste((240, 225, 190), (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    draw.rectangle((w * 0.1, h * 0.55, w * 0.9, h * 0.62), fill=(120, 80, 40))
    for i in range(40):
        x, y = w * (0.13 + 0.74 * (i % 10) / 9), h * (0.5 - 0.06 * (i // 10))
        draw.ellipse((x - 12, y - 8, x + 12, y + 8), fill=(110 + (i % 3) * 15, 60, 30))
    sun_x = w * 0.85
    d.sun(image, sun_x, h * 0.18, h * 0.07, t)


def chocolate(image: Image.Image, t: float) -> None:
    w, h = image.size
    image.paste(d.CREAM, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    for row in range(3):
        for col in range(4):
            x, y = w * (0.3 + 0.1 * col), h * (0.3 + 0.13 * row)
            draw.rectangle(
                (x, y, x + w * 0.09, y + h * 0.11),
                fill=(100, 55, 30),
                outline=(70, 35, 15),
                width=3,
            )
    d.person(image, w * 0.15, h * 0.95, h * 0.45, t, "green", dance=False)


# --- still pictures ------------------------------------------------------------------------


def _plain(colour: tuple[int, int, int]) -> Scene:
    def background(image: Image.Image) -> None:
        image.paste(colour, (0, 0, image.width, image.height))

    def scene(image: Image.Image, t: float) -> None:
        background(image)

    return scene


def ice_in_glass(image: Image.Image, t: float) -> None:
    _plain((225, 240, 250))(image, t)
    d.ice_glass(image, image.width * 0.5, image.height * 0.85, image.height * 0.8)


def a_stone(image: Image.Image, t: float) -> None:
    _plain((235, 230, 215))(image, t)
    d.ground(image, (200, 170, 120), at=0.75)
    d.stone(image, image.width * 0.5, image.height * 0.8, image.height * 0.7)


def one_drum(image: Image.Image, t: float) -> None:
    _plain((250, 225, 180))(image, t)
    d.drum(image, image.width * 0.5, image.height * 0.92, image.height * 0.75)


def one_tortoise(image: Image.Image, t: float) -> None:
    _plain((225, 240, 210))(image, t)
    d.tortoise(image, image.width * 0.45, image.height * 0.72, image.height * 0.6)


def one_bird(image: Image.Image, t: float) -> None:
    d.gradient(image, d.SKY_TOP, (230, 240, 250))
    d.bird(image, image.width * 0.5, image.height * 0.5, image.height * 0.7, 0.2)


def one_seedling(image: Image.Image, t: float) -> None:
    _plain((225, 240, 250))(image, t)
    d.ground(image, (120, 80, 45), at=0.6)
    d.seedling(image, image.width * 0.5, image.height * 0.65, image.height * 0.6)


def kente_swatch(palette: str) -> Scene:
    def scene(image: Image.Image, t: float) -> None:
        d.kente(image, (0, 0, image.width, image.height), palette)

    return scene


def weave_cut(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((w * 0.15, h * 0.15, w * 0.6, h * 0.85), fill=d.GREEN, outline=d.BLACK, width=3)
    for i in range(1, 8):
        x = w * (0.15 + 0.45 * i / 8)
        draw.line([(x, h * 0.25), (x, h * 0.85)], fill=d.BLACK, width=2)
    d.scissors(image, w * 0.78, h * 0.5, h * 0.3)


def weave_strips(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate((d.GOLD, d.RED, d.BLACK, d.GOLD, d.RED, d.BLUE)):
        y = h * (0.15 + 0.12 * i)
        draw.rectangle((w * 0.1, y, w * 0.9, y + h * 0.08), fill=colour, outline=d.BLACK)


def weave_under(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    d.paper_weave(
        image,
        (image.width * 0.15, image.height * 0.12, image.width * 0.85, image.height * 0.88),
        0.5,
    )


def weave_done(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    d.paper_weave(
        image,
        (image.width * 0.15, image.height * 0.12, image.width * 0.85, image.height * 0.88),
        1.0,
    )


def stamp_cut(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (w * 0.15, h * 0.3, w * 0.48, h * 0.7),
        fill=(225, 200, 130),
        outline=(160, 120, 60),
        width=4,
    )
    draw.ellipse(
        (w * 0.52, h * 0.3, w * 0.85, h * 0.7),
        fill=(225, 200, 130),
        outline=(160, 120, 60),
        width=4,
    )
    draw.line([(w * 0.5, h * 0.1), (w * 0.5, h * 0.9)], fill=(140, 140, 150), width=6)


def stamp_draw(image: Image.Image, t: float) -> None:
    _plain((245, 240, 225))(image, t)
    w, h = image.size
    d.potato_stamp(image, w * 0.5, h * 0.5, h * 0.8, "sankofa")


def stamp_carve(image: Image.Image, t: float) -> None:
    stamp_draw(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.line([(w * 0.78, h * 0.15), (w * 0.62, h * 0.42)], fill=(140, 140, 150), width=8)
    draw.line([(w * 0.78, h * 0.15), (w * 0.9, h * 0.02)], fill=(90, 50, 20), width=12)


def stamp_print(image: Image.Image, t: float) -> None:
    stamping(image, 5.0)


def drum_tin(image: Image.Image, t: float) -> None:
    _plain((235, 240, 245))(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (w * 0.35, h * 0.35, w * 0.65, h * 0.85),
        fill=(180, 180, 190),
        outline=(110, 110, 120),
        width=4,
    )
    draw.ellipse(
        (w * 0.35, h * 0.3, w * 0.65, h * 0.4),
        fill=(200, 200, 210),
        outline=(110, 110, 120),
        width=4,
    )
    draw.ellipse((w * 0.72, h * 0.2, w * 0.9, h * 0.45), fill=d.RED)
    draw.line([(w * 0.81, h * 0.45), (w * 0.81, h * 0.52)], fill=d.RED, width=5)


def drum_stretch(image: Image.Image, t: float) -> None:
    drum_tin(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.ellipse((w * 0.34, h * 0.29, w * 0.66, h * 0.41), fill=d.RED)
    draw.line([(w * 0.34, h * 0.4), (w * 0.66, h * 0.4)], fill=d.GOLD, width=6)


def drum_tap(image: Image.Image, t: float) -> None:
    drum_stretch(image, t)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.line([(w * 0.2, h * 0.12), (w * 0.45, h * 0.3)], fill=(90, 50, 20), width=8)
    for r in (30, 50, 70):
        draw.arc(
            (w * 0.5 - r, h * 0.33 - r, w * 0.5 + r, h * 0.33 + r), 200, 340, fill=d.BLUE, width=3
        )


def _titled(scene: Scene, title: str) -> Scene:
    def titled(image: Image.Image, t: float) -> None:
        scene(image, t)
        d.caption_band(image, title)

    return titled


SCENES: dict[str, Scene] = {
    "anansi-web": anansi_web,
    "sky-god": sky_god,
    "village-day": village_day,
    "village-night": village_night,
    "anansi-pot": anansi_pot,
    "pot-breaks": pot_breaks,
    "wisdom-spreads": wisdom_spreads,
    "tortoise-birds": tortoise_birds,
    "tortoise-flies": tortoise_flies,
    "tortoise-falls": tortoise_falls,
    "kente-colours": kente_colours,
    "kente-loom": kente_loom,
    "kente-sewn": kente_sewn,
    "adinkra-wall": adinkra_wall,
    "adinkrahene": _one_symbol("adinkrahene"),
    "sankofa": _one_symbol("sankofa"),
    "dwennimmen": _one_symbol("dwennimmen"),
    "nsoromma": _one_symbol("nsoromma"),
    "sankofa-symbol": _one_symbol("sankofa", named=False),
    "adinkrahene-symbol": _one_symbol("adinkrahene", named=False),
    "stamping": stamping,
    "fontomfrom": fontomfrom,
    "talking-drums": talking_drums,
    "adowa": adowa,
    "seed-grows": seed_grows,
    "rain-on-seed": rain_on_seed,
    "cocoa-farm": cocoa_farm,
    "cocoa-beans": cocoa_beans,
    "chocolate": chocolate,
    "ice-in-glass": ice_in_glass,
    "stone": a_stone,
    "drum": one_drum,
    "tortoise": one_tortoise,
    "bird": one_bird,
    "seedling": one_seedling,
    "gold-kente": kente_swatch("gold"),
    "green-kente": kente_swatch("green"),
    "royal-kente": kente_swatch("royal"),
    "weave-cut": weave_cut,
    "weave-strips": weave_strips,
    "weave-under": weave_under,
    "weave-done": weave_done,
    "stamp-cut": stamp_cut,
    "stamp-draw": stamp_draw,
    "stamp-carve": stamp_carve,
    "stamp-print": stamp_print,
    "drum-tin": drum_tin,
    "drum-stretch": drum_stretch,
    "drum-tap": drum_tap,
}


def picture(name: str, size: tuple[int, int], title: str = "") -> Image.Image:
    image = Image.new("RGB", size, d.WHITE)
    scene = _titled(SCENES[name], title) if title else SCENES[name]
    scene(image, 0.0)
    return image
