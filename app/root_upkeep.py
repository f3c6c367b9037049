"""What `pytui install` and `pytui uninstall` do to the install root and the cache besides
their jobs: restore the links of installs that already satisfy a request, clean what killed
runs left (`.temp/`, the cache's `trees/` leftovers, half-finished uninstalls) and warn about
an install a killed run left without its interpreter. Never waits for the root's lock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pytui.app.style import stderr_style
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.install_root import InstallRoot
    from pytui.core.models import Installation
    from pytui.core.platform_detect import HostPlatform
    from pytui.core.settings import Settings


def tidy_root(settings: Settings, satisfied_keys: list[str], *, clean_temp: bool,
               force: bool = False) -> None:
    """What a run does for installs that already satisfy their request, as uv does: restore a
    missing minor-version link or bin link (a run killed between its commit and its links
    leaves them out), with `force` replace whatever holds their bin link's name, and, when
    there is nothing to install, clean `.temp/` of killed runs.
    Never waits: while uv or another pytui holds the root's lock, the repair is skipped and
    said in a warning (the clean-up, silently)."""
    import contextlib
    import os

    from pytui.core.errors import PytuiError
    from pytui.core.install_root import InstallRoot
    from pytui.core.link_repair import absent_links, behind_links, linking_record, restore_links

    root = InstallRoot(settings.install_root, lock_timeout=0)
    installed: list[str] = []
    with contextlib.suppress(PytuiError, OSError):
        installed = [i.key for i in root.installed()] if satisfied_keys else []
    # Links into an older patch of the highest installed are re-pointed too, as uv does.
    repairs = [key for key in satisfied_keys
               if absent_links(root.path, settings, key) or (force and not settings.no_bin)
               or (not settings.no_bin and os.path.lexists(linking_record(root.path, key)))
               or behind_links(root.path, settings, key, installed)]
    with contextlib.suppress(PytuiError, OSError):
        if clean_temp and os.path.isdir(root.temp_dir) and os.listdir(root.temp_dir):
            root.clean_temp(bin_dir=settings.bin_dir, on_restored=_say_restored)
    if clean_temp:
        _clean_kept_tree_leftovers(settings.cache_dir)
        _clean_killed_imports(settings.cache_dir)
    for key in repairs:
        try:
            restored = restore_links(root, settings, key, force=force)
        except (PytuiError, OSError) as err:
            # Said, not skipped silently: the run ends "already installed" and the links
            # would stay missing with no word why.
            print(stderr_style().warning(_not_restored(root, settings, key, err)), file=sys.stderr)
            continue
        links = restored.links
        # uv's line for each command linked (uv says it whatever became of the link)...
        for link in links.linked if links is not None else ():
            print(f" + {key} ({link.name})", file=sys.stderr)
        # ... and which: made, re-pointed or restored, as the TUI says it (the minor-version
        # link's too, which no `+` line names).
        if restored.changes:
            print(f"{key}: {'; '.join(restored.changes.said())}", file=sys.stderr)
        for warning in links.warnings if links is not None else ():
            print(stderr_style().warning(str(warning)), file=sys.stderr)  # (the CLI's words)


def _not_restored(root: InstallRoot, settings: Settings, key: str, err: Exception) -> str:
    """Why the links `key`'s install lacks were not restored, and what to do."""
    from pytui.core.fs_errors import cause
    from pytui.core.link_repair import absent_links
    from pytui.core.root_lock import LockTimeout

    names = absent_links(root.path, settings, key)
    what = (f"the missing links of {key} ({', '.join(names)}) were not restored" if names
            else f"the bin link of {key} was not replaced (--force)")
    if isinstance(err, LockTimeout):
        return (f"{what}: uv or another pytui process holds the install root's lock "
                f"({root.lock_path}); run `pytui install {key}` again once it is done")
    if isinstance(err, OSError):
        return f"{what}: {cause(err)}; run `pytui install {key}` again once that is fixed"
    return f"{what}: {err}"


def _clean_killed_imports(cache_dir: Path) -> None:
    """Remove the temporary copies killed `cache import` runs left in the cache dir (a whole
    archive each), as many as an import removes: the rule for what a killed run leaves that no
    later run takes up (the kept trees' leftovers above, `.temp/`), where a killed download's
    `.part` stays for the next download of it to resume. Silently; a running import's stays."""
    import contextlib

    from pytui.core.writer_pids import IMPORT_TEMP_PREFIX

    try:
        names = os.listdir(cache_dir)
    except OSError:
        return
    if any(name.startswith(IMPORT_TEMP_PREFIX) for name in names):
        from pytui.core.cache_import import MAX_CLEANED_BY_IMPORT, remove_stale_imports

        with contextlib.suppress(OSError):
            remove_stale_imports(Path(cache_dir), limit=MAX_CLEANED_BY_IMPORT)


def _clean_kept_tree_leftovers(cache_dir: Path) -> None:
    """Remove what killed runs left in the cache's `trees/` (a reinstall killed while it kept
    the new tree leaves up to a whole unpacked build, and its rerun is satisfied by the old
    install, which keeps no tree: the leftover waited for some later install's keep), as many
    as a keep removes; silently, as `.temp/`'s clean-up."""
    import contextlib

    from pytui.core.tree_store import TREES_DIR

    trees = Path(cache_dir) / TREES_DIR
    try:
        names = os.listdir(trees)
    except OSError:
        return
    # Only hidden names can be leftovers (kept trees are named by their sha256): the module
    # that tells them is imported only when there is one.
    if any(name.startswith(".") for name in names):
        from pytui.core.tree_leftovers import clean_leftovers
        from pytui.core.tree_store import MAX_CLEANED_BY_KEEP

        with contextlib.suppress(OSError):
            for _removed in clean_leftovers(trees, limit=MAX_CLEANED_BY_KEEP):
                pass


def say_half_there(installed: list[Installation], satisfied_keys: list[str],
                   host: HostPlatform) -> None:
    """A warning for each install that satisfies a request but has no interpreter, or one that
    does not start as uv's query of it needs: a run killed while it removed or replaced it (uv
    deletes an old tree in place before its new one is renamed in) left the rest, which
    `uv python install` and pytui take for installed while `uv python list` and `find` drop it
    (core/interpreter_start.py). An install for a platform `host` does not run (an aarch64
    build on x86-64, installed by its key) is not started: uv never queries one, and its
    `exec format error` is no sign of a killed run."""
    from pytui.core.installed import python_dir

    for installation in installed:
        if installation.key not in satisfied_keys:
            continue
        executable = python_dir(installation.path) / installation.executable
        where = f"{installation.key} in {installation.path.parent}"
        again = f"`pytui install --reinstall {installation.key}` installs it again"
        try:
            os.lstat(executable)
        except FileNotFoundError:
            print(stderr_style().warning(
                f"{where} has no interpreter ({installation.executable}): part of it is gone, as "
                f"a run killed while removing or replacing it leaves it; {again}"), file=sys.stderr)
            continue
        except OSError as err:
            # Not a half-removed install: one this user may not read (another user's, private).
            from pytui.core.fs_errors import cause, owned_by_another

            why = owned_by_another(err, installation.path) or cause(err)
            print(stderr_style().warning(
                f"{where} cannot be read ({why}), so its interpreter runs for its owner only"),
                file=sys.stderr)
            continue
        # Imported here: a run that installs (nothing satisfied) starts no subprocess.
        from pytui.core.listing import host_runs

        if not host_runs(host, installation):
            continue
        from pytui.app.safe_text import shown
        from pytui.core.interpreter_start import on_noexec_mount, start_failure

        if on_noexec_mount(executable):
            print(stderr_style().warning(
                f"{where} cannot run ({installation.executable}): its filesystem is mounted "
                f"noexec, so no program runs from it, for uv as for pytui; install to a root "
                f"on another filesystem (UV_PYTHON_INSTALL_DIR), or remount it without noexec"),
                file=sys.stderr)
            continue
        if (failed := start_failure(executable)) is not None:
            print(stderr_style().warning(
                f"{where} does not start ({installation.executable}: {shown(failed)}), so uv does "
                f"not list it: part of it is gone or damaged, as a run killed while removing or "
                f"replacing it leaves it; {again}"),
                file=sys.stderr)


def finish_killed_uninstalls(settings: Settings) -> None:
    """What an uninstall killed half-way left (core/root_temp.py, InstallRoot.clean_temp), finished and
    said; skipped while uv or another pytui holds the root's lock."""
    import contextlib

    from pytui.core.errors import PytuiError
    from pytui.core.install_root import InstallRoot

    def said(key: str) -> None:
        print(stderr_style().warning(f"finished an interrupted uninstall of {key}: its minor-version "
                                     "and bin links pointed at nothing"), file=sys.stderr)

    root = InstallRoot(settings.install_root, lock_timeout=0)
    with contextlib.suppress(PytuiError, OSError):
        if os.path.isdir(root.temp_dir):
            root.clean_temp(bin_dir=settings.bin_dir, on_finished=said, on_restored=_say_restored)


def _say_restored(key: str) -> None:
    from pytui.core.install_root import restored_line

    # A warning, as `install` says it through its jobs' warnings, whichever command found it.
    print(stderr_style().warning(restored_line(key)), file=sys.stderr)
