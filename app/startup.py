"""What keeps the first screen quick (bench/ui.py measures it beside a bare Textual app).

- `breakpoint_classes`: the screen's size classes, set at compose so Textual's first resize
  event finds them there instead of restyling and redrawing the whole screen once more (and
  on each resize before the layout: `SizeClassesFirst`).
- `lazy_module`: modules that only a key needs (the decisions behind keys, the dialogs, the
  environments screen) are executed on first use, not before the first frame; the app loads
  them right after it (`load_deferred`), so the first key press does not pay for them either.
- `MainScreen`: the default screen, which skips Textual's restyle of every widget when it is
  first shown (each was styled when mounted, a moment before).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, cast

from textual import events
from textual.geometry import Size
from textual.screen import Screen

if TYPE_CHECKING:
    from pytui.app.toast_shelf import ToastShelf
    from textual.app import App

# The modules made lazy with `lazy_module` (loaded by `load_deferred`).
_DEFERRED: list[ModuleType] = []


def breakpoint_classes(app: App, screen: Screen | None = None,
                       size: Size | None = None) -> dict[str, bool]:
    """The screen's breakpoint classes (`-wide`, `-short`, …) for `size` (the app's), as
    `update_classes` takes them, chosen by the rule Textual's Screen applies on a resize: per
    direction, the largest breakpoint not above the width or height; a screen's own
    breakpoints replace the app's, as in Textual."""
    width, height = size if size is not None else app.size
    horizontal = app.HORIZONTAL_BREAKPOINTS
    vertical = app.VERTICAL_BREAKPOINTS
    if screen is not None:
        horizontal = horizontal if screen.HORIZONTAL_BREAKPOINTS is None else screen.HORIZONTAL_BREAKPOINTS
        vertical = vertical if screen.VERTICAL_BREAKPOINTS is None else screen.VERTICAL_BREAKPOINTS
    classes: dict[str, bool] = {}
    for dimension, breakpoints in ((width, horizontal), (height, vertical)):
        fitting = [(edge, name) for edge, name in breakpoints or () if dimension >= edge]
        chosen = max(fitting)[1] if fitting else None
        classes.update((name, name == chosen) for _, name in breakpoints or ())
    return classes


def lazy_module(name: str) -> ModuleType:
    """The module `name`, executed on its first attribute access (importlib's LazyLoader);
    an already imported module is returned as it is."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    _DEFERRED.append(module)
    return module


def screens_above_main(app: App) -> list[Screen]:
    """The screens open above the main one (dialogs, the environments screen). A look for
    one of a lazy module's classes goes through this: the main screen is never one of
    them, so while nothing is open (the first listing, a scan ending before the first
    frame) no lazy module is executed by an `isinstance`."""
    return app.screen_stack[1:]


def load_deferred() -> None:
    """Execute the lazy modules now (on the app's thread, after the first frame): the first
    key that needs one is then as quick as before, and no worker thread ever runs a module's
    first execution (LazyLoader is not thread-safe before Python 3.12)."""
    for module in _DEFERRED:
        getattr(module, "__name__", None)  # any attribute access executes it
    _DEFERRED.clear()


class SizeClassesFirst:
    """A screen whose size classes (`-short`, `-tiny`, …) follow a resize before it is laid
    out. Textual's Screen lays itself out at the new size and draws that frame first (its
    `_on_resize`), and only then sets the classes for the size: the first frame after a resize
    had the old size's rules (Details 7 rows high at 80x24, its `-short` height 4; 4 rows at
    200x50), the next one correcting it. Textual calls this class's handler before Screen's
    (each class's in the MRO), and `update_classes` restyles at once; Screen's then finds the
    classes set. Put before Screen among the bases."""

    def on_resize(self, event: events.Resize) -> None:
        screen = cast(Screen, self)
        screen.update_classes(breakpoint_classes(screen.app, screen, event.size), animate=False)


class MainScreen(SizeClassesFirst, Screen):
    """The app's default screen (the panes). Textual restyles a screen and every widget on it
    each time the screen is shown (`ScreenResume`), in case styles changed while it was
    hidden; the first time, nothing could have: each widget was styled as it was mounted,
    after the breakpoint classes were set (`breakpoint_classes`), and the focus styles follow
    the focus on their own. Later resumes (a dialog closed, a theme changed) restyle as usual."""

    _shown_once = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual calls Screen's own handler after this one (every class's in the MRO).
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False
            return
        # Back from Environments or History: a toast raised there was worded for their rack
        # (on the footer); here the rack is above the Jobs panel, and a tall one lost its
        # title above the top edge.
        cast("ToastShelf", self.app).reword_toasts()
