"""The one factory for the TUI (`make_app`) and the `pytui` (no subcommand) entry point."""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pytui.app import disk_watch
from pytui.core.catalog import Catalog
from pytui.core.gc_pause import gc_paused
from pytui.core.platform_detect import HostPlatform
from pytui.core.settings import Settings

if TYPE_CHECKING:
    import argparse

    from pytui.app.gateway import CoreGateway


def make_app(
    settings: Settings,
    *,
    catalog: Catalog | None = None,
    host: HostPlatform | None = None,
    refresh: bool | None = None,
    show_eta: bool = True,
    clock: Callable[[], float] = time.time,
    home: Path | None = None,
    preload: bool = True,
    gateway: CoreGateway | None = None,
):  # -> PytuiApp (imported lazily so `pytui list` never imports textual)
    """Build the app. Used by `run_tui`, every UI test, the snapshots and the screenshots.

    - `catalog`: show this catalog instead of loading one from disk (tests, screenshots);
      None loads it in a thread at start (embedded default, kept copy, or --downloads-json).
    - `host`: the platform the Available pane shows by default (detected when None).
    - `refresh`: refresh the catalog in the background at start; None means "unless offline
      or a catalog was given". Tests pass False so nothing leaves the machine.
    - `show_eta`: tests and snapshots pass False (the ETA depends on the wall clock).
    - `clock`: seconds since the epoch, for the catalog's age in the header.
    - `home`: the directory shown as `~` in paths (default: the user's home).
    - `preload`: read the catalog (when it is on disk) and list the cache and install root
      before the first frame, so the first screen already shows them; a remote
      `--downloads-json` is always fetched in a worker instead.
    - `gateway`: the calls into core/ (tests pass a subclass that holds a call).

    The theme kept between runs is read here from the config file (app/config.py).
    """
    # No cyclic GC passes while the app is built (imports, the catalog, the listings: many
    # objects, no garbage cycles).
    with gc_paused():
        from pytui.app.config import read_config
        from pytui.app.gateway import CoreGateway, catalog_is_local, listed_installations
        from pytui.app.pytui_app import PytuiApp
        from pytui.app.terminal_text import guard_terminal_text
        from pytui.core.errors import PytuiError

        guard_terminal_text()  # before any text is made: nothing drawn may steer the terminal

        if host is None:
            from pytui.core.platform_detect import detect_host

            host = detect_host(settings.env)
        if refresh is None:
            refresh = catalog is None and not settings.offline
        if home is None:
            from pytui.core.paths import home_dir

            home = Path(settings.env.get("HOME") or home_dir())
        gateway = gateway or CoreGateway()
        catalog_error = None
        disk = None
        disk_stamp = None
        if preload:
            if catalog is None and catalog_is_local(settings):
                try:
                    # Builds read from the parsed-catalog cache stay columns: the first screen
                    # makes the few it shows, the app makes the rest after the first frame.
                    catalog = gateway.load_catalog(settings, lazy=True)
                except PytuiError as err:
                    catalog_error = str(err)
            if catalog is not None:
                # Two directory listings: cheap, and the panes are right in the first frame. An
                # unusable cache dir is shown (scan_cache says why); if the install root cannot be
                # listed, the app starts anyway and its own scan says what is wrong.
                try:
                    disk_stamp = disk_watch.disk_stamp(settings)
                    archives, cache_problem = gateway.scan_cache(settings, catalog)
                    installations, root_problem = listed_installations(gateway, settings)
                    # Another process's download is `downloading` from the first frame.
                    live = gateway.held_parts(archives)
                    disk = (archives, installations, cache_problem, root_problem, live)
                except (PytuiError, OSError):
                    disk = None
        # The catalog (thousands of builds) lives as long as the app: out of the garbage
        # collector's view before the first frame, whose many allocations would otherwise have
        # full collections walk it again and again (pytui_app freezes again after that frame).
        gc.freeze()
        return PytuiApp(settings, catalog=catalog, host=host, refresh=refresh, show_eta=show_eta,
                        clock=clock, home=home, disk=disk, disk_stamp=disk_stamp,
                        catalog_error=catalog_error,
                        gateway=gateway, config=read_config(settings.env))


def run_tui(args: argparse.Namespace) -> int:
    """`pytui` with no subcommand: run the TUI until the user quits."""
    app = make_app(args.settings)
    result = app.run()
    if app.quit_note:  # what quitting cancelled, said where the user is now
        from pytui.app.safe_text import shown

        # Escaped: the keys come from a catalog. A terminal that hung up (SIGHUP) is gone.
        with contextlib.suppress(OSError):
            print(shown(app.quit_note), file=sys.stderr)
    return int(result or 0) if app.return_code is None else int(app.return_code)
