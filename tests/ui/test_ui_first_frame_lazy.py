"""The modules made lazy for the first screen (app/startup.lazy_module: the dialogs, the
decisions behind keys, the environments screen) stay unexecuted until the app loads them
itself after the first frame. A look at one of them while the first listing is derived (an
`isinstance` against a dialog class that cannot be open yet) executed three of them before
the first frame.

In a fresh interpreter: the lazy modules are process-wide, and another test in this worker may
have executed them already. The app's own loading after the first frame is switched off, so
the check waits on the app's state (rows listed, a frame drawn), not on a timer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# A child that starts the app headless (its loading after the first frame off), waits for the
# first listing and a frame drawn after it, then says what REPORT says (argv: the home, then
# the catalog file when SETTINGS names it). test_ui_first_frame_imports.py uses it too.
TEMPLATE = r"""
import asyncio, sys
from pathlib import Path
from pytui.app import pytui_app, startup
from pytui.app.tui import make_app
from pytui.core.settings import Settings

pytui_app.load_deferred = lambda: None  # the app's loading after the first frame: off
home = Path(sys.argv[1])
settings = Settings.resolve(install_dir=home / "root", cache_dir=home / "cache",SETTINGS
                            env={"HOME": str(home), "XDG_STATE_HOME": str(home / "state")})

async def main():
    app = make_app(settings, refresh=False, show_eta=False)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one("#available")
        while not (table.row_count and app.state.disk_listed):
            await pilot.pause()
        await pilot.pause()  # a frame drawn after the listing
        REPORT

asyncio.run(main())
"""


def child(report: str, settings: str = "") -> str:
    return TEMPLATE.replace("SETTINGS", settings).replace("REPORT", report)


CHILD = child('executed = [m.__spec__.name for m in startup._DEFERRED if type(m).__name__ != "_LazyModule"]\n'
              '        print("DEFERRED", len(startup._DEFERRED), "EXECUTED", *executed, flush=True)')


def test_first_listing_executes_no_lazy_module(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("DEFERRED"))
    words = line.split()
    assert int(words[1]) >= 5, line  # the lazy modules were made (the check is not empty)
    assert words[3:] == [], f"executed before the first frame's work was done: {words[3:]}"
