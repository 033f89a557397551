#!/usr/bin/env python3
"""Draw bundle/icon.png (512 x 512, the size Claude Desktop recommends): a looping arrow (looking back) around three rising bars.

Pure standard library (zlib + struct), drawn on a 256-unit grid with 3 x 3 supersampling; rerun to regenerate the icon:
    python3 bundle/make_icon.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

SIZE = 256  # the drawing's own units
PIXELS = 512
SCALE = PIXELS / SIZE
SAMPLES = 3
BACKGROUND = (15, 118, 110)  # teal
FOREGROUND = (255, 255, 255)
ACCENT = (253, 224, 71)  # yellow bars
CENTER = SIZE / 2


def inside_rounded_square(x: float, y: float, margin: float = 8, radius: float = 48) -> bool:
    lo, hi = margin + radius, SIZE - margin - radius
    dx = max(lo - x, 0.0, x - hi)
    dy = max(lo - y, 0.0, y - hi)
    return margin <= x <= SIZE - margin and margin <= y <= SIZE - margin and dx * dx + dy * dy <= radius * radius


def on_ring(x: float, y: float) -> bool:
    """The arrow's body: a ring from 40 degrees round to 340 degrees (a gap at the top right)."""
    dx, dy = x - CENTER, CENTER - y
    distance = math.hypot(dx, dy)
    angle = math.degrees(math.atan2(dy, dx)) % 360
    return 72 <= distance <= 92 and not (20 <= angle <= 60)


def in_arrowhead(x: float, y: float) -> bool:
    """A triangle at the ring's end (20 degrees), pointing clockwise: the review loops back."""
    tip_angle = math.radians(58)
    base_angle = math.radians(20)
    tip = (CENTER + 82 * math.cos(tip_angle), CENTER - 82 * math.sin(tip_angle))
    outer = (CENTER + 110 * math.cos(base_angle), CENTER - 110 * math.sin(base_angle))
    inner = (CENTER + 54 * math.cos(base_angle), CENTER - 54 * math.sin(base_angle))
    return _in_triangle((x, y), tip, outer, inner)


Point = tuple[float, float]


def _in_triangle(p: Point, a: Point, b: Point, c: Point) -> bool:
    def side(p1: Point, p2: Point, p3: Point) -> float:
        return (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])

    d1, d2, d3 = side(p, a, b), side(p, b, c), side(p, c, a)
    negative = d1 < 0 or d2 < 0 or d3 < 0
    positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (negative and positive)


def in_bars(x: float, y: float) -> bool:
    """Three rising bars inside the ring: the figures the server computes."""
    base = CENTER + 34
    for left, height in ((CENTER - 38, 28), (CENTER - 12, 46), (CENTER + 14, 66)):
        if left <= x <= left + 20 and base - height <= y <= base:
            return True
    return False


def pixel(px: int, py: int) -> tuple[int, int, int, int]:
    totals = [0.0, 0.0, 0.0, 0.0]
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / SCALE
            y = (py + (sy + 0.5) / SAMPLES) / SCALE
            if not inside_rounded_square(x, y):
                continue
            if in_bars(x, y):
                colour = ACCENT
            elif on_ring(x, y) or in_arrowhead(x, y):
                colour = FOREGROUND
            else:
                colour = BACKGROUND
            for i in range(3):
                totals[i] += colour[i]
            totals[3] += 255
    n = SAMPLES * SAMPLES
    alpha = totals[3] / n
    if alpha == 0:
        return (0, 0, 0, 0)
    covered = totals[3] / 255
    return (round(totals[0] / covered), round(totals[1] / covered), round(totals[2] / covered), round(alpha))


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    rows = [b"".join(bytes(pixel(x, y)) for x in range(PIXELS)) for y in range(PIXELS)]
    target = Path(__file__).with_name("icon.png")
    target.write_bytes(png(PIXELS, PIXELS, rows))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
