"""The colours pytui derives for each Textual theme (app/contrast.py) are readable: borders at
least 3:1 and status text at least 4.5:1 (WCAG) against the backgrounds they are drawn on,
computed from the theme's own resolved CSS variables."""

from __future__ import annotations

import pytest
from pytui.app.contrast import (
    BORDER_MIN,
    TEXT_MIN,
    contrast,
    derived_colors,
    parse_hex,
    reach,
)
from textual.app import App
from textual.theme import BUILTIN_THEMES

HEX_THEMES = [name for name in BUILTIN_THEMES if not name.startswith("ansi")]


def _rgb(text: str) -> tuple[int, int, int]:
    parsed = parse_hex(text)
    assert parsed is not None, text
    return parsed[0]


def _theme_variables(theme: str) -> dict[str, str]:
    app = App()
    app.theme = theme
    return app.get_css_variables()


def test_contrast_ratio_matches_wcag_examples() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast((30, 30, 30), (30, 30, 30)) == pytest.approx(1.0)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_the_reported_low_contrasts_were_real(theme: str) -> None:
    """What a trial user saw: Textual's own panel border and error colour are too faint."""
    variables = _theme_variables(theme)
    surface = _rgb(variables["surface"])
    if theme == "textual-light":
        assert contrast(_rgb(variables["panel-lighten-2"]), surface) < 1.5
    else:
        assert contrast(_rgb(variables["error"]), surface) < 4.5


@pytest.mark.parametrize("theme", HEX_THEMES)
def test_derived_colors_are_readable(theme: str) -> None:
    variables = _theme_variables(theme)
    derived = derived_colors(variables)
    surface, background = _rgb(variables["surface"]), _rgb(variables["background"])
    panel = _rgb(variables["panel"])
    for name in ("pane-border", "pane-focus"):
        for ground in (surface, background):
            assert contrast(_rgb(derived[name]), ground) >= BORDER_MIN, (name, derived[name])
    # The focused title is drawn on the focus colour.
    assert contrast(_rgb(derived["pane-focus-text"]), _rgb(derived["pane-focus"])) >= TEXT_MIN
    for name in ("status-ok", "status-busy", "status-wait", "status-bad"):
        for ground in (surface, panel, background):
            assert contrast(_rgb(derived[name]), ground) >= TEXT_MIN, (name, derived[name])
    footer = _rgb(variables["footer-background"])
    assert contrast(_rgb(derived["footer-key"]), footer) >= TEXT_MIN


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_focus_colour_stands_out_from_the_unfocused_border(theme: str) -> None:
    """Beyond the hue: the focused border is also far lighter (dark) or darker (light)."""
    derived = derived_colors(_theme_variables(theme))
    assert contrast(_rgb(derived["pane-focus"]), _rgb(derived["pane-border"])) >= 2.0


def test_ansi_themes_keep_their_own_colours() -> None:
    derived = derived_colors(_theme_variables("ansi-dark"))
    assert all(not value.startswith("#") for value in derived.values()), derived


def test_reach_moves_a_colour_until_it_reads() -> None:
    light_grey = (216, 216, 216)
    orange = (254, 166, 43)
    moved = reach(orange, [light_grey], TEXT_MIN)
    assert contrast(moved, light_grey) >= TEXT_MIN
    already = reach((0, 0, 0), [light_grey], TEXT_MIN)
    assert already == (0, 0, 0)
