"""`pytui upgrade` whose target another process installed while upgrade downloaded it says so,
as `pytui install` does ("Python 3.11.9 is already installed (…)"), not "Installed Python 3.11.9
… + cpython-3.11.9-…" for a job that found the key there and did nothing (it printed every
outcome, "already" included)."""

from __future__ import annotations

import threading

from cli_harness import FOREVER, Pytui, finish, key_of, wait_for
from fixtures_archives import write_uv_catalog


def test_upgrade_says_already_installed_for_what_another_process_installed_meanwhile(pytui: Pytui) -> None:
    pytui.add("3.11.8")
    pytui.call("install", "3.11")
    release = threading.Event()
    made = pytui.add("3.11.9", faults={"stall_at": 100, "stall_seconds": FOREVER, "stall_release": release})
    upgrade = pytui.popen("upgrade")
    try:
        wait_for(lambda: pytui.requests(made) >= 1, "upgrade's download of 3.11.9", upgrade)
        # Another pytui installs the same build meanwhile, from the same archive at another URL.
        other = made.serve(pytui.server, path="/elsewhere/" + made.path.name)
        catalog = write_uv_catalog(pytui.tmp / "elsewhere.json", [other.build])
        beside = pytui.run("install", "--no-cache", "3.11.9", UV_PYTHON_DOWNLOADS_JSON_URL=str(catalog))
        assert beside.returncode == 0, str(beside)
    finally:
        release.set()  # upgrade's stalled answer ends; its retry gets the whole archive
    done = finish(upgrade)
    assert done.returncode == 0, str(done)
    assert f"Python 3.11.9 is already installed ({key_of('3.11.9')})" in done.stderr, str(done)
    assert f"+ {key_of('3.11.9')}" not in done.stderr and "Installed" not in done.stderr, str(done)
