"""What the details panel shows (no Textual): for the highlighted row of a pane,
the build, archive and install it stands for, with its job; for a job, its whole outcome
(job_view.job_details)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pytui.app.envs_view import users_fields
from pytui.app.header_view import downloading_jobs
from pytui.app.job_view import job_details, may_download
from pytui.app.purge_plan import PRUNE_OUTDATED
from pytui.app.state import AppState
from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI
from pytui.core.install_policy import upgrade_installed_note
from pytui.core.keys import is_digits
from pytui.core.loose_trees import archive_of_tree, unusable_tree_why
from pytui.core.models import Build, CachedArchive, Installation
from pytui.widgets.format import home_shortened, human_size, one_line, short_path
from pytui.widgets.rows import NOTHING_HIGHLIGHTED, Details, cached_row_key

if TYPE_CHECKING:
    from pytui.app.view_model import ViewModel
    from pytui.core.cache_locks import PartHolder
    from pytui.core.loose_trees import LooseTree


def details(vm: ViewModel, state: AppState, pane: str, key: str | None) -> Details | None:
    """What the details panel shows for the highlighted row of `pane`."""
    if key is None:
        return None
    if pane == "jobs":
        job = state.jobs.get(int(key)) if is_digits(key) else None
        return job_details(state, job) if job is not None else None
    return _row_details(vm, state, pane, key)


# Available is empty for want of a catalog (a --downloads-json that cannot be read): said in
# Details, by the keys that act on a row, and by the empty Jobs panel.
NO_CATALOG = "No catalog is loaded, so no build is listed (H says why)."
# The empty Jobs panel, while there is something to install.
NO_JOBS = "No jobs. Highlight a build and press i to install it."


def empty_jobs_note(state: AppState) -> str:
    """What the empty Jobs panel says: how a job starts, or, with no catalog loaded, why no
    build is there to install (it said `press i`, which then refused)."""
    return f"No jobs. {NO_CATALOG}" if _no_catalog(state) else NO_JOBS


def _no_catalog(state: AppState) -> bool:
    return state.catalog_problem and (state.catalog is None or not len(state.catalog))


def nothing_note(state: AppState, pane: str) -> str:
    """What the details say when the pane has no row highlighted: why it is empty
    (empty_pane_note), else NOTHING_HIGHLIGHTED."""
    return empty_pane_note(state, pane) or NOTHING_HIGHLIGHTED


def empty_pane_note(state: AppState, pane: str) -> str | None:
    """Why a pane shows no row and how that changes: no catalog was loaded, the install root or
    the cache holds nothing yet, or (the pane has rows) a filter left it empty (a newcomer read
    `Nothing highlighted.` as nothing being there). Details says it, and so do the keys that act on a row
    (decisions.nothing_highlighted), which pointed to the pane the user was on."""
    # What the pane holds before any filter is said first: a filter on a pane with no rows at
    # all hides nothing, and `No row here matches the filter` sent the user to clear it.
    if pane == "available" and _no_catalog(state):
        return NO_CATALOG
    if state.disk_listed and pane == "installed" and not state.installations \
            and not state.root_problem:
        return (f"Nothing is installed in {short_path(state.settings.install_root, state.home)}"
                " yet: highlight a build on Available (1) and press i.")
    # (Cached also lists kept trees no archive uses and downloads in flight: a pane with those
    # is not empty, and a filter hiding them is what to say.)
    if state.disk_listed and pane == "cached" and not state.archives and not state.cache_problem \
            and not state.loose_trees and not downloading_jobs(state):
        return (f"No archive in the cache ({short_path(state.settings.cache_dir, state.home)})"
                " yet: an install downloads its archive there.")
    text = state.view.filter_text
    if text and pane in ("available", "cached", "installed"):
        return f"No row here matches the filter “{one_line(text)}” (Esc clears it)."
    return None


def _row_things(state: AppState, pane: str, key: str) -> tuple[
        Build | None, CachedArchive | None, Installation | None]:
    """The build, archive and install a row of `pane` stands for (each may be missing)."""
    catalog = state.catalog
    archive: CachedArchive | None = None
    installation: Installation | None = None
    build: Build | None = None
    if pane == "cached":
        archive = next((a for a in state.archives if cached_row_key(a.name) == key), None)
        if archive is not None:
            build = archive.build
            if build is None:  # no catalog build of that name: an install may be its own
                installation = _installed_from(state, archive)
        else:  # a download in flight
            job = next((j for j in state.running_jobs()
                        if j.build is not None and j.build.cache_filename == key), None)
            build = job.build if job else None
    else:
        build = catalog.get(key) if catalog is not None else None
        if pane == "installed":
            installation = state.installation(key)
            if installation is not None and build is not None and installation.build \
                    and build.build and installation.build != build.build:
                # The catalog lists another build of this key (an update, or an older one):
                # the row is the install, described by its own build and its own archive.
                return None, _own_archive(state, installation), installation
    if build is not None:
        # A cancelled download's `.part` too: the Cached pane shows it, and Available's `◐`.
        archive = (archive or state.cached_by_key().get(build.key)
                   or state.partial_by_key().get(build.key))
        installation = installation or state.installation(build.key)
    return build, archive, installation


def _installed_from(state: AppState, archive: CachedArchive) -> Installation | None:
    """The install of the build an archive's file name says (its key and its build), if any."""
    from pytui.core.cache_names import parse_cache_name

    parsed = parse_cache_name(archive.name)
    if parsed is None or parsed.archive is None or archive.state != "ok":
        return None
    installation = state.installation(parsed.key)
    if installation is None or installation.build != parsed.archive.build:
        return None
    return installation


def _own_archive(state: AppState, installation: Installation) -> CachedArchive | None:
    """The cached archive of an install's own build (no catalog build names it)."""
    return next((archive for archive in state.archives
                 if _installed_from(state, archive) is installation), None)


def _catalogs_other_build(state: AppState, build: Build | None,
                          installation: Installation | None) -> str:
    """`catalog has build 20251010` for an install of another build than the catalog's (the
    row is the install's, and Available's row of its key is that build: "in Available" would
    claim this one is listed, and leaving it out said nothing of the row that is there)."""
    if build is not None or installation is None or state.catalog is None:
        return ""
    listed = state.catalog.get(installation.key)
    if listed is None or not listed.build or listed.build == installation.build:
        return ""
    return f"catalog has build {listed.build}"


def _build_words(build: Build | None, installation: Installation | None) -> list[str]:
    """The title line's first words: the catalog build's, else the install's own build (its
    flavor is the note's last part: see `_row_details`)."""
    if build is not None:
        return [f"build {build.build}" if build.build else ""]
    if installation is not None and installation.build:
        return [f"build {installation.build}"]
    return []


# Details of a Cached archive the catalog lists no build of (`i` refuses it, saying the same).
UNLISTED_ARCHIVE_NOTE = ("lists no build of this archive: i installs it once pytui runs with the "
                         "catalog it came from (--downloads-json)")


def loose_tree_note(tree: LooseTree) -> str:
    """That a kept tree no archive uses is never installed from, and what removes it: its
    Details' first field (whole at 80 columns), and `i`'s refusal on its Cached row."""
    if tree.why == NEWER_PYTUI:
        # Left for the pytui that kept it (core/loose_trees.py): only naming it removes it.
        return "A newer pytui's tree, not used here; p on it removes it."
    why = "its archive is gone" if tree.why == ARCHIVE_GONE else "manifest unreadable"
    # Not "any purge": `pytui cache purge` naming nothing in the cache removes nothing.
    return f"Never used ({why}); p, P or v removes it."


# Every purge the TUI runs removes the kept trees no archive uses (core/cache.remove_trees_of),
# and so does its verify: a loose tree's Details say which.
LOOSE_TREE_REMOVED_BY = "p on it or on any archive, P under any rule, v"


# What removes a newer pytui's tree (core/cache.remove_trees_of): not `v`, nor a purge of
# other archives.
NEWER_TREE_REMOVED_BY = "p on it or on its archive, P under the all rule"


def _loose_because(tree: LooseTree) -> str:
    if tree.why == NEWER_PYTUI:
        return "its manifest has a format this pytui cannot check, so installs extract the archive"
    if tree.why == ARCHIVE_GONE:
        return "an install links a kept tree only beside its archive"
    return "a kept tree is used only as its manifest recorded it"


def _loose_details(state: AppState, tree: LooseTree) -> Details:
    """Details of a Cached row that stands for a kept tree no archive uses."""
    # Why first: at 80x24 Details shows one field.
    fields = [("why", loose_tree_note(tree)), ("because", _loose_because(tree)),
              ("size", f"{human_size(tree.size)}; removing it frees {human_size(tree.freed)}"),
              ("tree", short_path(tree.path, state.home))]
    archive = None if tree.archive else archive_of_tree(tree, state.archives)
    if tree.archive:
        fields.append(("archive", f"{one_line(tree.archive)} (gone)"))
    elif archive is not None:
        fields.append(("archive", f"{one_line(archive.name)} (cached; installs extract it)"))
    fields.append(("removed by", NEWER_TREE_REMOVED_BY if tree.why == NEWER_PYTUI else LOOSE_TREE_REMOVED_BY))
    from pytui.core.cache_names import archive_key

    key = tree.key or (archive_key(archive) or "" if archive is not None else "")
    return Details(one_line(key or tree.sha256), fields, note=f"{tree.why} · in Cached")


def _row_details(vm: ViewModel, state: AppState, pane: str, key: str) -> Details:
    if pane == "cached" and (tree := state.loose_tree_at(key)) is not None:
        return _loose_details(state, tree)
    build, archive, installation = _row_things(state, pane, key)
    home = state.home
    panes = []
    if build is not None and vm.is_visible(state, build.key) or pane == "available":
        panes.append("Available")
    if archive is not None:
        panes.append("Cached")
    if installation is not None:
        panes.append("Installed")
    title = build.key if build is not None else (installation.key if installation else one_line(key))
    note_parts = _build_words(build, installation)
    if archive is not None:
        note_parts.append(_archive_size_words(state, archive, title))
    note_parts.append("in " + ", ".join(panes) if panes else "")
    note_parts.append(_catalogs_other_build(state, build, installation))
    # Last, so it is the first part a narrow line leaves out: the url and archive lines say
    # it again, and before it the panes part lost `Installed` at 120 columns.
    note_parts.append(build.flavor if build is not None else "")
    fields: list[tuple[str, str]] = []
    item = build or installation
    status = vm.support_status(state, item) if item is not None else None
    if status is not None:  # first: at 80x24 Details shows one field
        fields.append(("support", status.sentence()))
    if archive is not None:
        fields += _archive_fields(state, archive, title)
        # Cached under another catalog: on its own row, where `i` means this archive.
        if pane == "cached" and archive.unlisted:
            fields.append(("catalog", UNLISTED_ARCHIVE_NOTE))
    if installation is not None:
        size = state.sizes.get(installation.key)
        extra = f"  ({human_size(size)})" if size is not None else ""
        built = f"  build {installation.build}" if installation.build else ""
        # The name it is called by (bin/pythonX.Y), on the same line: Details has no room
        # for one more at 80x24.
        fields.append(("install", short_path(installation.path, home) + extra + built
                       + f"  · {installation.bin_names[0]}"))
        # Lines of their own: the install line is cut when the window is narrow.
        fields += _damage_fields(installation)
        fields += _link_fields(state, installation)
        # (`i` on Cached installs the archive's own catalog build, which this one has not.)
        newer = vm.update_for(state, installation) if build or pane != "cached" else None
        if newer is not None and newer.key != installation.key \
                and newer.key in state.installed_keys:
            fields.append(("update", f"{upgrade_installed_note(newer)} "
                                     f"({PRUNE_OUTDATED} prunes this one)"))
        elif newer is not None:
            fields.append(("update", f"{newer.key} build {newer.build} — press i to install"))
        fields += users_fields(state, installation.key)
    elif build is not None:
        fields.append(("install", short_path(Path(state.settings.install_root) / build.key,
                                               home) + "  (not installed)"))
    message = _job_line(state, title, fields)
    if not message and pane == "available" and installation is None:
        fields += _offline_field(state, build, archive)
    if build is not None:
        # Where it comes from last: the URL is shown whole (two lines at 120 columns), so
        # what is here (archive, install, users, the job) stays in view above it.
        from pytui.app.download_source import first_download_url

        # One word, so it is shown whole (the install question names the fallback host).
        fields.append(("url", first_download_url(build, state.settings)))
        fields += _mirror_field(state, build)
        fields.append(("sha256", build.sha256 or "not in the catalog"))
    return Details(title=title, fields=tuple(fields),
                   note=" · ".join(p for p in note_parts if p), message=message)


def _offline_field(state: AppState, build: Build | None,
                   archive: CachedArchive | None) -> list[tuple[str, str]]:
    """Offline, the `offline` line of a build that cannot install (app/download_source
    .offline_lack): with a `file://` mirror, it lacks the build too (it said `not cached` alone
    of a build the mirror holds). None while a download of it already under way goes on."""
    if not state.offline or build is None:
        return []
    job = state.job_for_key(build.key)
    if job is not None and may_download(job):
        return []
    from pytui.app.download_source import file_mirror, offline_lack

    if not offline_lack(state, build, cached=archive is not None):
        return []
    where = "not cached" if file_mirror(state.settings) is None else "in neither the cache nor the mirror"
    return [("offline", f"{where}: cannot be installed while offline")]


def _mirror_field(state: AppState, build: Build) -> list[tuple[str, str]]:
    """Under the URL, the configuration file that set the mirror it goes through, if one did."""
    from pytui.app.download_source import mirror_from_file

    said = mirror_from_file(build, state.settings)
    return [] if said is None else [("mirror", f"{said[0]} in {short_path(said[1], state.home)}")]


def _archive_size_words(state: AppState, archive: CachedArchive, key: str) -> str:
    """The archive's size; a download's bytes so far and of what (`820.3 KiB of 2.9 MiB`):
    alone, `820.3 KiB` beside the build date read as the build's size. A download under way
    says its job's bytes, as its Cached row and job row do (the listing saw the `.part` when
    the download had just started)."""
    if archive.state != "partial":
        return human_size(archive.size)
    got, total = archive.size, archive.expected_size
    job = state.job_for_key(key)
    if job is not None and job.phase == "download":
        got, total = job.done, job.total or total
    return f"{human_size(got)} of {human_size(total)}" if total else human_size(got)


def _archive_fields(state: AppState, archive: CachedArchive, key: str) -> list[tuple[str, str]]:
    """Where the archive is, its kept tree, and what a stopped download's `.part` is for."""
    fields = [("archive", short_path(archive.path, state.home))]
    unusable = unusable_tree_why(archive, state.loose_trees) if archive.tree else ""
    if unusable == MANIFEST_UNREADABLE:
        # Not used as kept: the next install removes it and extracts (its row says `ok`).
        fields.append(("tree", "manifest unreadable (its own row): the next install extracts the archive "
                               "and keeps a new tree"))
    elif unusable:
        # A newer pytui's: left as it is, and not used by this one.
        fields.append(("tree", "kept by a newer pytui (its own row): installs here extract the archive "
                               "and leave that tree"))
    elif archive.tree:
        fields.append(("tree", "kept: installs link it instead of extracting the archive"))
    if archive.state == "partial" and state.job_for_key(key) is None:
        holder = state.held_parts.get(archive.name)
        fields.append(("download", held_note(archive, holder) if holder is not None else partial_note(archive)))
    return fields


def held_note(archive: CachedArchive, holder: PartHolder) -> str:
    """A `.part` whose lock another process holds: not stopped, so not `i resumes it` (an
    install here would wait for that process). What that process does is said only as far as
    its record on the lock vouches for it (core/turn_record.held_part_doing, the purge's rule)."""
    from pytui.core.turn_record import held_part_doing

    doing, _ = held_part_doing(one_line(archive.name + ".lock"), holder.words, holder.record)
    return f"{_got(archive)}downloaded ({human_size(archive.size)}) when listed: {doing}"


def partial_note(archive: CachedArchive) -> str:
    """What a resumable `.part` means to do: after a cancel, a newcomer saw `◐ 47%` and
    no word of what became of the download."""
    return (f"{_got(archive)}downloaded ({human_size(archive.size)}), stopped: i resumes it from there, "
            "p on Cached deletes it")


def _got(archive: CachedArchive) -> str:
    from pytui.core.cache_names import partial_percent

    done = partial_percent(archive)
    return f"{done}% " if done is not None else ""


def _job_line(state: AppState, key: str, fields: list[tuple[str, str]]) -> str:
    """Adds what the newest job for `key` is doing; returns its whole error if it failed."""
    job = state.job_for_key(key, ended_too=True)
    if job is not None and job.running:
        fields.append(("job", f"{job.phase} — press c to cancel"))
    elif job is not None and job.phase == "failed":
        fields.append(("last job", "failed (why: below)"))
        return home_shortened(job.error, state.home)  # as the job's own details say it
    return ""


def _damage_fields(installation: Installation) -> list[tuple[str, str]]:
    """A damaged install (core/install_damage.py): what it lacks, what uv makes of it, `i`."""
    from pytui.app.install_decisions import damaged

    missing = damaged(installation)
    if not missing:
        return []
    return [("damaged", f"lacks {missing}, so uv does not list it (part of it is gone, as a run "
                        "killed while removing or replacing it leaves it); i reinstalls it")]


def _missing_note(installation: Installation) -> str:
    """The links a killed run left out (core/link_repair.py), and how to get them back."""
    from pytui.app.install_decisions import missing_links

    missing = missing_links(installation)
    if not missing:
        return ""
    return f"missing: {', '.join(missing)}; i restores {'it' if len(missing) == 1 else 'them'}"


def _link_fields(state: AppState, installation: Installation) -> list[tuple[str, str]]:
    """The links the install lacks: those a killed run left out, and a bin link none made."""
    missing, unlinked = _missing_note(installation), _unlinked_note(state, installation)
    return [(name, text) for name, text in (("links", missing), ("bin", unlinked),
                                            ("behind", _behind_note(installation))) if text]


def _behind_note(installation: Installation) -> str:
    """Links that run an older patch while this is the highest (core/link_repair.behind_links)."""
    from pytui.app.install_decisions import behind

    pairs = behind(installation)
    if not pairs:
        return ""
    said = ", ".join(f"{name} runs {runs}" for name, runs in pairs)
    it = "it" if len(pairs) == 1 else "them"
    return (f"{said}: i points {it} here, as `pytui install {installation.key}` and `uv python "
            f"install {installation.key}` do")


def _unlinked_note(state: AppState, installation: Installation) -> str:
    """A bin link no run meant to make (core/link_repair.lacking_links): the fact, what makes
    it, and why it may rightly be absent (uv's own downloads, --no-bin; a killed uv run too)."""
    from pytui.app.install_decisions import unlinked

    names = unlinked(installation)
    if not names:
        return ""
    where = short_path(state.settings.bin_dir, state.home)
    return (f"no {', '.join(names)} in {where}: i makes it, as `pytui install {installation.key}` "
            "(uv makes none for --no-bin or a Python `uv run` downloaded; a uv run killed "
            "before its links leaves none)")
