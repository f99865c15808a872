"""Draw the web app's icons (static/img/icons/icon-192.png, icon-512.png) with Pillow: the favicon's
white shield with a tick on the programme's green, inside the safe zone so "maskable" crops keep it.

Run: .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (25, 135, 84)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "img" / "icons"
SCALE = 4  # drawn large, then shrunk: smooth edges without an anti-aliasing library


def icon(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGB", (big, big), GREEN)
    draw = ImageDraw.Draw(image)
    unit = big / 16  # the favicon's 16-unit grid, shield scaled to the central 60 %
    offset = big * 0.2

    def point(x: float, y: float) -> tuple[float, float]:
        return (offset + x * unit * 0.6, offset + y * unit * 0.6)

    shield = [point(8, 1.2), point(2.2, 3.2), point(2.2, 8), point(4, 12.2), point(8, 14.8), point(12, 12.2)]
    shield += [point(13.8, 8), point(13.8, 3.2)]
    draw.polygon(shield, fill=WHITE)
    tick = [point(5, 8.2), point(7.2, 10.4), point(11.2, 6.2)]
    draw.line(tick, fill=GREEN, width=round(1.3 * unit * 0.6), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
