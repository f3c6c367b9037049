"""What `i`, Enter and `U` do (no Textual): install, reinstall or upgrade, asked first or
refused in one line; the answers are app/decisions.py's.

Install policy on the TUI's side: `i` on a build that is not installed installs it; on one
whose catalog build is newer than the install (same key), it reinstalls it after saying
"build A → build B"; on an Installed row with a newer patch in the catalog it installs that
patch beside the old one (as `uv python install 3.X` does) after saying "3.X.a → 3.X.b".
Enter asks before any download starts, so a stray Enter (after typing a filter) never does.
"""

from __future__ import annotations

import os

from pytui.app.decisions import (
    Confirm,
    Decision,
    Line,
    Refuse,
    StartInstall,
    StartUpgrade,
    key_titles,
    nothing_highlighted,
)
from pytui.app.gateway import BEHIND, DAMAGED, MISSING_LINKS, UNLINKED
from pytui.app.purge_plan import PRUNE_OUTDATED
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel, newer_build
from pytui.core.install_policy import already_upgraded_message, describe_upgrade
from pytui.core.keys import EXECUTABLE_SUFFIX, TYPE_CHECKING
from pytui.core.models import Build, CachedArchive, Installation
from pytui.widgets.format import human_size, one_line, short_path

if TYPE_CHECKING:
    from pytui.app.upgrade_plan import Step


def _build_for_row(state: AppState, pane: str, key: str) -> Build | None:
    if pane == "cached":
        archive = state.archive_at(key)
        return archive.build if archive is not None else None
    return state.catalog.get(key) if state.catalog is not None else None


def decide_install(state: AppState, vm: ViewModel, pane: str, key: str | None, *,
                   ask: bool = False) -> Decision:
    """`i` (ask=False) or Enter (ask=True) on the highlighted row of `pane`."""
    if key is None:
        # The way there, as u's and p's refusals say theirs (it read `Nothing highlighted to
        # install.` on the empty Jobs panel, with no word of where the builds are).
        return nothing_highlighted(state, pane, "a build", "1 jumps to Available")
    if pane == "installed":
        return _decide_update(state, vm, key)
    build = _build_for_row(state, pane, key)
    if build is None:
        if pane == "cached" and (tree := state.loose_tree_at(key)) is not None:
            from pytui.app.details_view import loose_tree_note

            return Refuse(loose_tree_note(tree), title="Not installed from")
        if pane == "cached":
            return Refuse(f"{key} matches no build in the catalog, so it cannot be installed: "
                          "start pytui with the catalog it came from (--downloads-json), or p "
                          "purges it.")
        return Refuse(f"{key} is not in the catalog.")
    installation = state.installation(build.key)
    if installation is not None and damaged(installation):
        return _confirm_repair(state, build, installation)
    if installation is not None:
        if not newer_build(build, installation):
            if missing_links(installation) or unlinked(installation) or behind(installation):
                return _restore_links(state, build)
            return Refuse(f"{build.key} is already installed (u uninstalls it).",
                          severity="information")
        # Offline with nothing to install from: refused here too (the question said "Offline,
        # and its archive is not cached." and its yes started a job that failed).
        refused = _refuse_start(state, build)
        if refused is not None:
            return refused
        return _confirm_install(
            state, StartInstall(build, reinstall=True), f"Reinstall {build.key}?",
            f"from build {installation.build} to build {build.build} (the catalog's newer "
            "build of the same version); the install is replaced in place", ("Reinstall",))
    refused = _refuse_start(state, build)
    if refused is not None:
        return refused
    action = StartInstall(build)
    if not ask and not _eol_question(state, build):
        return action  # an end-of-life version is asked about, also on `i`
    return _confirm_install(state, action, f"Install {build.key}?",
                            f"into {short_path(state.settings.install_root, state.home)}",
                            ("Install",))


def _decide_update(state: AppState, vm: ViewModel, key: str) -> Decision:
    installation = state.installation(key)
    if installation is None:
        return Refuse(f"{key} is not installed.")
    if damaged(installation):
        build = state.catalog.get(key) if state.catalog is not None else None
        if build is None:
            return Refuse(f"{key} lacks {damaged(installation)}; it is not in the catalog: "
                          f"`pytui install --reinstall {key}` with the catalog it came from "
                          "installs it again.")
        return _confirm_repair(state, build, installation)
    newer = vm.update_for(state, installation)
    lacking = missing_links(installation) + unlinked(installation) + [name for name, _ in behind(installation)]
    if newer is None and lacking:
        build = state.catalog.get(key) if state.catalog is not None else None
        if build is None:
            return Refuse(f"{key} lacks its links ({', '.join(lacking)}); "
                          f"it is not in the catalog: `pytui install {key}` restores them.")
        return _restore_links(state, build)
    if newer is None:
        return Refuse(f"{key} is installed and up to date (u uninstalls it).",
                      severity="information")
    if newer.key == key:
        refused = _refuse_start(state, newer)
        if refused is not None:
            return refused
        return _confirm_install(
            state, StartInstall(newer, reinstall=True), f"Reinstall {key}?",
            f"from build {installation.build} to build {newer.build}; "
            "the install is replaced in place", ("Reinstall",))
    if newer.key in state.installed_keys:
        return Refuse(already_upgraded_message(installation, newer, PRUNE_OUTDATED),
                      severity="information")
    refused = _refuse_start(state, newer)
    if refused is not None:
        return refused
    return _confirm_install(
        state, StartInstall(newer), f"Upgrade {describe_upgrade(installation, newer)}?",
        f"from {key} to {newer.key}; {installation.version} stays installed, as uv keeps it "
        "(u uninstalls it once nothing needs it)")


def damaged(installation: Installation) -> str:
    """The file uv's query needs that this install lacks (app/gateway.py), or ""."""
    return installation.extra.get(DAMAGED, "")


def _confirm_repair(state: AppState, build: Build, installation: Installation) -> Decision:
    """`i` on a damaged install: its reinstall, as `pytui install --reinstall KEY`, asked."""
    refused = _refuse_start(state, build)
    if refused is not None:
        return refused
    return _confirm_install(
        state, StartInstall(build, reinstall=True), f"Reinstall {build.key}?",
        f"it lacks {damaged(installation)} (part of it is gone, so uv does not list it); the "
        "install is replaced in place", ("Reinstall",))


def missing_links(installation: Installation) -> list[str]:
    """The links the disk listing found missing for this install (app/gateway.py)."""
    return installation.extra.get(MISSING_LINKS, "").split()


def behind(installation: Installation) -> list[tuple[str, str]]:
    """The links that run an older patch while this is the highest installed: (name, the key it
    runs) (app/gateway.py); `i` points them here, as `pytui install KEY` and uv do."""
    words = installation.extra.get(BEHIND, "").split()
    return list(zip(words[::2], words[1::2], strict=False))


def unlinked(installation: Installation) -> list[str]:
    """The bin link this install has not, which no run meant to make (--no-bin, uv's own
    downloads, a killed uv run: app/gateway.py); `i` makes it, as `pytui install KEY`."""
    return installation.extra.get(UNLINKED, "").split()


def _restore_links(state: AppState, build: Build) -> Decision:
    """`i` on an install whose links a killed run left out: an install job that finds
    it installed and makes them again, as `pytui install` does; nothing is downloaded."""
    if state.job_for_key(build.key) is not None:
        return Refuse(f"{build.key} is already being installed.", severity="information")
    return StartInstall(build)


def _refuse_start(state: AppState, build: Build) -> Refuse | None:
    if state.job_for_key(build.key) is not None:
        return Refuse(f"{build.key} is already being installed.", severity="information")
    lack = _offline_lack(state, build)
    if lack:
        return Refuse(f"Offline: {build.key} is {lack}. {_offline_next_step(state)}",
                      severity="error", title="Not cached")
    return None


def _offline_next_step(state: AppState) -> str:
    """What to do offline for a build the cache lacks: go online or import its archive; where
    the cache dir can take no file (/proc, /sys: core/cache_offline.unusable_cache_dir) neither
    works (the TUI's install caches what it downloads), only an import into another directory."""
    from pytui.core.cache_offline import IMPORT_ELSEWHERE, unusable_cache_dir

    words = unusable_cache_dir(state.settings.cache_dir)
    if words is None:
        return "Go online (o) or import its archive with `pytui cache import FILE`."
    return (f"The cache dir can hold no archive ({words}): {IMPORT_ELSEWHERE} and start pytui with --cache-dir DIR.")


def _offline_lack(state: AppState, build: Build) -> str:
    """Offline, where `build` is not (app/download_source.offline_lack: its archive is not
    cached and no `file://` mirror holds it), so it cannot install; "" when it can, and always
    online."""
    if not state.offline:
        return ""
    from pytui.app.download_source import offline_lack

    return offline_lack(state, build, cached=_cached_now(state, build) is not None)


def _cached_now(state: AppState, build: Build) -> CachedArchive | None:
    """The cached archive of `build` when its file is still there: another process (`pytui
    cache purge`, uv) may have removed it since the Cached pane was listed, and then the job
    downloads it (offline: cannot)."""
    archive = state.cached_by_key().get(build.key)
    return archive if archive is not None and os.path.isfile(archive.path) else None


def _confirm_install(state: AppState, action: StartInstall, title: str, what: str,
                     verbs: tuple[str, ...] = ()) -> Confirm:
    """`verbs`: the title's verb for its shorter forms naming the version (`Install 3.12.8?`),
    when the title names the build's key (the question's lines do not)."""
    build = action.build
    cached = _cached_now(state, build)
    if cached is not None and cached.tree and not state.settings.no_trees:
        # The job links the tree (checked against its manifest first; a changed one is
        # extracted again from the archive), as the CLI's `link KEY from the tree kept …`;
        # with PYTUI_NO_TREES it extracts the archive and the tree stays unused.
        source = Line(f"From the unpacked tree kept in the cache (beside its "
                      f"{human_size(cached.size)} archive): linked, no download, no extraction.")
    elif cached is not None:
        source = Line(f"From the cached archive ({human_size(cached.size)}); no download.")
    elif _offline_lack(state, build):
        source = Line("Offline, and its archive is not cached.")
    else:
        source = _download_source(state, build)
    question = _eol_question(state, build)
    eol = (Line(question, strong=True),) if question else ()
    return Confirm(title, (Line(what), source, *eol), confirm="Install", then=action,
                   danger=False, name="confirm-install",
                   short_titles=key_titles(verbs, build) if verbs else ())


def _download_source(state: AppState, build: Build) -> Line:
    """Where the install will download from (app/download_source.py), and from where in it
    when a stopped download's `.part` is kept (it said `Downloads …` as if from scratch)."""
    from pytui.app.download_source import download_source
    from pytui.core.cache_names import partial_percent

    url, fallback = download_source(build, state.settings)
    part = next((a for a in state.archives if a.state == "partial" and a.build is not None
                 and a.build.key == build.key and os.path.isfile(a.path)), None)
    if part is None:
        return Line(f"Downloads {url}{fallback}", strong=True)
    done = partial_percent(part)
    kept = f"{done}%, {human_size(part.size)}" if done is not None else human_size(part.size)
    holder = state.held_parts.get(part.name)
    if holder is not None:
        # Not stopped: the job waits for the `.part.lock`. What its holder does is said only as
        # far as the holder's record vouches for it (core/turn_record.held_part_doing).
        from pytui.core.turn_record import DOWNLOADING, held_part_doing

        doing, ends = held_part_doing(one_line(part.name + ".lock"), holder.words, holder.record)
        then = ("waits for that download and uses it, or resumes it if that process stops first"
                if holder.state == DOWNLOADING else
                f"waits until {ends}, then goes on with what is there then, else downloads it itself")
        return Line(f"{doing[:1].upper()}{doing[1:]}; {kept} of it when listed: the install {then}",
                    strong=True)
    return Line(f"Resumes its stopped download ({kept} kept) from {url}{fallback}", strong=True)


def _eol_question(state: AppState, build: Build) -> str:
    """For an end-of-life version, the fact then the question (core/support.py words both)."""
    from pytui.app.support_view import today
    from pytui.core.support import eol_question

    return eol_question(build, state.settings.state_dir, today(state.clock()))


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
    lacking = [(b.key, lack) for b in targets if (lack := _offline_lack(state, b))]
    if lacking:
        key, lack = lacking[0]
        return Refuse(f"Offline: {key} is {lack}"
                      + (f" (and {len(lacking) - 1} more)" if len(lacking) > 1 else "")
                      + ". Go online (o) to upgrade.", severity="error", title="Not cached")
    missing = [b.key for b in targets if b.key not in cached]
    lines: list[Line] = []
    envs = state.environments
    for step, target in zip(todo, targets, strict=True):  # (every step in todo has its target)
        lines.append(Line(f"{_upgrade_from_to(step.current, target)}  ({target.key})", strong=True))
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
    # Offline, what is not cached is read from the `file://` mirror (refused above otherwise).
    fetched = "reads {} from the mirror." if state.offline else "downloads {}."
    lines.append(Line(_what_stays(todo)
                      + (fetched.format(f"{download} archive{'s' if download != 1 else ''}")
                         if download else "all from the cache; no download.")))
    noun = "1 version" if len(todo) == 1 else f"{len(todo)} versions"
    return Confirm(f"Upgrade {noun}?", tuple(lines), confirm="Upgrade",
                   then=StartUpgrade(tuple(targets)), danger=False, name="confirm-upgrade",
                   recheck=decide_upgrade, short_titles=upgrade_titles(targets))


def _upgrade_from_to(current: Installation, target: Build) -> str:
    """`3.12.3 → 3.12.8`; a newer build of the installed patch (the same key) says its builds,
    as `3.12.3 → 3.12.3` read as nothing to do."""
    from pytui.app.upgrade_plan import builds_from_to, replaces_install

    if not replaces_install((current,), target):
        return f"{current.version} → {target.version}"
    return f"{current.version} {builds_from_to(current, target, '→')}"


def _what_stays(todo: list[Step]) -> str:
    """Whether the installs upgraded from stay: an older patch does, an older build of the
    same patch is replaced in place (its key's directory), as `uv python upgrade` does."""
    from pytui.app.upgrade_plan import replaces_install

    replaced = sum(1 for step in todo
                   if step.target is not None and replaces_install((step.current,), step.target))
    if replaced == len(todo):
        return "The installed build is replaced; "
    kept = f"Old patches stay installed ({PRUNE_OUTDATED} removes unused ones)"
    return f"{kept}, an older build of the same patch is replaced; " if replaced else f"{kept}; "


def upgrade_titles(targets: list[Build]) -> tuple[str, ...]:
    """The upgrade question's shorter titles for a narrow dialog (20x8: `Upgrade 1 version?`
    was cut to `Upgrade 1 versi…`, the uninstall and install questions gave way to whole forms):
    the minor version a single upgrade is for (`Upgrade 3.12?`, `3.13t`, `pypy-3.10`), else how
    many (`2 upgrades?`); then `Upgrade?`."""
    if len(targets) != 1:
        return (f"{len(targets)} upgrades?", "Upgrade?")
    target = targets[0]
    minor = f"{target.major}.{target.minor}{EXECUTABLE_SUFFIX.get(target.variant, '')}"
    if target.implementation != "cpython":
        minor = f"{target.implementation}-{minor}"
    return (f"Upgrade {minor}?", "Upgrade?")
