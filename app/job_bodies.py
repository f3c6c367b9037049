"""The thread bodies of the runner's jobs (app/runner.py's `JobRunner` is built on them):
install, uninstall and cache verification. Each gets everything it reads as arguments (copies
taken on the UI thread), calls the gateway, and only posts messages back.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from pytui.app.gateway import CoreGateway
from pytui.app.job_record import CANCELLED, FAILED
from pytui.app.messages import JobEnded, JobNote, JobProgress
from pytui.app.state import AppState
from pytui.app.support_view import today
from pytui.core.catalog import Catalog
from pytui.core.errors import (
    ALL_VERSIONS,
    FORCE,
    GO_OFFLINE,
    NO_BIN,
    NO_CACHE,
    REFRESH,
    Cancelled,
    PytuiError,
    said,
)
from pytui.core.models import Build
from pytui.core.progress import CancelToken, Progress, Throttle
from pytui.core.settings import Settings
from textual.app import App

if TYPE_CHECKING:
    from pytui.core.download import Downloader
    from pytui.core.environment import Environment
    from pytui.core.errors import WarningLine
    from pytui.core.link_repair import LinkChanges

PROGRESS_RATE = 10.0
# The steps a core line carries as data (PytuiError.said), in the TUI's words: `a` lists every
# version in the pane above, where the CLI names `pytui list --all-versions 3.12`; `r` and `o`
# alone, where the CLI's words name the TUI's key and its own way.
# The CLI's options the TUI has not: the command, or the variable, that does it.
TUI_STEPS = {ALL_VERSIONS: "(a lists every version)", REFRESH: "(r)", GO_OFFLINE: "(o)",
             NO_BIN: "or start pytui with UV_PYTHON_INSTALL_BIN=0"}


def tui_steps(key: str) -> dict[str, str]:
    """TUI_STEPS with the steps that name the job's build: `--force`, `--no-cache`."""
    return {**TUI_STEPS, FORCE: f"`pytui install --force {key}` replaces it",
            NO_CACHE: f"or `pytui install --no-cache {key}`"}


class JobBodies:
    """What each job's thread runs; the app, state and gateway are the runner's."""

    _app: App
    _state: AppState
    gateway: CoreGateway

    def _reporter(self, job_id: int, unit: str = "bytes") -> Throttle:
        def post(progress: Progress) -> None:
            if progress.waiting:  # its request sent, no answer yet: the row says so
                self._app.post_message(JobNote(job_id, f"waiting for {progress.waiting}",
                                               phase=progress.phase, logged=False))
                return
            if progress.note:  # a wait within the phase: "retrying in 2 s (attempt 2 of 4): …"
                self._app.post_message(JobNote(job_id, progress.note))
                return
            self._app.post_message(JobProgress(job_id, progress.phase, progress.done,
                                               progress.total, progress.speed, unit))

        # Trailing: the last bytes before a stall reach the row (the core's late report may come
        # within this throttle's interval of its previous one).
        return Throttle(post, rate=PROGRESS_RATE, trailing=True)

    def _waiting(self, job_id: int, line: str) -> None:
        # Another process (uv, another pytui) holds the install root's lock or the archive's
        # download lock: the row says who and how to stop waiting (no bound but the holder's
        # life, or UV_LOCK_TIMEOUT).
        self._app.post_message(JobNote(job_id, f"{line}; c cancels", phase="waiting"))

    def _install(self, job_id: int, cancel: CancelToken, build: Build, settings: Settings,
                 catalog: Catalog, reinstall: bool, downloader: Downloader | None,
                 upgrade: bool = False, listed: bool = False) -> None:
        """`listed`: the build was listed installed when the job was made (Job.listed, read on
        the UI thread: a listing landing as this thread starts must not change the summary)."""
        post = self._app.post_message
        if upgrade:  # as `pytui upgrade`: bin links only where they already exist
            from pytui.app.upgrade_plan import upgrade_settings

            settings = upgrade_settings(settings, build)

        words = tui_steps(build.key)

        def warn(line: WarningLine) -> None:
            post(JobNote(job_id, said(line, words), warning=True))

        try:
            result = self.gateway.install(
                build, settings=settings, catalog=catalog, progress=self._reporter(job_id),
                cancel=cancel, reinstall=reinstall, downloader=downloader,
                on_warning=warn, on_wait=partial(self._waiting, job_id))
            changed_links: LinkChanges | None = None
            if result.status == "already":
                # As `pytui install` for a request already installed: the links a killed run
                # left out (or a user removed) are made again.
                changed_links, link_warnings = self.gateway.restore_links(
                    settings, build.key, cancel=cancel, on_wait=partial(self._waiting, job_id))
                for line in link_warnings:
                    warn(line)
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=str(err)))
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=err.said(words)))
        else:
            if result.status != "already":
                # An end-of-life version: the fact, as the question said it before (a
                # notification and in History).
                line = self.gateway.eol_installed(build, settings, today(self._state.clock()))
                if line:
                    warn(line)
            from pytui.app.path_hint import executables_text

            # An upgrade to a newer build of the installed patch replaces the install in place:
            # its minor-version link already led there, the build is what changed.
            same_key = upgrade and reinstall
            summary = install_summary(build.key, result.status, changed_links,
                                      build.minor_key if upgrade and not same_key else None,
                                      listed=listed,
                                      executables=executables_text(result.installation),
                                      new_build=build.build if same_key else None)
            post(JobEnded(job_id, "done", summary=summary,
                          linked=result.status != "already" or bool(changed_links)))

    def _uninstall(self, job_id: int, cancel: CancelToken, key: str, settings: Settings,
                   outdated_among: list[Environment] | None = None) -> None:
        """`outdated_among`: the environments (a copy taken on the UI thread) an outdated
        install's removal is checked against again under the lock; None for a plain uninstall."""
        from pytui.core.install_root import NotInstalled, NotRemoved

        post = self._app.post_message
        post(JobProgress(job_id, "remove", 0, None))
        try:
            result = self.gateway.uninstall(
                settings, key, cancel=cancel, on_wait=partial(self._waiting, job_id),
                outdated_among=outdated_among)
        except NotRemoved as err:  # no longer outdated: kept, which is what the rule wants
            post(JobEnded(job_id, "done", summary=str(err)))
        except NotInstalled:  # gone since it was listed: what was asked for is the case
            post(JobEnded(job_id, "done", summary=f"{key} was already removed (by uv or another "
                                                   "pytui process, since it was listed); nothing to do"))
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=f"uninstall of {key} cancelled; it stays "
                                                   f"installed ({err})"))
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=f"failed to uninstall {key}: {err}"))
        else:
            from pytui.app.uninstall_report import links_text, summary_text

            post(JobEnded(job_id, "done",
                          summary=f"Uninstalled {key}{links_text(result)}, {summary_text([result])}"))

    def _verify(self, job_id: int, cancel: CancelToken, settings: Settings,
                catalog: Catalog | None) -> None:
        post = self._app.post_message
        try:
            report = self.gateway.verify_cache(settings, catalog, cancel=cancel,
                                               progress=self._reporter(job_id))
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=str(err)))
            return
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=str(err)))
            return
        # The check itself worked; what it found is said as a warning. (Imported here: its
        # module brings core.cache_verify and hashlib, which the first screen never uses.)
        from pytui.app.verify_summary import verify_summary

        summary, warning = verify_summary(report)
        post(JobEnded(job_id, "done", summary=summary, warning=warning))


def install_summary(key: str, status: str, links: LinkChanges | None, minor_key: str | None,
                    *, listed: bool = False, executables: str = "",
                    new_build: str | None = None) -> str:
    """An install job's outcome line (`executables`: ` (python3.13)`, the bin links it made).
    For a request already installed, what its links went through, each said as it happened
    (`LinkChanges.said`, as `pytui install` says it): `restored` for one a killed run left out
    or a user removed, `made` for a bin link it never had (`--no-bin`, a Python uv run
    downloaded), `re-pointed` for one that ran an older patch. `already` with no links changed
    means another uv or pytui process installed it while this job ran (`was already installed`
    read as if the job had been pointless from the start), or, for `i` on an install `listed`
    as lacking links, made those links while this job waited for the root's lock. `new_build`:
    an upgrade that replaced the install with a newer build of its patch (the same key)."""
    if status != "already":
        # The command names it made (` (python3.13)`), as `pytui install` and uv list them.
        summary = f"{status.capitalize()} {key}{executables}"
    elif links:
        summary = f"{key} was already installed; {'; '.join(links.said())}"
    elif listed:
        summary = f"{key} was already installed; no link was missing by the time the job ran"
    else:
        summary = f"{key} was installed meanwhile by another uv or pytui process; nothing more to do"
    if minor_key is not None:
        summary += f"; {minor_key} now points to it (environments made through it run the new patch)"
    if new_build is not None and status != "already":
        summary += f" with build {new_build} (environments using it run the new build)"
    return summary
