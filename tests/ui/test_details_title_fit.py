"""Details' first line at 120 columns keeps the panes a build is in: a pre-release installed
from the cache said `… · 1.7 MiB · in Available, Cached…`, its `Installed` cut, while the
flavor (which the url and archive lines say again) stayed whole."""

from __future__ import annotations

import io

from fixtures_archives import make_build
from pytui.app.view_model import ViewModel
from pytui.widgets.details import render_details
from rich.console import Console
from view_state import a_cached_archive, a_state, an_installation

# The Details panel's inner width at 120 columns (its border and padding take 4).
INNER_AT_120 = 116


def _first_line(details, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(render_details(details))
    return captured.get().splitlines()[0]


def test_the_first_line_keeps_every_pane_and_lets_the_flavor_go_first(tmp_path) -> None:
    build = make_build(version="3.15.0rc1", build_date="20260814",
                       flavor="install_only_stripped", sha256="aa" * 32)
    state = a_state(tmp_path, build)
    state.installations.append(an_installation(tmp_path / "root", build))
    a_cached_archive(state, build, size=1_782_579)
    details = ViewModel().details(state, "installed", build.key)
    line = _first_line(details, INNER_AT_120)
    assert line.startswith(build.key), line
    assert "in Available, Cached, Installed" in line, line
    # Wide enough, the flavor is there too (the whole note, in its order).
    wide = _first_line(details, 200)
    assert wide.rstrip().endswith("in Available, Cached, Installed · install_only_stripped"), wide
