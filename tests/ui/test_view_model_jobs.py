"""The TUI's job rows without an app (no Pilot, no Textual): a job's short error as its row
shows it, for each kind of line the engine words, its whole line in Details, what a finished
uninstall or verify says, and a cancelled download's size and partial archive."""

from __future__ import annotations

from pytui.app.job_view import job_view
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.models import Build, CachedArchive
from view_state import NEW, OLD, a_state


def test_details_of_a_failed_job_carry_the_whole_error(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    build = builds[NEW]
    job = state.add_job("install", build.key, build=build)
    error = (f"failed to install {build.key}: could not download {build.key} "
             f"({build.url}: HTTP 404 Not Found); nothing was installed")
    state.end_job(job.job_id, "failed", error=error)
    # The job row leads with the cause (the key is already on the row)...
    assert job_view(job).error == ("could not download (HTTP 404 Not Found); "
                                   "nothing was installed")
    # ... the job's details and the build's details show the whole line.
    assert vm.details(state, "jobs", str(job.job_id)).message == error
    details = vm.details(state, "available", build.key)
    astral = build.url.replace("https://github.com/astral-sh/", "https://releases.astral.sh/github/")
    assert details.message == error
    assert ("url", astral) in details.fields
    # The field says where the error is: it follows the other fields, not the colon.
    assert ("last job", "failed (why: below)") in details.fields
    assert build.key in state.failed_keys
    # A late progress report of an ended job changes nothing; the first ending wins.
    assert state.progress(job.job_id, "download", 1, 2) is None
    assert state.end_job(job.job_id, "cancelled") is None and job.phase == "failed"


def test_a_cancelled_download_keeps_its_size_and_shows_as_partial(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    new = builds[NEW]

    def row():
        return next(r for r in vm.available_rows(state) if r.build.key == new.key)

    job = state.add_job("install", new.key, build=new)
    state.progress(job.job_id, "download", 3_300_000, 6_000_000)
    assert row().size == 6_000_000 and row().progress == 55
    state.end_job(job.job_id, "cancelled")
    # The job is gone from the row; its download size stays.
    assert row().size == 6_000_000 and row().progress is None
    # The listing sees the .part it left: partly cached, 55%.
    state.archives.append(CachedArchive(
        state.settings.cache_dir / (new.cache_filename + ".part"), 3_300_000, new,
        state="partial", expected_size=6_000_000))
    partial = row()
    assert partial.partial and partial.partial_percent == 55 and not partial.cached
    from pytui.widgets.available_table import state_text

    assert state_text(partial).plain == "◐ 55%"
    # A fresh session (no job seen) takes the size from the .part's expected total.
    state.download_sizes.clear()
    assert row().size == 6_000_000


def _short(state: AppState, build: Build, error: str, kind: str = "install",
           outcome: str = "failed") -> str:
    job = state.add_job(kind, build.key, build=build)
    state.end_job(job.job_id, outcome, error=error)
    return job_view(job).error


def test_short_error_reads_cleanly_for_each_engine_failure(tmp_path, builds) -> None:
    """Each kind of line the engine words (core/download*.py, core/jobs.py, core/root_lock.py),
    as the job row shows it: no key, no URL, digests cut, no dangling "for from"."""
    from pytui.core.download_policy import MISSING_NEXT_STEP

    state = a_state(tmp_path, *builds.values())
    build = builds[NEW]
    key, url = build.key, build.url
    lead = f"failed to install {key}: "
    expected, computed = "f12827f6" + "a" * 56, "ed64f600" + "b" * 56
    assert _short(state, build, f"{lead}could not download {key} ({url}: HTTP 404 Not Found); "
                                f"nothing was installed; {MISSING_NEXT_STEP}") == (
        f"could not download (HTTP 404 Not Found); nothing was installed; {MISSING_NEXT_STEP}")
    assert _short(state, build, f"{lead}sha256 mismatch for {key} from {url}: expected {expected}, "
                                f"computed {computed}; the download was discarded and nothing was "
                                "cached (try again); nothing was installed") == (
        "sha256 mismatch: expected f12827f6…, computed ed64f600…; the download was discarded "
        "and nothing was cached (try again); nothing was installed")
    assert _short(state, build, f"{lead}not enough space in /c to download {key}: the archive needs "
                                "1.0 MiB (1048576 bytes) and 0 B is free there; the partial "
                                "download was removed (free some space)") == (
        "not enough space in /c to download: the archive needs 1.0 MiB (1048576 bytes) and 0 B "
        "is free there; the partial download was removed (free some space)")
    lock = ("Timeout (300s) when waiting for lock on /r at /r/.lock, is another uv or pytui "
            "process running? Set UV_LOCK_TIMEOUT to wait longer")
    assert _short(state, build, f"{lead}{lock}; nothing was installed") == (
        f"{lock}; nothing was installed")
    assert _short(state, build, f"install of {key} cancelled; nothing was installed (download of "
                                f"{key} cancelled; 1.5 MiB kept in /c/x.part for the next attempt "
                                "to resume)", outcome="cancelled") == (
        "install cancelled; nothing was installed (download cancelled; 1.5 MiB kept in "
        "/c/x.part for the next attempt to resume)")
    for short in (job_view(job).error for job in state.jobs.values()):
        assert key not in short and url not in short and " for from " not in short


def test_a_finished_uninstall_or_verify_says_what_it_did(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    build = builds[NEW]
    labels = {}
    for kind in ("install", "uninstall", "verify"):
        job = state.add_job(kind, build.key, build=build)
        state.end_job(job.job_id, "done")
        labels[kind] = job_view(job)
    assert [labels[k].phase_label or labels[k].phase for k in ("install", "uninstall", "verify")] \
        == ["done", "removed", "verified"]
    assert all(view.phase == "done" and view.ended and view.bar_shown for view in labels.values())
    failed = state.add_job("uninstall", build.key, build=build)
    state.end_job(failed.job_id, "failed", error="failed to uninstall x: busy")
    assert job_view(failed).phase_label == "" and not job_view(failed).bar_shown


def test_a_job_waiting_for_the_lock_is_its_mark_in_available_not_0_percent(tmp_path, builds) -> None:
    """An install whose download had ended, waiting for the install root's lock (uv holding
    it), read `  0%` in Available's State, as if nothing had come yet: the waiting phase has
    no total. It reads `↻`, Installed's mark for a job on a row (its download shows its %)."""
    from pytui.widgets.available_table import state_text
    from pytui.widgets.rows import BUSY_MARK

    state = a_state(tmp_path, *builds.values())
    build = builds[NEW]
    job = state.add_job("install", build.key, build=build)
    state.progress(job.job_id, "download", 40, 40)
    assert state_text(ViewModel().available_row(state, build)).plain == "100%"
    state.progress(job.job_id, "waiting", 0, 0)
    assert state_text(ViewModel().available_row(state, build)).plain == BUSY_MARK
    # One queued behind it read `  0%` too (the jobs panel's snapshot: 3.9.23).
    queued = builds[OLD]
    state.add_job("install", queued.key, build=queued)
    assert state_text(ViewModel().available_row(state, queued)).plain == BUSY_MARK


def test_a_job_queued_or_waiting_for_a_lock_draws_no_bar() -> None:
    """A job waiting for the install root's lock, its download over, drew an empty bar and
    `0%` beside its `waiting` (newuser36); so did one queued behind it."""
    from pytui.widgets.rows import JobView

    for phase in ("queued", "waiting"):
        assert not JobView(1, "cpython-3.12.8-linux-x86_64-gnu", phase, 0, None).bar_shown
    assert JobView(1, "cpython-3.12.8-linux-x86_64-gnu", "download", 0, None).bar_shown



def test_an_install_queued_for_a_slot_says_why(tmp_path, builds) -> None:
    """A fifth install behind four running (or waiting for a lock) read `queued` and nothing
    more, in its row and in Details. It says that four run at once and it starts when one
    ends; a launched job, an uninstall and a job with its own note say nothing of it."""
    from pytui.app.job_view import full_slots, job_details

    state = a_state(tmp_path, *builds.values())
    build = builds[NEW]
    jobs = [state.add_job("install", build.key, build=build) for _ in range(5)]
    for job in jobs[:3]:
        job.launched = True
    assert full_slots(state) == 0  # a slot is free: it is about to start, nothing to say
    assert all(field[0] != "now" for field in job_details(state, jobs[4]).fields)
    jobs[3].launched = True
    said = "4 installs run at once: it starts when one ends; c cancels"
    assert job_view(jobs[4], slots=full_slots(state)).note == said
    assert ("now", said) in job_details(state, jobs[4]).fields
    assert job_view(jobs[0], slots=4).note == ""
    assert job_view(jobs[4], slots=1).note == "1 install runs at once: it starts when one ends; c cancels"
    jobs[4].note = "waiting for the lock on ~/root (…); c cancels"
    assert job_view(jobs[4], slots=4).note == jobs[4].note
