"""A job's details (Jobs panel focused, or a failed build's row) write paths under the home
from `~`, as the panes, toasts and History do: a cancelled install's outcome named its
`.part` as `/home/…/.cache/uv/python/…` in Details alone (no Pilot)."""

from __future__ import annotations

import os
from pathlib import Path

from pytui.app.job_record import Job
from pytui.app.job_view import job_details
from pytui.app.state import AppState
from pytui.core.settings import Settings
from ui_helpers import HOST


def test_a_jobs_outcome_names_paths_from_the_home() -> None:
    home = Path(os.environ["HOME"])
    part = home / "cache" / "31c6ad93c-cpython-3.12.8-20250115-x86_64-unknown-linux-gnu.tar.gz.part"
    state = AppState(Settings.resolve(), HOST, home)
    job = Job(2, "install", "cpython-3.12.8-linux-x86_64-gnu", phase="cancelled",
              note=f"waiting for the lock on {home / 'root'}",
              error=f"download cancelled; 1.3 MiB kept in {part} for the next attempt",
              summary=f"nothing was installed in {home / 'root'}")
    details = job_details(state, job)
    said = [details.message, *(value for _, value in details.fields)]
    assert not any(str(home) in text for text in said), said
    assert f"kept in ~/cache/{part.name} for" in details.message
    assert ("now", "waiting for the lock on ~/root") in details.fields
    assert ("result", "nothing was installed in ~/root") in details.fields


def test_a_verify_jobs_details_name_it_once() -> None:
    # Details titled the cache verification "job 1: verify verify cache" (History said it once).
    state = AppState(Settings.resolve(), HOST, Path(os.environ["HOME"]))
    verify = job_details(state, Job(1, "verify", "verify cache", phase="verified"))
    install = job_details(state, Job(2, "install", "cpython-3.12.8-linux-x86_64-gnu", phase="done"))
    assert verify.title == "job 1: verify cache"
    assert install.title == "job 2: install cpython-3.12.8-linux-x86_64-gnu"


def test_a_lock_wait_is_said_whole_at_80_columns_in_its_row_and_details() -> None:
    # At 80x24, waiting for the root's lock `uv python install` held: the row's note named the
    # root by its whole path (the holder and `c cancels` past the row's end), and Details cut
    # its `now` after a word: `… (held by pid 3681…` (newuser31).
    from pytui.app.job_view import job_view
    from pytui.widgets.details import render_details
    from rich.console import Console

    home = Path(os.environ["HOME"])
    state = AppState(Settings.resolve(), HOST, home)
    note = (f"waiting for the lock on {home / '.local/share/uv/python'} (held by pid 3681: uv python "
            "install 3.11, which is changing the install root; up to 300s, UV_LOCK_TIMEOUT); c cancels")
    result = f"nothing was installed in {home / '.local/share/uv/python'}: another uv or pytui process holds it"
    job = Job(1, "install", "cpython-3.11.7-linux-x86_64-gnu", phase="waiting", note=note, summary=result)
    assert job_view(job, home).note.startswith("waiting for the lock on ~/.local/share/uv/python (held by pid 3681")
    console = Console(width=76, record=True, color_system=None)
    console.print(render_details(job_details(state, job)))
    shown = " ".join(console.export_text().split())
    assert "(held by pid 3681: uv python install 3.11, which is changing the install root; up to 300s, " \
           "UV_LOCK_TIMEOUT); c cancels" in shown, shown
    assert "another uv or pytui process holds it" in shown, shown
