"""The TUI's jobs as plain data (no Textual): one install, uninstall or verification, where it
is and how it ended. AppState (app/state.py) holds them; the app changes them only from message
handlers on the UI thread.

A Record (core/record.py), not a dataclass: this module is imported before the first screen.
"""

from __future__ import annotations

from pytui.core.models import Build, Installation
from pytui.core.record import Record

# Job kinds and how a job ends.
INSTALL, UNINSTALL, VERIFY = "install", "uninstall", "verify"
DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
ENDED = (DONE, FAILED, CANCELLED)


def job_name(kind: str, title: str) -> str:
    """How a job is named: its kind, then its title, unless the title starts with its kind
    ("verify cache", never "verify verify cache")."""
    return title if title.split(" ", 1)[0] == kind else f"{kind} {title}"


class Job(Record):
    """One job of the session: what it works on, where it is and how it ended."""

    __slots__ = ("job_id", "kind", "title", "build", "installation", "reinstall", "upgrade",
                 "prune", "listed", "phase", "done", "total", "speed", "unit", "note", "error", "summary",
                 "warning", "launched", "queued_at", "ended_at", "moved_at")
    job_id: int
    kind: str  # INSTALL, UNINSTALL or VERIFY
    title: str
    build: Build | None
    # The installation an uninstall removes (its key is the job's key).
    installation: Installation | None
    reinstall: bool
    # An upgrade (`U`): bin links are updated only where they exist, as `pytui upgrade`.
    upgrade: bool
    # An uninstall of an outdated install (the purge screen's `outdated` rule): re-checked
    # under the root lock, as `pytui uninstall --outdated` (the root may change meanwhile).
    prune: bool
    # An install of a build the Installed pane listed when the job was made (`i` restoring
    # the links a killed run left out), taken on the UI thread: its summary depends on it.
    listed: bool
    # "queued", a core phase, "waiting", "remove", "cancelling", or one of ENDED.
    phase: str
    done: int
    total: int | None
    speed: float | None
    unit: str
    # The latest "waiting for the lock…" / "retrying in 2 s (attempt 2 of 4): …" line.
    note: str
    # The whole one-line error of a failed job; the summary of a finished one.
    error: str
    summary: str
    warning: bool
    # A worker was started for it (a queued job has none yet).
    launched: bool
    queued_at: float
    ended_at: float | None
    # When its progress last moved (new bytes or a new phase), by the state's clock: a
    # download that stays put says so (app/stalls.py).
    moved_at: float | None

    def __init__(self, job_id: int, kind: str, title: str, build: Build | None = None,
                 installation: Installation | None = None, reinstall: bool = False,
                 upgrade: bool = False, prune: bool = False, listed: bool = False,
                 phase: str = "queued",
                 done: int = 0, total: int | None = None, speed: float | None = None,
                 unit: str = "bytes", note: str = "", error: str = "", summary: str = "",
                 warning: bool = False, launched: bool = False, queued_at: float = 0.0,
                 ended_at: float | None = None, moved_at: float | None = None) -> None:
        self.job_id = job_id
        self.kind = kind
        self.title = title
        self.build = build
        self.installation = installation
        self.reinstall = reinstall
        self.upgrade = upgrade
        self.prune = prune
        self.listed = listed
        self.phase = phase
        self.done = done
        self.total = total
        self.speed = speed
        self.unit = unit
        self.note = note
        self.error = error
        self.summary = summary
        self.warning = warning
        self.launched = launched
        self.queued_at = queued_at
        self.ended_at = ended_at
        self.moved_at = moved_at

    @property
    def key(self) -> str | None:
        """The build key it installs or the installation key it removes."""
        if self.build is not None:
            return self.build.key
        if self.installation is not None:
            return self.installation.key
        return None

    @property
    def ended(self) -> bool:
        return self.phase in ENDED

    @property
    def running(self) -> bool:
        return not self.ended


def abandoned_line(job: Job, grace: float) -> str:
    """The outcome of a cancelled install whose thread had not stopped `grace` seconds later
    (a read that nothing can wake: a mirror that accepted the connection and does not answer)."""
    kept = "the existing install was left as it was" if job.reinstall else "nothing was installed"
    return (f"{job.title} cancelled; {kept}. It did not stop within {grace:g} s (no answer "
            "from the mirror): it is left to end at its read timeout, and what it reports "
            "then is ignored.")
