"""What a key does in a given state (no Textual): start a job, ask first, or refuse with a
message that says why. The app carries the answer out; tests check it without an app.

Here: the answers (`Decision`), the row lookups every question shares, and the small
questions (purge one archive, copy, verify, cancel, quit). Installing and upgrading are
decided in install_decisions.py, uninstalling (and what it would break) in
uninstall_decisions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Literal

from pytui.app.job_record import INSTALL, VERIFY, Job
from pytui.app.state import AppState
from pytui.core.keys import KeyFields
from pytui.core.models import Build, CachedArchive, Installation
from pytui.widgets.format import human_size, one_line, short_path
from pytui.widgets.rows import cached_row_key

if TYPE_CHECKING:
    from pytui.core.cache_locks import PartHolder
    from pytui.core.loose_trees import LooseTree

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
    # The `all` rule: all that killed runs left in the cache dir goes too (else only what
    # they left of these archives: core/cache_purge.remove_leftovers).
    leftovers: bool = False
    # Kept trees whose archive is gone go (with any purge): one runs for them alone too.
    trees: bool = False
    # The sha256 of a newer pytui's kept tree `p` named on its row: it goes only so (or with
    # its archive, or under the `all` rule; core/cache.remove_trees_of).
    named: tuple[str, ...] = ()


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
    # A line about a check still under way ("checking again…"), not part of the answer: its
    # coming and going updates the question in place without saying it changed.
    status: bool = False


def same_answer(one: Decision, other: Decision) -> bool:
    """Two decisions that ask the same thing, whatever their status lines say."""
    if one == other:
        return True
    if not (isinstance(one, Confirm) and isinstance(other, Confirm)):
        return False

    def answer(question: Confirm) -> Confirm:
        return replace(question, lines=tuple(line for line in question.lines if not line.status))

    return answer(one) == answer(other)


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
    # Shorter whole forms of the title, for a dialog too narrow for it (widgets/fitted_line).
    short_titles: tuple[str, ...] = ()
    # The no button's word.
    deny: str = "Cancel"


def key_titles(verbs: tuple[str, ...], key: KeyFields) -> tuple[str, ...]:
    """A question's shorter titles about one key, each naming its version whole (`Uninstall
    3.12.8?`, `Remove 3.13.1+freethreaded?`, `3.12.8?`): at 20x8 and 40x12 the whole key's
    title was cut inside the key (`Uninstall cpyt…`)."""
    version = key.key.removesuffix(f"-{key.platform}").removeprefix("cpython-")
    return (*(f"{verb} {version}?" for verb in verbs), f"{version}?")


Action = (StartInstall | StartUninstall | StartPurge | StartVerify | StartUpgrade | StartPrune
          | CancelJob | DismissJob | Quit)
Decision = Refuse | Confirm | Action


def nothing_highlighted(state: AppState, pane: str, what: str, jump: str) -> Refuse:
    """A key that acts on the highlighted row, with none: why the pane is empty, as Details
    says it (a filter, no catalog, nothing installed or cached yet: `3 jumps to Installed` on
    an empty Installed pointed where the user was), else where to find one."""
    from pytui.app.details_view import empty_pane_note

    note = empty_pane_note(state, pane)
    return Refuse(note or f"Nothing is highlighted: highlight {what} first ({jump}).")


def kept_held(name: str, holder: PartHolder | None) -> str:
    """Why a `.part` whose lock another process holds is not purged (the purge's own line, and
    `p`'s refusal on a `downloading` or `locked` row): what the holder does only as far as its
    record vouches for it, as `pytui cache purge` says it (core/turn_record.kept_part_reason)."""
    from pytui.core.turn_record import kept_part_reason

    words, record = (holder.words, holder.record) if holder is not None else (None, None)
    return f"Kept {name}: {kept_part_reason(f'{name}.lock', words, record)}."


def decide_purge(state: AppState, pane: str, key: str | None) -> Decision:
    if pane == "cached" and key is not None and (loose := state.loose_tree_at(key)) is not None:
        return _decide_purge_loose(state, loose, key)
    archive = archive_target(state, pane, key)
    if archive is None:
        if key is None:
            return nothing_highlighted(state, pane, "an archive", "2 jumps to Cached")
        # What p does and where, as u's refusal on a build with no install says it.
        return Refuse(f"{key} has no archive in the cache: p purges a cached archive, and this "
                      "build has none (2 jumps to Cached).", title="Not cached")
    if cached_row_key(archive.name) in state.in_use_names():
        return Refuse(f"{archive.name} is in use by a running job.")
    # Its partial download (a `.part` beside the archive, as `cache purge NAME` removes it).
    going = tuple(a for a in state.archives if cached_row_key(a.name) == cached_row_key(archive.name))
    if all(a.name in state.held_parts for a in going or (archive,)):
        # Only a `.part` whose lock another process holds (the row says `downloading` or
        # `locked`): the purge would keep it, so a yes asked to delete it and then did not.
        return Refuse(kept_held(one_line(archive.name), state.held_parts.get(archive.name)),
                      severity="information", title="Purge")
    size = sum(a.size for a in going)
    lines = [Line(short_path(archive.path, state.home))]
    if archive.tree:
        # Counting the tree's unshared files walks thousands of them: measured in a thread
        # (job_actions.measure_purged_trees), the question says the bytes in place once they are in
        # (a status line: its change is not a new answer).
        if archive.name not in state.tree_freed:
            lines.append(Line(f"Frees {human_size(size)} and its kept tree's files that no install "
                              "shares (counting them…).", strong=True, status=True))
        elif (tree := state.tree_freed[archive.name]) is None:
            lines.append(Line(f"Frees {human_size(size)} and its kept tree's files that no install "
                              "shares (they could not be counted).", strong=True, status=True))
        else:
            lines.append(Line(f"Frees {human_size(size + tree)}: the archive and its kept tree's "
                              "files that no install shares.", strong=True, status=True))
    else:
        lines.append(Line(f"Frees {human_size(size)}.", strong=True))
    if len(going) > 1:
        lines.append(Line("Its partial download goes too (kept if a download is writing it now)."))
    if any(a.leftovers for a in going):
        # Named by the listing (no lock taken on the UI thread); each is named once removed.
        lines.append(Line("What a killed run left of its tree goes too (unless a running pytui "
                          "still holds it)."))
    if archive.build is not None and archive.build.key in state.installed_keys:
        lines.append(Line("The install stays; reinstalling it offline will no longer work."))
    question = "Delete this cached archive?"
    # Shorter whole forms for a narrow dialog: at 20x8 the title read `Delete this c…`.
    short_titles: tuple[str, ...] = ("Delete the archive?", "Delete archive?", "Delete?")
    if all(a.state == "partial" for a in going or (archive,)):
        # A stopped download, not an archive: it can be finished instead of deleted.
        from pytui.core.cache_names import partial_percent

        percent = partial_percent(archive)
        question = "Delete this partial download?"
        short_titles = ("Delete the partial download?", "Delete partial?", "Delete?")
        lines.append(Line(f"{'' if percent is None else f'{percent}% downloaded; '}i on it "
                          "resumes the download from there instead."))
    return Confirm(question, tuple(lines), confirm="Delete",
                   then=StartPurge(going or (archive,)), name="confirm-purge", short_titles=short_titles,
                   recheck=partial(decide_purge, pane=pane, key=key))


def _decide_purge_loose(state: AppState, tree: LooseTree, key: str) -> Decision:
    """`p` on a kept tree no archive uses: the purge of no archive, which removes every such
    tree (as `pytui cache purge` and Purge by rule do; core/cache.remove_trees_of) but a newer
    pytui's, which goes only when named: `p` on its own row names it."""
    from pytui.core.cache_kinds import NEWER_PYTUI, loose_trees_counted

    going = [t for t in state.loose_trees if t.why != NEWER_PYTUI or t.sha256 == tree.sha256]
    lines = [Line(short_path(tree.path, state.home)),
             Line(f"Frees {human_size(sum(t.freed for t in going))}.", strong=True)]
    if tree.why == NEWER_PYTUI:
        lines.append(Line("A newer pytui sharing this cache dir kept it: its next install of the build extracts the archive."))
    others = [t for t in going if t.sha256 != tree.sha256]
    if others:
        kinds = dict.fromkeys(t.why for t in going)
        named = " and ".join(loose_trees_counted(sum(t.why == why for t in going), why)
                             for why in kinds)
        lines.append(Line(f"Every kept tree no archive uses goes, as with any purge: {named}."))
    question = "Delete this unpacked tree?" if not others else "Delete the unpacked trees no archive uses?"
    return Confirm(question, tuple(lines), confirm="Delete",
                   then=StartPurge((), trees=True, named=(tree.sha256,) if tree.why == NEWER_PYTUI else ()),
                   name="confirm-purge", short_titles=("Delete the tree?", "Delete tree?", "Delete?"),
                   recheck=partial(decide_purge, pane="cached", key=key))


def archive_target(state: AppState, pane: str, key: str | None) -> CachedArchive | None:
    if key is None:
        return None
    if pane == "cached":
        return state.archive_at(key)
    return state.cached_by_key().get(key)


def decide_copy(state: AppState, pane: str, key: str | None) -> CopyText | Refuse:
    """`y`: the highlighted row's path: the install dir (Installed), the archive (Cached),
    the download URL (Available)."""
    if key is None:
        return nothing_highlighted(state, pane, "a row", "1, 2 or 3 jumps to a pane")
    if pane == "installed":
        installation = state.installation(key)
        if installation is not None:
            return CopyText(str(installation.path), "install dir")
    elif pane == "cached":
        archive = state.archive_at(key)
        if archive is not None:
            return CopyText(str(archive.path), "archive path")
        if (tree := state.loose_tree_at(key)) is not None:
            return CopyText(str(tree.path), "tree path")
        return Refuse(f"{key} is still downloading: its archive path exists once it is done.")
    elif state.catalog is not None and (build := state.catalog.get(key)) is not None:
        from pytui.app.download_source import first_download_url

        return CopyText(first_download_url(build, state.settings), "download URL")
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
        return _nothing_to_cancel(state)
    if job.ended:
        return DismissJob(job.job_id)
    if job.phase == "cancelling":
        return Refuse(f"{job.title} is already being cancelled.", severity="information")
    return CancelJob(job.job_id)


def _nothing_to_cancel(state: AppState) -> Refuse:
    """`c` with no job highlighted: why, by what runs (`Highlight a job (Tab to the Jobs
    panel)…` was said on the Jobs panel itself, with no job in it to highlight)."""
    running = state.running_jobs()
    if len(running) > 1:
        return Refuse(f"{len(running)} jobs are running: highlight the one to cancel in the Jobs "
                      "panel (4), or its build's row.")
    if any(job.ended for job in state.jobs.values()):
        return Refuse("No job is running: nothing to cancel (c on an ended job's row in the Jobs "
                      "panel, 4, dismisses it).", severity="information")
    return Refuse("No job is running: nothing to cancel (i installs the highlighted build).",
                  severity="information")


def decide_quit(state: AppState) -> Decision:
    """`q`: quit at once when no job or purge runs, else ask (asked again as they end
    meanwhile)."""
    if not state.running_jobs() and not state.purging:
        return Quit()
    return quit_question(state)


# Up to this many running jobs are named in the quit question; more are counted by kind.
QUIT_NAMES_JOBS = 3


def running_named(running: list[Job]) -> str:
    """`install cpython-3.13.7-linux-x86_64-gnu`: what quitting cancels, by kind, each build
    named while there are few (`install` alone said nothing of which; the line pytui prints
    once quit names them); more, their kinds only."""
    if len(running) > QUIT_NAMES_JOBS:
        return ", ".join(sorted({job.kind for job in running}))
    by_kind: dict[str, list[str]] = {}
    for job in running:
        by_kind.setdefault(job.kind, []).append(job.key or job.title)
    return "; ".join(kind if kind == VERIFY else f"{kind} {', '.join(keys)}"
                     for kind, keys in sorted(by_kind.items()))


def quit_question(state: AppState) -> Confirm:
    """The quit question on the jobs that have not settled and the purges running: a job that
    ended (done, failed, cancelled) is not running, so a question left open while its last job
    ended says so."""
    running = state.running_jobs()
    count = len(running)
    lines: tuple[Line, ...] = ()
    if not count and not state.purging:
        lines = (Line("No job is running now, nor a purge (they ended while this was open)."),
                 Line("Quitting leaves nothing behind."))
    elif count:
        them = "them" if count != 1 else "it"
        lines = (Line(f"{count} job{'s are' if count != 1 else ' is'} still running "
                      f"({running_named(running)})."),)
        if any(job.kind == INSTALL for job in running):
            lines += (Line(f"Quitting cancels {them}: nothing half-installed or half-removed "
                           "is left behind, and partial downloads stay as resumable .part "
                           "files."),)
        else:
            lines += (Line(f"Quitting cancels {them}; nothing is left half-removed."),)
    if state.purging:
        from pytui.app.job_view import PURGE_STOPPED

        purges = list(state.purging.values())
        said = (f"A purge is still running ({purges[0]})." if len(purges) == 1 else
                f"{len(purges)} purges are still running ({'; '.join(purges)}).")
        lines += (Line(said), Line(f"Quitting lets it end for a few seconds; stopped then, "
                                   f"{PURGE_STOPPED}."))
    # Not `Cancel`: beside "Quitting cancels it" a newcomer read it as cancelling the job.
    # Short: at 20 columns a button shows 13 cells (`Don't quit (n)` lost its `(n)`).
    return Confirm("Quit pytui?", lines, confirm="Quit", then=Quit(), name="confirm-quit",
                   recheck=quit_question, deny="Stay")


