"""Readable colours for any theme (no Textual): WCAG contrast ratios, and the app's own CSS
variables derived from a theme's variables so that pane borders reach 3:1 and status text
4.5:1 against the backgrounds they are drawn on.

The app adds `derived_colors(variables)` to Textual's variables (`PytuiApp.get_css_variables`),
so every theme, dark or light, gets them recomputed when it is switched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# WCAG 2.x: 3:1 for graphical objects (borders), 4.5:1 for normal text.
BORDER_MIN = 3.0
TEXT_MIN = 4.5
# A little above the minimum, so rounding in the terminal never drops below it.
MARGIN = 0.2
# Steps when moving a colour towards the foreground (bounded loop).
STEPS = 40

RGB = tuple[int, int, int]
_HEX = re.compile(r"^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")


def parse_hex(text: str) -> tuple[RGB, float] | None:
    """`#RRGGBB` or `#RRGGBBAA` -> (rgb, alpha); None for anything else (`auto 87%`,
    `ansi_red`)."""
    match = _HEX.match(text.strip())
    if match is None:
        return None
    value = match.group(1)
    rgb = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    alpha = int(match.group(2), 16) / 255 if match.group(2) else 1.0
    return rgb, alpha


def to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def blend(under: RGB, over: RGB, amount: float) -> RGB:
    """`over` laid on `under` at `amount` opacity (0..1)."""
    return (round(under[0] + (over[0] - under[0]) * amount),
            round(under[1] + (over[1] - under[1]) * amount),
            round(under[2] + (over[2] - under[2]) * amount))


def luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio, 1.0 to 21.0."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def worst_contrast(color: RGB, backgrounds: Iterable[RGB]) -> float:
    return min((contrast(color, bg) for bg in backgrounds), default=21.0)


def reach(color: RGB, backgrounds: list[RGB], minimum: float) -> RGB:
    """`color`, moved step by step towards black or white (whichever the backgrounds are
    furthest from) until it has `minimum` contrast with every background."""
    target = minimum + MARGIN
    if worst_contrast(color, backgrounds) >= target:
        return color
    dark_backgrounds = sum(luminance(bg) for bg in backgrounds) / len(backgrounds) < 0.18
    pole: RGB = (255, 255, 255) if dark_backgrounds else (0, 0, 0)
    moved = color
    for step in range(1, STEPS + 1):
        moved = blend(color, pole, step / STEPS)
        if worst_contrast(moved, backgrounds) >= target:
            break
    return moved


def _color(variables: Mapping[str, str], name: str) -> RGB | None:
    parsed = parse_hex(variables.get(name, ""))
    if parsed is None:
        return None
    rgb, alpha = parsed
    if alpha < 1.0:
        base = parse_hex(variables.get("surface", "")) or ((0, 0, 0), 1.0)
        rgb = blend(base[0], rgb, alpha)
    return rgb


def derived_colors(variables: Mapping[str, str]) -> dict[str, str]:
    """pytui's colour variables for one theme's Textual variables:

    - `pane-border`: unfocused pane borders, the foreground faded as far as 3:1 allows;
    - `pane-focus`: the focused pane's border and title background (accent, else primary,
      whichever reaches 3:1; moved until one does), `pane-focus-text` the title on it;
    - `status-ok`, `status-busy`, `status-wait`, `status-bad`: job phases, notes and errors,
      each at least 4.5:1 on the surface and the panel; `status-ok-text` and `status-wait-text`
      black or white, whichever reads better on them (at least 4.5:1: the header's ONLINE
      and OFFLINE badges).

    A theme whose colours are not plain hex (the ANSI themes) gets Textual's own colours.
    """
    surface = _color(variables, "surface")
    background = _color(variables, "background")
    panel = _color(variables, "panel")
    foreground = _color(variables, "foreground")
    if surface is None or background is None or panel is None or foreground is None:
        return _fallback(variables)
    grounds = [surface, background]
    out: dict[str, str] = {}
    border = surface
    for step in range(1, STEPS + 1):
        border = blend(surface, foreground, step / STEPS)
        if worst_contrast(border, grounds) >= BORDER_MIN + MARGIN:
            break
    out["pane-border"] = to_hex(border)
    candidates = [c for c in (_color(variables, "accent"), _color(variables, "primary"))
                  if c is not None]
    focus = next((c for c in candidates if worst_contrast(c, grounds) >= BORDER_MIN + MARGIN),
                 None)
    if focus is None:
        focus = reach(candidates[0] if candidates else foreground, grounds, BORDER_MIN)
    out["pane-focus"] = to_hex(focus)
    black, white = (0, 0, 0), (255, 255, 255)
    out["pane-focus-text"] = to_hex(black if contrast(focus, black) >= contrast(focus, white)
                                    else white)
    text_grounds = [surface, panel, background]
    for name, source in (("status-ok", "success"), ("status-busy", "primary"),
                         ("status-wait", "warning"), ("status-bad", "error")):
        color = _color(variables, f"text-{source}") or _color(variables, source) or foreground
        out[name] = to_hex(reach(color, text_grounds, TEXT_MIN))
        if name in ("status-ok", "status-wait"):
            # Any colour reads at 4.58:1 or more with black or white on it.
            shade = reach(color, text_grounds, TEXT_MIN)
            out[f"{name}-text"] = to_hex(black if contrast(shade, black) >= contrast(shade, white) else white)
    key = _color(variables, "footer-key-foreground") or foreground
    footer = _color(variables, "footer-background") or panel
    out["footer-key"] = to_hex(reach(key, [footer], TEXT_MIN))
    return out


def _fallback(variables: Mapping[str, str]) -> dict[str, str]:
    """The theme's own values (ANSI themes leave contrast to the terminal's palette)."""
    def raw(name: str, default: str) -> str:
        return variables.get(name, default)

    return {"pane-border": raw("foreground", "ansi_default"),
            "pane-focus": raw("accent", "ansi_yellow"),
            "pane-focus-text": raw("background", "ansi_default"),
            "status-ok": raw("success", "ansi_green"), "status-busy": raw("primary", "ansi_blue"),
            "status-wait": raw("warning", "ansi_yellow"), "status-bad": raw("error", "ansi_red"),
            "status-ok-text": "ansi_black", "status-wait-text": "ansi_black",
            "footer-key": raw("footer-key-foreground", "ansi_yellow")}
