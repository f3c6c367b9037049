"""What a key does in a given state (no Textual): start a job, ask first, or refuse with a
message that says why. The app carries the answer out; tests check it without an app.

Install policy on the TUI's side: `i` on a build that is not installed installs it; on one
whose catalog build is newer than the install (same key), it reinstalls it after saying
"build A → build B"; on an Installed row with a newer patch in the catalog it installs that
patch beside the old one (as `uv python install 3.X` does) after saying "3.X.a → 3.X.b".
Enter asks before any download starts, so a stray Enter (after typing a filter) never does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from pytui.app.purge_plan import PurgePlan
from pytui.app.state import INSTALL, VERIFY, AppState, Job
from pytui.app.view_model import ViewModel, newer_build
from pytui.core.install_policy import already_upgraded_message, describe_upgrade
from pytui.core.models import Build, CachedArchive, Installation
from pytui.widgets.format import human_size, short_path
from pytui.widgets.rows import archive_key

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Refuse:
    """Do nothing; say why (a notification)."""

    message: str
    severity: Severity = "warning"
    title: str = ""


@dataclass(frozen=True, slots=True)
class StartInstall:
    build: Build
    reinstall: bool = False


@dataclass(frozen=True, slots=True)
class StartUninstall:
    installation: Installation


@dataclass(frozen=True, slots=True)
class StartUpgrade:
    """Install each build as an upgrade job (bin links only where they exist, as uv)."""

    builds: tuple[Build, ...]


@dataclass(frozen=True, slots=True)
class StartPrune:
    """Uninstall outdated installs, one job each (the purge screen's `outdated` rule)."""

    installations: tuple[Installation, ...]


@dataclass(frozen=True, slots=True)
class StartPurge:
    archives: tuple[CachedArchive, ...]


@dataclass(frozen=True, slots=True)
class StartVerify:
    pass


@dataclass(frozen=True, slots=True)
class CancelJob:
    job_id: int


@dataclass(frozen=True, slots=True)
class DismissJob:
    """Remove an ended job's row from the Jobs panel (History keeps it)."""

    job_id: int


@dataclass(frozen=True, slots=True)
class Quit:
    pass


@dataclass(frozen=True, slots=True)
class CopyText:
    """Put `text` on the clipboard and show it (many terminals ignore the clipboard)."""

    text: str
    what: str


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Confirm:
    """Ask a yes/no question; on yes, carry out `then`."""

    title: str
    lines: tuple[Line, ...]
    confirm: str
    then: Action
    # The yes button is drawn as destructive.
    danger: bool = True
    # The modal's id (tests and CSS find it by this).
    name: str = "confirm"
    # The same question decided again on a newer state (a scan ended while it was open, or
    # at yes): the app asks again when the answer changed (job_actions.redecide_questions).
    recheck: Callable[[AppState], Decision] | None = field(default=None, compare=False)


Action = (StartInstall | StartUninstall | StartPurge | StartVerify | StartUpgrade | StartPrune
          | CancelJob | DismissJob | Quit)
Decision = Refuse | Confirm | Action


def _archive_named(state: AppState, key: str) -> CachedArchive | None:
    """The archive of a Cached row (its key is the archive's final file name)."""
    return next((a for a in state.archives if archive_key(a.name) == key), None)


def _build_for_row(state: AppState, pane: str, key: str) -> Build | None:
    if pane == "cached":
        archive = _archive_named(state, key)
        return archive.build if archive is not None else None
    return state.catalog.get(key) if state.catalog is not None else None


def decide_install(state: AppState, vm: ViewModel, pane: str, key: str | None, *,
                   ask: bool = False) -> Decision:
    """`i` (ask=False) or Enter (ask=True) on the highlighted row of `pane`."""
    if key is None:
        return Refuse("Nothing highlighted to install.")
    if pane == "installed":
        return _decide_update(state, vm, key)
    build = _build_for_row(state, pane, key)
    if build is None:
        if pane == "cached":
            return Refuse(f"{key} matches no build in the catalog; it cannot be installed.")
        return Refuse(f"{key} is not in the catalog.")
    installation = state.installation(build.key)
    if installation is not None:
        if not newer_build(build, installation):
            return Refuse(f"{build.key} is already installed (u uninstalls it).",
                          severity="information")
        return _confirm_install(
            state, StartInstall(build, reinstall=True), f"Reinstall {build.key}?",
            f"from build {installation.build} to build {build.build} (the catalog's newer "
            "build of the same version); the install is replaced in place")
    refused = _refuse_start(state, build)
    if refused is not None:
        return refused
    action = StartInstall(build)
    if not ask and not _eol_question(state, build):
        return action  # an end-of-life version is asked about, also on `i`
    return _confirm_install(state, action, f"Install {build.key}?",
                            f"into {short_path(state.settings.install_root, state.home)}")


def _decide_update(state: AppState, vm: ViewModel, key: str) -> Decision:
    installation = state.installation(key)
    if installation is None:
        return Refuse(f"{key} is not installed.")
    newer = vm.update_for(state, installation)
    if newer is None:
        return Refuse(f"{key} is installed and up to date (u uninstalls it).",
                      severity="information")
    if newer.key == key:
        return _confirm_install(
            state, StartInstall(newer, reinstall=True), f"Reinstall {key}?",
            f"from build {installation.build} to build {newer.build}; "
            "the install is replaced in place")
    if newer.key in state.installed_keys:
        return Refuse(already_upgraded_message(installation, newer), severity="information")
    refused = _refuse_start(state, newer)
    if refused is not None:
        return refused
    return _confirm_install(
        state, StartInstall(newer), f"Upgrade {describe_upgrade(installation, newer)}?",
        f"from {key} to {newer.key}; {installation.version} stays installed, as uv keeps it "
        "(u uninstalls it once nothing needs it)")


def _refuse_start(state: AppState, build: Build) -> Refuse | None:
    if state.job_for_key(build.key) is not None:
        return Refuse(f"{build.key} is already being installed.", severity="information")
    if state.offline and build.key not in state.cached_by_key():
        return Refuse(
            f"Offline: {build.key} is not in the cache "
            f"({short_path(state.settings.cache_dir, state.home)}). "
            "Go online (o) or import its archive with `pytui cache import FILE`.",
            severity="error", title="Not cached")
    return None


def _confirm_install(state: AppState, action: StartInstall, title: str, what: str) -> Confirm:
    build = action.build
    cached = state.cached_by_key().get(build.key)
    if cached is not None:
        source = Line(f"From the cached archive ({human_size(cached.size)}); no download.")
    elif state.offline:
        source = Line("Offline, and its archive is not cached.")
    else:
        source = _download_source(state, build)
    question = _eol_question(state, build)
    eol = (Line(question, strong=True),) if question else ()
    return Confirm(title, (Line(what), source, *eol), confirm="Install", then=action,
                   danger=False, name="confirm-install")


def _download_source(state: AppState, build: Build) -> Line:
    """Where the install will download from: the first of the URLs the job tries (a mirror,
    or Astral's mirror before GitHub, as uv), not the catalog's URL, which it may never use."""
    from urllib.parse import urlsplit

    from pytui.core.errors import PytuiError
    from pytui.core.urls import download_urls

    try:
        urls = download_urls(build, state.settings)
    except PytuiError:  # the job will say why; the question names what the catalog says
        urls = [build.url]
    fallback = f" (if that fails, from {urlsplit(urls[1]).netloc})" if len(urls) > 1 else ""
    return Line(f"Downloads {urls[0]}{fallback}", strong=True)


def _eol_question(state: AppState, build: Build) -> str:
    """For an end-of-life version, the fact then the question (core/support.py words both)."""
    from pytui.app.support_view import today
    from pytui.core.support import eol_question

    return eol_question(build, state.settings.state_dir, today(state.clock()))


def idle_installation(state: AppState, pane: str, key: str | None,
                      needs: str = "") -> Installation | Refuse:
    """The install a row stands for, when no job works on it; else the one-line refusal
    (`u`, `x` and `!` share it). `needs` ends the "not installed" line."""
    installation = installation_target(state, pane, key)
    if key is None:
        return Refuse("Nothing is highlighted: highlight an install first (3 jumps to "
                      "Installed).")
    if installation is None:
        return Refuse(f"{key} is not installed{needs}.",
                      title="Not installed" if needs else "")
    if state.job_for_key(installation.key) is not None:
        return Refuse(f"{installation.key} is busy; wait for its job or cancel it (c).")
    return installation


def decide_uninstall(state: AppState, pane: str, key: str | None) -> Decision:
    installation = idle_installation(state, pane, key)
    if isinstance(installation, Refuse):
        return installation
    from pytui.app.uninstall_report import question_text

    size = state.sizes.get(installation.key)
    freed = state.freeable.get(installation.key)
    shared = size - freed if size is not None and freed is not None else None
    lines = [Line(f"Removes {short_path(installation.path, state.home)} and its links."),
             Line(question_text(freed, shared), strong=True)]
    if installation.key in state.cached_by_key():
        lines.append(Line("The cached archive stays, so it can be reinstalled offline."))
    lines += _breaking_lines(state, installation)
    return Confirm(f"Uninstall {installation.key}?", tuple(lines), confirm="Uninstall",
                   then=StartUninstall(installation), name="confirm-uninstall",
                   recheck=partial(_redecide_uninstall, installation.key))


def _redecide_uninstall(key: str, state: AppState) -> Decision:
    return decide_uninstall(state, "installed", key)


def _breaking_lines(state: AppState, installation: Installation) -> list[Line]:
    """What uninstalling would break (core/environment.py `would_break`), as the CLI refuses it."""
    from pytui.core.environment import would_break

    # Said whatever the answer while no whole-tree check has ended: the question is asked
    # again when one does (job_actions.redecide_questions).
    if state.environments is None:
        if state.envs_failed:
            why = f"not checked ({state.envs_note})"
        elif state.envs_scanning:
            why = "not checked yet: the scan is still running (this question changes when it ends)"
        else:
            why = "not checked yet (e, then r scans them)"
        return [Line(f"Environments: {why}; `pytui uninstall` checks them all.", strong=True)]
    breaking = would_break(state.environments, {installation.key}, state.installed_keys)
    scope = " (the scan was partial)" if state.envs_partial else ""
    if state.envs_quick:
        # Only the known environments were checked so far: said, whatever they show.
        still = ("the whole tree is still being checked (this question changes when it ends)"
                 if state.envs_scanning else "the whole-tree check was stopped (e, then r runs it)")
        note = [Line(f"Environments: only a quick check so far; {still}; or use "
                     "`pytui uninstall`, which checks it all.")]
        if not breaking:
            return note
        return _breaking_list(state, installation, breaking, " among those checked") + note
    if not breaking:
        return []
    return _breaking_list(state, installation, breaking, scope)


def _breaking_list(state: AppState, installation: Installation, breaking: list,
                   partial: str) -> list[Line]:
    noun = "environment" if len(breaking) == 1 else "environments"
    lines = [Line(f"Breaks {len(breaking)} {noun}{partial}:", strong=True)]
    lines += [Line(f"  {short_path(env.path, state.home)}") for env in breaking[:5]]
    if len(breaking) > 5:
        lines.append(Line(f"  and {len(breaking) - 5} more (pytui envs {installation.key})"))
    return lines


def prune_now_used(state: AppState, plan: PurgePlan) -> list[str]:
    """The installs of an outdated-rule plan that the newest environment result (quick or
    whole) says are used directly or no longer outdated: pruning them now could break one."""
    if state.environments is None:
        return []  # nothing newer than the plan's own scan
    from pytui.app.uninstall_safety import outdated

    gone, _ = outdated(state.installations, state.environments)
    still = {i.key for i in gone}
    return [i.key for i, _ in plan.installs if i.key not in still]


def installation_target(state: AppState, pane: str, key: str | None) -> Installation | None:
    """The install a row of `pane` stands for (a Cached row: its build's), or None."""
    if key is None:
        return None
    if pane == "cached":
        archive = _archive_named(state, key)
        key = archive.build.key if archive is not None and archive.build else None
    return state.installation(key)


def decide_purge(state: AppState, pane: str, key: str | None) -> Decision:
    archive = archive_target(state, pane, key)
    if archive is None:
        return Refuse(f"{key} has no archive in the cache." if key is not None else
                      "Nothing is highlighted: highlight an archive first (2 jumps to Cached).")
    if archive_key(archive.name) in state.in_use_names():
        return Refuse(f"{archive.name} is in use by a running job.")
    lines = [Line(short_path(archive.path, state.home))]
    if archive.tree:
        # Counting the tree's unshared files walks thousands of them: not on the UI thread.
        lines.append(Line(f"Frees {human_size(archive.size)}, and its kept tree goes with it "
                          "(its files no install shares are freed too).", strong=True))
    else:
        lines.append(Line(f"Frees {human_size(archive.size)}.", strong=True))
    if archive.build is not None and archive.build.key in state.installed_keys:
        lines.append(Line("The install stays; reinstalling it offline will no longer work."))
    return Confirm("Delete this cached archive?", tuple(lines), confirm="Delete",
                   then=StartPurge((archive,)), name="confirm-purge")


def archive_target(state: AppState, pane: str, key: str | None) -> CachedArchive | None:
    if key is None:
        return None
    if pane == "cached":
        return _archive_named(state, key)
    return state.cached_by_key().get(key)


def decide_copy(state: AppState, pane: str, key: str | None) -> CopyText | Refuse:
    """`y`: the highlighted row's path: the install dir (Installed), the archive (Cached),
    the download URL (Available)."""
    if key is None:
        return Refuse("Nothing highlighted to copy.")
    if pane == "installed":
        installation = state.installation(key)
        if installation is not None:
            return CopyText(str(installation.path), "install dir")
    elif pane == "cached":
        archive = _archive_named(state, key)
        if archive is not None:
            return CopyText(str(archive.path), "archive path")
        return Refuse(f"{key} is still downloading: its archive path exists once it is done.")
    elif state.catalog is not None and (build := state.catalog.get(key)) is not None:
        return CopyText(build.url, "download URL")
    return Refuse(f"{key} has nothing to copy.")


def decide_verify(state: AppState) -> Decision:
    if any(job.kind == VERIFY and job.running for job in state.jobs.values()):
        return Refuse("The cache is already being verified.", severity="information")
    return StartVerify()


def decide_cancel(state: AppState, focused_job: int | None, pane: str,
                  key: str | None) -> Decision:
    """`c`: cancel the focused job, else the job of the highlighted row, else the only one
    running; an ended job's row is dismissed."""
    job: Job | None = None
    if focused_job is not None:
        job = state.jobs.get(focused_job)
    else:
        if key is not None:
            if pane == "cached":
                job = next((j for j in state.running_jobs() if j.build is not None
                            and j.build.cache_filename == key), None)
            else:
                job = state.job_for_key(key, ended_too=True)
        running = state.running_jobs()
        if job is None and len(running) == 1:
            job = running[0]
    if job is None:
        return Refuse("Highlight a job (Tab to the Jobs panel) or a build being installed.")
    if job.ended:
        return DismissJob(job.job_id)
    if job.phase == "cancelling":
        return Refuse(f"{job.title} is already being cancelled.", severity="information")
    return CancelJob(job.job_id)


def decide_quit(state: AppState) -> Decision:
    """`q`: quit at once when no job runs, else ask (asked again as jobs end meanwhile)."""
    if not state.running_jobs():
        return Quit()
    return quit_question(state)


def quit_question(state: AppState) -> Confirm:
    """The quit question on the jobs that have not settled: a job that ended (done, failed,
    cancelled) is not running, so a question left open while its last job ended says so."""
    running = state.running_jobs()
    count = len(running)
    lines: tuple[Line, ...]
    if not count:
        lines = (Line("No job is running now (the jobs ended while this was open)."),
                 Line("Quitting leaves nothing behind."))
    else:
        kinds = sorted({job.kind for job in running})
        them = "them" if count != 1 else "it"
        lines = (Line(f"{count} job{'s are' if count != 1 else ' is'} still running "
                      f"({', '.join(kinds)})."),)
        if any(job.kind == INSTALL for job in running):
            lines += (Line(f"Quitting cancels {them}: nothing half-installed or half-removed "
                           "is left behind, and partial downloads stay as resumable .part "
                           "files."),)
        else:
            lines += (Line(f"Quitting cancels {them}; nothing is left half-removed."),)
    return Confirm("Quit pytui?", lines, confirm="Quit", then=Quit(), name="confirm-quit",
                   recheck=quit_question)


# How many environment paths the upgrade preview names per line before "and N more".
PREVIEW_PATHS = 3


def _env_paths(state: AppState, envs: list) -> str:
    shown = ", ".join(short_path(env.path, state.home) for env in envs[:PREVIEW_PATHS])
    more = len(envs) - PREVIEW_PATHS
    return shown + (f" and {more} more" if more > 0 else "")


def decide_upgrade(state: AppState) -> Decision:
    """`U`: preview the upgrade of every installed minor version to the catalog's newest patch
    (as `pytui upgrade`): from → to, the environments that follow, those that stay pinned."""
    from pytui.app.upgrade_plan import followers, nothing_to_do, pinned_by_version, plan

    if state.catalog is None or not state.disk_listed:
        return Refuse("Still reading the catalog and the install root; try again in a moment.",
                      severity="information")
    steps, _ = plan(state.installations, state.catalog.builds)
    if not steps:
        return Refuse("There are no installed versions to upgrade.", severity="information")
    todo = [step for step in steps if step.target is not None]
    if not todo:
        return Refuse(nothing_to_do() + ".", severity="information", title="Upgrade")
    busy = [step for step in todo if step.target and state.job_for_key(step.target.key)]
    todo = [step for step in todo if step not in busy]
    if not todo:
        return Refuse("Those upgrades are already being installed.", severity="information")
    cached = state.cached_by_key()
    targets = [step.target for step in todo if step.target is not None]
    missing = [b.key for b in targets if b.key not in cached]
    if state.offline and missing:
        return Refuse(f"Offline: {missing[0]} is not in the cache"
                      + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                      + ". Go online (o) to upgrade.", severity="error", title="Not cached")
    lines: list[Line] = []
    envs = state.environments
    for step in todo:
        target = step.target
        assert target is not None
        lines.append(Line(f"{step.current.version} → {target.version}  ({target.key})",
                          strong=True))
        if envs is None:
            continue
        following = followers(envs, step)
        if following:
            noun = "environment follows" if len(following) == 1 else "environments follow"
            lines.append(Line(f"  {len(following)} {noun} {step.minor_link}: "
                              f"{_env_paths(state, following)}"))
        for version, staying in pinned_by_version(envs, step):
            noun = "environment stays" if len(staying) == 1 else "environments stay"
            lines.append(Line(f"  {len(staying)} {noun} pinned to {version}: "
                              f"{_env_paths(state, staying)}"))
    if envs is None:
        lines.append(Line("Environments: still scanning; which ones follow is not known yet."))
    elif state.envs_partial:
        lines.append(Line("The environment scan was partial: more may follow or stay pinned."))
    elif state.envs_quick:
        lines.append(Line("Environments: a quick check; the whole tree is still being checked, "
                          "so more may follow or stay pinned."))
    if busy:
        lines.append(Line(f"Already being installed: {', '.join(s.target.key for s in busy if s.target)}."))
    download = len(missing)
    lines.append(Line("Old patches stay installed (P → outdated installs removes unused ones); "
                      + (f"downloads {download} archive{'s' if download != 1 else ''}."
                         if download else "all from the cache; no download.")))
    noun = "1 version" if len(todo) == 1 else f"{len(todo)} versions"
    return Confirm(f"Upgrade {noun}?", tuple(lines), confirm="Upgrade",
                   then=StartUpgrade(tuple(targets)), danger=False, name="confirm-upgrade",
                   recheck=decide_upgrade)
