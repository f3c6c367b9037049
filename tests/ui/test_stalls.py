"""The stall rule (core/stalls.py, app/stalls.py) without Textual: a running download whose bytes have not
moved for STALL_SAID_AFTER seconds says so and loses its stale speed; a retry's or a wait's
note is not replaced; bytes moving again clear it (AppState.progress)."""

from __future__ import annotations

from pytui.app.job_record import INSTALL, Job
from pytui.app.stalls import job_stall_note, say_stalls
from pytui.app.state import AppState
from pytui.core.settings import Settings
from pytui.core.stalls import STALL_NOTE, STALL_SAID_AFTER
from ui_helpers import HOST


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _state_with_download(tmp_path) -> tuple[AppState, Clock, Job]:
    clock = Clock()
    state = AppState(Settings.resolve(install_dir=str(tmp_path / "root")), HOST, tmp_path, clock=clock)
    job = Job(1, INSTALL, "cpython-3.12.8-linux-x86_64-gnu", phase="resolve", launched=True)
    state.jobs[1] = job
    state.progress(1, "download", 1000, 10_000, speed=2e6)
    return state, clock, job


def test_a_download_whose_bytes_stay_put_says_so_and_drops_its_speed(tmp_path) -> None:
    state, clock, job = _state_with_download(tmp_path)
    clock.now += STALL_SAID_AFTER - 1
    assert say_stalls(state) == [] and job.speed == 2e6 and job.note == ""
    clock.now += 13
    assert say_stalls(state) == [job]
    assert job.note.startswith(f"{STALL_NOTE}17 s") and job.speed is None
    assert say_stalls(state) == []  # nothing new to draw in the same second
    clock.now += 1
    assert say_stalls(state) == [job] and job.note.startswith(f"{STALL_NOTE}18 s")
    state.progress(1, "download", 2000, 10_000, speed=1e5)  # bytes again
    assert job.note == "" and job.speed == 1e5 and job_stall_note(job, clock.now) is None


def test_a_retry_or_a_wait_keeps_its_own_note(tmp_path) -> None:
    state, clock, job = _state_with_download(tmp_path)
    state.note(1, "retrying in 4 s (attempt 2 of 4): HTTP 503")
    clock.now += 60
    assert say_stalls(state) == [] and job.note.startswith("retrying")


def test_only_a_running_download_is_looked_at(tmp_path) -> None:
    state, clock, job = _state_with_download(tmp_path)
    state.progress(1, "extract", 10, 2619, unit="files")
    clock.now += 60
    assert say_stalls(state) == []
    state.end_job(1, "failed", error="boom")
    assert job_stall_note(job, clock.now + 60) is None
