"""A job as the Jobs panel and the details show it (no Textual): its percent, its error cut
to one line for the row, and its whole outcome for the details."""

from __future__ import annotations

import re
from pathlib import Path

from pytui.app.job_record import INSTALL, UNINSTALL, VERIFY, Job, job_name
from pytui.app.state import AppState
from pytui.core.models import CachedArchive
from pytui.core.progress import whole_percent
from pytui.widgets.format import home_shortened, short_path
from pytui.widgets.rows import Details, JobView


def percent(job: Job) -> int | None:
    """Percent done of a running job (0 until a total is known); None once it ended."""
    if job.ended:
        return None
    if not job.total:
        return 0
    return whole_percent(job.done, job.total)


_URL_LEAD = re.compile(r"\b(?:https?|file)://\S+?: ")
# A sha256 in full is 64 characters of a ~70-column line: its first 8 tell them apart.
_DIGEST = re.compile(r"\b([0-9a-f]{8})[0-9a-f]{56}\b")


def short_error(job: Job) -> str:
    """The cause, for the one-line job row: the key is already on the row and URLs and digests
    are long, so they are left out or cut here (Details and History show the whole line).

    "sha256 mismatch for KEY from URL: expected 64 hex, ..." reads "sha256 mismatch: expected
    f12827f6…, ..."; "install of KEY cancelled" reads "install cancelled"."""
    error = job.error
    key = job.key or ""
    for lead in (f"failed to install {key}: ", f"failed to uninstall {key}: "):
        if error.startswith(lead):
            error = error[len(lead):]
            break
    if key:
        # "for KEY from URL: " (the whole subject) first, then the key wherever else it is.
        error = re.sub(rf" for {re.escape(key)} from \S+?: ", ": ", error)
        error = error.replace(f" of {key} ", " ").replace(f" {key} ", " ").replace(f" {key}", "")
    error = _URL_LEAD.sub("", error)
    return _DIGEST.sub("\\1…", error)


# What a finished job's phase column says, by kind (an install says "done").
DONE_LABELS = {UNINSTALL: "removed", VERIFY: "verified"}


def queued_note(job: Job, slots: int) -> str:
    """Why an install is `queued`: `slots` installs run at once and it waits for one to end
    (its row said `queued` and nothing more, behind four waiting for a lock). "" otherwise."""
    if job.kind != INSTALL or job.phase != "queued" or job.launched or job.note or slots < 1:
        return ""
    running = "1 install runs" if slots == 1 else f"{slots} installs run"
    return f"{running} at once: it starts when one ends; c cancels"


def full_slots(state: AppState) -> int:
    """How many installs run at once when that many run now (their slots full), else 0: a
    queued install's note is said only then."""
    slots = state.settings.jobs
    launched = sum(1 for job in state.running_jobs() if job.kind == INSTALL and job.launched)
    return slots if launched >= slots else 0


def job_view(job: Job, home: Path | None = None, slots: int = 0) -> JobView:
    """`slots`: how many installs run at once (a queued one's note says so)."""
    label = DONE_LABELS.get(job.kind, "") if job.phase == "done" else ""
    # The note's paths from `~`, as Details writes them: at 80 columns the root's whole path
    # pushed the lock's holder and `c cancels` past the row's end.
    note = home_shortened(job.note, home) if job.note else queued_note(job, slots)
    return JobView(job.job_id, job.title, job.phase, done=job.done, total=job.total,
                   speed=job.speed, error=short_error(job), unit=job.unit,
                   note=note, phase_label=label)


def job_details(state: AppState, job: Job) -> Details:
    """A job's whole outcome: what it worked on, where it is, the full error."""
    # Paths in its words from `~`, as the panes, toasts and History write them.
    fields: list[tuple[str, str]] = [("state", job.phase)]
    now = home_shortened(job.note, state.home) if job.note else queued_note(job, full_slots(state))
    if now:
        fields.append(("now", now))
    if job.build is not None:
        from pytui.app.download_source import first_download_url

        fields.append(("url", first_download_url(job.build, state.settings)))
    if job.installation is not None:
        fields.append(("install", short_path(job.installation.path, state.home)))
    if job.summary:
        fields.append(("result", home_shortened(job.summary, state.home)))
    return Details(title=f"job {job.job_id}: {job_name(job.kind, job.title)}", fields=tuple(fields),
                   message=home_shortened(job.error, state.home))


# Phases in which a launched install may still read from the network (later ones work on
# disk); "queued" too: its thread has not reported its first phase yet (a first install's
# imports, a busy machine), and it was given the downloader when it was launched.
_NETWORK_PHASES = ("queued", "resolve", "download")


def may_download(job: Job) -> bool:
    """Whether `job` is an install already launched that may still read from the network:
    going offline does not stop it (its connection is open, or about to be)."""
    return job.kind == INSTALL and job.launched and job.running and job.phase in _NETWORK_PHASES


def offline_line(state: AppState) -> str:
    """The Mode notification once `o` went offline. Offline keeps what starts from now on off
    the network; a download already under way goes on (its connection is open; `c` cancels
    it), so it is named rather than left to contradict the header's OFFLINE."""
    from pytui.app.download_source import file_mirror

    mirror = file_mirror(state.settings)
    # With a `file://` mirror (`--mirror file://DIR`) what it holds installs too.
    which = "only cached builds" if mirror is None else \
        f"only cached builds and those the mirror ({short_path(mirror, state.home)}) holds"
    under_way = [job for job in state.running_jobs() if may_download(job)]
    if not under_way:
        return f"Offline: no network; {which} install."
    if len(under_way) == 1:
        goes_on = (f"The download of {under_way[0].title} already under way goes on "
                   "(c cancels it).")
    else:
        goes_on = (f"The downloads of {len(under_way)} builds already under way go on "
                   "(c cancels a job).")
    return f"Offline: no network for what starts from now on; {which} install. {goes_on}"


def purge_what(archives: list[CachedArchive], *, leftovers: bool) -> str:
    """What a purge removes, as the quit question names a running one: `2 archives`, `1
    archive and what killed runs left` (the `all` rule)."""
    noun = "archive" if len(archives) == 1 else "archives"
    counted = f"{len(archives)} {noun}" if archives or not leftovers else ""
    return " and ".join(part for part in (counted, "what killed runs left" if leftovers else "") if part)


# What a purge stopped before its end leaves (the quit question, the quit note): it has no
# cancel point; its archives go one by one, each one's kept tree before it.
PURGE_STOPPED = "what it has not removed yet stays in the cache, and purging again removes it"


def quit_note(running: list[Job], purges_stopped: list[str] | None = None) -> str:
    """The line left on the terminal after quitting while jobs or a purge ran (the question
    said it, but the shell got no word): what was cancelled or stopped and what stays, or ""
    when nothing ran."""
    if not running and not purges_stopped:
        return ""
    parts = []
    installs = [job.title for job in running if job.kind == INSTALL]
    if installs:
        noun = "install" if len(installs) == 1 else "installs"
        parts.append(f"cancelled {len(installs)} {noun} ({', '.join(installs)}); nothing half-"
                     "installed was left, and a partial download stays in the cache: installing "
                     "again resumes it")
    removals = [job.title for job in running if job.kind == UNINSTALL]
    if removals:
        noun = "uninstall" if len(removals) == 1 else "uninstalls"
        parts.append(f"cancelled {len(removals)} {noun} ({', '.join(removals)}); what was not "
                     "removed yet stays installed")
    if any(job.kind == VERIFY for job in running):
        parts.append("stopped the cache verification")
    if purges_stopped:
        parts.append(f"stopped the purge of {', '.join(purges_stopped)} before its end: "
                     f"{PURGE_STOPPED}")
    what = "jobs" if running else "a purge"
    return f"pytui: quit with {what} running: " + "; ".join(parts)
