"""`pytui cache dir | list | verify | purge | import | export-mirror`: the archive cache.

The cache is uv's `UV_PYTHON_CACHE_DIR` layout (`--cache-dir`, `UV_PYTHON_CACHE_DIR`, else
pytui's own), so these commands also manage what uv cached. Exit 0 on success, 1 when
something failed (a corrupt archive found, an unknown file refused, nothing matched),
2 on bad usage. Imports only argparse at the top so `pytui --help` stays quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from pytui.app.style import stderr_style

if TYPE_CHECKING:
    from pathlib import Path

    from pytui.core.cache import ArchiveCache
    from pytui.core.cache_purge import Leftovers
    from pytui.core.catalog import Catalog
    from pytui.core.models import CachedArchive
    from pytui.core.progress import Progress
    from pytui.core.tree_store import TreeInfo


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "cache", parents=[common],
        help="list, verify, purge, import or export cached Python archives",
        description="Manage the archive cache: the downloaded Python archives, named as uv names "
                    "them in UV_PYTHON_CACHE_DIR, so one directory serves pytui and uv. An archive "
                    "enters the cache only after its sha256 matched; interrupted downloads stay as "
                    "resumable .part files.",
    )
    actions = p.add_subparsers(dest="cache_action", metavar="ACTION")

    a = actions.add_parser("dir", parents=[common], help="print the cache directory")
    a.set_defaults(cache_run=_run_dir)

    a = actions.add_parser("list", aliases=["ls"], parents=[common],
                           help="list cached archives and partial downloads",
                           description="List the archives in the cache with their size, the "
                                       "build they hold (read from uv's file name, so the same "
                                       "under any catalog) and their state: ok, partial (a "
                                       "resumable download, with its percent), corrupt (empty) or "
                                       "unknown (not named as uv names archives).")
    a.add_argument("--json", action="store_true", help="print one JSON array instead of a table")
    a.set_defaults(cache_run=_run_list)

    a = actions.add_parser("verify", parents=[common],
                           help="re-hash every archive and check every kept tree; remove the corrupt ones",
                           description="Re-compute each archive's sha256 and compare it with the "
                                       "catalog's (or, for archives no build names, with the hash "
                                       "prefix in uv's file name), and each kept unpacked tree "
                                       "with its manifest. Corrupt archives and changed trees are "
                                       "removed, so the next install downloads or extracts them "
                                       "again. Exit 1 if any archive was corrupt or any tree had "
                                       "changed.")
    a.set_defaults(cache_run=_run_verify)

    a = actions.add_parser(
        "purge", parents=[common], help="remove cached archives",
        description="Remove archives: those matching KEY or REQUEST (uv's request grammar: "
                    "3.12, 3.13t, cpython-3.12.8-linux-x86_64-gnu; or a cache file name), or by "
                    "rule. --superseded removes archives for which a newer build of the same "
                    "version, variant and platform is known (in the catalog or the cache); an "
                    "archive the catalog merely does not list is kept. --installed removes "
                    "archives of installed interpreters; --all empties the cache.")
    a.add_argument("targets", nargs="*", metavar="KEY|REQUEST", help="what to remove")
    rules = a.add_mutually_exclusive_group()
    rules.add_argument("--all", dest="rule", action="store_const", const="all",
                       help="every archive and partial download")
    rules.add_argument("--superseded", dest="rule", action="store_const", const="superseded",
                       help="archives with a newer build of the same version and platform known")
    rules.add_argument("--installed", dest="rule", action="store_const", const="installed",
                       help="archives whose interpreter is installed")
    a.add_argument("--dry-run", "-n", action="store_true",
                   help="print what would be removed and the bytes freed; remove nothing")
    a.set_defaults(cache_run=_run_purge, rule=None)

    a = actions.add_parser(
        "import", parents=[common], help="copy archives from anywhere into the cache",
        description="Hash each FILE, find the catalog build with that sha256 and copy the file "
                    "into the cache under uv's name for it. A file no build matches is refused.")
    a.add_argument("files", nargs="+", metavar="FILE",
                   help="an archive, under any name: its sha256 says which build it is")
    a.set_defaults(cache_run=_run_import)

    a = actions.add_parser(
        "export-mirror", parents=[common], help="lay the cache out as an offline mirror",
        description="Copy the cached python-build-standalone archives to DIR/<release>/<file> "
                    "and write DIR/download-metadata.json (uv's format) for them. On another "
                    "machine, with no network: `pytui --mirror file://DIR --downloads-json "
                    "DIR/download-metadata.json install 3.12`, or `UV_PYTHON_INSTALL_MIRROR="
                    "file://DIR UV_PYTHON_DOWNLOADS_JSON_URL=DIR/download-metadata.json uv python "
                    "install 3.12`.")
    a.add_argument("dest", metavar="DIR", help="the mirror's directory")
    a.set_defaults(cache_run=_run_export)

    p.set_defaults(run=run, cache_run=None)


def run(args: argparse.Namespace) -> int:
    if args.cache_run is None:
        from pytui.core.errors import UsageError

        raise UsageError("pytui cache needs an action: dir, list, verify, purge, import or "
                         "export-mirror (see pytui cache --help)")
    return int(args.cache_run(args))


# -- helpers ----------------------------------------------------------------------------------
def _cache(args: argparse.Namespace) -> ArchiveCache:

    from pytui.core.cache import ArchiveCache

    return ArchiveCache(args.settings.cache_dir)


def _catalog(args: argparse.Namespace) -> Catalog:
    from pytui.core.sources import load_catalog

    return load_catalog(args.settings)


def _size(n: int | None) -> str:
    from pytui.core.units import format_bytes

    return format_bytes(n)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _shown(name: object) -> str:
    """A cache file name or path as printed: anyone can drop a file into the cache dir, and its
    name must not steer the terminal (ESC sequences), forge a row (a newline) or crash a
    strict UTF-8 stdout (a byte that is not UTF-8): app/safe_text.py escapes them."""
    from pytui.app.safe_text import shown

    return shown(name)


class _ProgressLine:
    """A one-line progress display on a terminal's stderr; silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        total = f" / {_size(progress.total)}" if progress.total else ""
        sys.stderr.write(f"\r{self.label} {_size(progress.done)}{total}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def _describe(archive: CachedArchive) -> str:
    from pytui.core.cache import archive_key

    return _shown(archive_key(archive) or "unknown build")


# -- actions ----------------------------------------------------------------------------------
def _run_dir(args: argparse.Namespace) -> int:
    from pytui.app.cmd_dir import run

    args.which = "cache"
    return run(args)


def _archive_json(archive: CachedArchive, tree: TreeInfo | None) -> dict[str, Any]:
    from pytui.core.cache import archive_key, archive_percent
    from pytui.core.cache_names import parse_cache_name
    from pytui.core.url_secrets import without_secrets

    build = archive.build
    named = parse_cache_name(archive.name)
    from_name = named.archive if named is not None else None
    return {
        "file": archive.name,
        "path": str(archive.path),
        "size": archive.size,
        "state": archive.state,
        "key": archive_key(archive),
        "version": build.version if build else from_name.version if from_name else None,
        "build": build.build if build else from_name.build if from_name else None,
        "in_catalog": build is not None,
        "sha256": build.sha256 if build else None,
        "url": without_secrets(build.url) if build else None,  # a password as uv shows it
        "expected_size": archive.expected_size,
        "percent": None if (p := archive_percent(archive)) is None else round(p, 1),
        # The archive's unpacked pristine tree, when one is kept (installs hard-link from it).
        "tree": str(tree.path) if tree is not None else None,
    }


# A partial download's state while a process writes it (the Cached pane's word).
DOWNLOADING = "downloading"


def _run_list(args: argparse.Namespace) -> int:
    from pytui.core.cache_kinds import counted, kind_counts
    from pytui.core.cache_names import partial_percent

    cache = _cache(args)
    dangling = _dangling_link_problem(cache.root)
    archives = cache.list(_catalog(args))
    trees = cache.trees_by_archive()
    if dangling is not None:
        # Listed as empty (uv takes it for no cache), but the archives are elsewhere, or lost.
        print(stderr_style().warning(dangling), file=sys.stderr)
    if args.json:
        from pytui.app.safe_text import json_text

        print(json_text([_archive_json(a, trees.get(a.name)) for a in archives]))
        return 0
    if not archives:
        if dangling is None:
            print(f"no archives in {_shown(cache.root)}")
            _say_leftovers(cache)
        return 0
    from pytui.core.cache_locks import live_downloads

    # A `.part` a pytui process is writing now (it holds the `.part.lock`, as a purge asks):
    # `downloading`, as the Cached pane says it; `partial` is a stopped one, which `i` resumes.
    live = live_downloads(archives)
    rows = []
    for archive in archives:
        state = DOWNLOADING if archive.name in live else archive.state
        percent = partial_percent(archive)
        if percent is not None:
            state = f"{state} {percent}%"
        tree = "+ tree" if archive.name in trees else ""
        rows.append((_describe(archive), state, _size(archive.size), tree, _shown(archive.name)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for key, state, size, tree, name in rows:
        print(f"{key:<{widths[0]}}  {state:<{widths[1]}}  {size:>{widths[2]}}  {tree:<{widths[3]}}  {name}")
    total = cache.disk_usage()  # archives, .part files and trees, a hard-linked file once
    kept = f", {len(trees)} unpacked tree{'s' if len(trees) != 1 else ''}" if trees else ""
    # Counted by the Cached pane's rule: `unknown` and `partial` files are no archives.
    counts = kind_counts(a for a in archives if a.name not in live)
    counts = {"archive": counts.pop("archive"), DOWNLOADING: len(live), **counts}
    kinds = ", ".join(f"{count} {kind}" if kind == DOWNLOADING else counted(count, kind)
                      for kind, count in counts.items() if count or kind == "archive")
    print(f"{kinds}{kept}, {_size(total)} in {_shown(cache.root)}")
    _say_leftovers(cache)
    return 0


def _say_leftovers(cache: ArchiveCache) -> None:
    """One line for what killed runs left in the cache dir (in the total, in no row): a tree
    half removed can be a whole unpacked build."""
    from pytui.core.cache_purge import find_leftovers

    found = find_leftovers(cache)
    if found.count:
        print(f"{found.count} leftover{'s' if found.count != 1 else ''} of killed runs ({_size(found.size)}), "
              "removed by `pytui cache verify` or `pytui cache purge --all`")


def _dangling_link_problem(path: Path) -> str | None:
    """The line for a cache dir that is a symbolic link to nothing, else None."""
    from pytui.core.cache import CACHE_DIR_ALTERNATIVE
    from pytui.core.installed import dir_shape_problem

    if not os.path.islink(path) or os.path.exists(path):
        return None
    return dir_shape_problem(path, "the cache dir", CACHE_DIR_ALTERNATIVE)


def _run_verify(args: argparse.Namespace) -> int:
    cache = _cache(args)
    catalog = _catalog(args)
    line = _ProgressLine("verifying")
    try:
        report = cache.verify(catalog, progress=line)
    finally:
        line.clear()
    if report.leftovers is not None:
        _said_leftovers(report.leftovers, "removed")
    for archive, digest in report.corrupt:
        expected = archive.build.sha256 if archive.build and archive.build.sha256 else \
            f"{_shown(archive.name.split('-', 1)[0])}… (from its name)"
        kept = report.not_removed.get(archive.name)
        fate = "removed" if kept is None else f"could not be removed: {_shown(kept)}"
        _err(f"corrupt: {_shown(archive.name)} ({_describe(archive)}): sha256 {digest}, expected {expected}; {fate}")
    for tree, why in report.trees_removed:
        kept_tree = report.trees_not_removed.get(tree.sha256)
        fate = "removed, the next install extracts the archive again" if kept_tree is None else \
            f"could not be removed: {_shown(kept_tree)}"
        _err(f"changed: the unpacked tree of {_shown(tree.archive or tree.sha256)} ({_shown(why)}); {fate}")
    parts = [f"{len(report.ok)} ok"]
    parts += report.cleared(lambda size: f"{_size(size)} freed")
    if report.trees_ok:
        parts.append(f"{len(report.trees_ok)} unpacked tree{'s' if len(report.trees_ok) != 1 else ''} ok")
    trees_removed = len(report.trees_removed) - len(report.trees_not_removed)
    if trees_removed:
        parts.append(f"{trees_removed} changed tree{'s' if trees_removed != 1 else ''} removed")
    if report.trees_not_removed:
        parts.append(f"{len(report.trees_not_removed)} changed tree{'s' if len(report.trees_not_removed) != 1 else ''} "
                     "not removed")
    removed = len(report.corrupt) - len(report.not_removed)
    if removed:
        freed = report.bytes_removed + report.tree_bytes_freed
        parts.append(f"{removed} corrupt removed{report.with_trees()} ({_size(freed)} freed)")
    if report.not_removed:
        parts.append(f"{len(report.not_removed)} corrupt not removed")
    parts += report.not_checked()
    print(f"verified {_shown(cache.root)}: " + ", ".join(parts))
    return 1 if report.corrupt or report.trees_removed else 0


def _run_purge(args: argparse.Namespace) -> int:
    from pytui.core.cache import fix_dir
    from pytui.core.cache_purge import (
        MAX_LEFTOVERS_NAMED,
        find_leftovers,
        purge_effect,
        purge_plan,
        remove_archives,
        remove_leftovers,
    )
    from pytui.core.errors import UsageError
    from pytui.core.fs_errors import cause

    if not args.targets and args.rule is None:
        raise UsageError("pytui cache purge needs KEY/REQUEST arguments or one of --all, "
                         "--superseded, --installed")
    cache = _cache(args)
    catalog = _catalog(args)
    installed: list[str] = []
    if args.rule == "installed":
        from pytui.core.installed import list_installed

        installed = [i.key for i in list_installed(args.settings.install_root)]
    keys, unmatched = _targeted(cache.list(catalog), args.targets)
    downloading: list[CachedArchive] = []
    plan = purge_plan(cache, catalog, rule=args.rule, keys=sorted(keys), installed_keys=installed,
                      downloading=downloading)
    for archive in downloading:
        print(f"kept {_shown(archive.name)} ({_describe(archive)}): it is being downloaded by another "
              "pytui process now; purge again once that download ends")
    for target in unmatched:
        _err(stderr_style().error(f"no cached archive matches {_shown(target)} in "
                                  f"{_shown(cache.root)}; `pytui cache list` lists what it holds"))
    verb = "would remove" if args.dry_run else "removed"
    # One count for the dry run and the real run: each archive and its kept tree's files no
    # install shares (core/cache_purge.py purge_effect); the real run reports what it freed.
    effect = purge_effect(cache, plan)
    # What killed runs left goes too: all of it with --all, else what they left of these
    # archives (a half-kept tree); a dry run finds the same by the same rule.
    whose = None if args.rule == "all" else plan
    at_least = ""
    trees_kept: list[tuple[TreeInfo, OSError]] = []
    if args.dry_run:
        would_go = find_leftovers(cache, whose, named=MAX_LEFTOVERS_NAMED)
        freed = effect.total + would_go.size
        leftovers = _said_leftovers(would_go, verb)
        at_least = "at least " if would_go.capped else ""  # sizing them stopped at its limit
    else:
        freed = remove_archives(cache, plan, trees_not_removed=trees_kept)
        removed = remove_leftovers(cache, whose, named=MAX_LEFTOVERS_NAMED)
        freed += removed.size
        leftovers = _said_leftovers(removed, verb)
    for archive, tree in effect.archives:
        with_tree = f" + its kept tree {_size(tree)}" if tree else ""
        print(f"{verb} {_shown(archive.name)} ({_describe(archive)}, {_size(archive.size)}{with_tree})")
    for kept, err in trees_kept:
        # Another user's tree (a `sudo` run's): said, not counted as gone.
        _err(stderr_style().error(
            f"cannot remove the unpacked tree of {_shown(kept.archive or kept.sha256)} from "
            f"{_shown(cache.trees.path)}: {cause(err)}; {fix_dir(err)} and purge again"))
    trees = effect.trees - len(trees_kept)
    count = f"{len(plan)} file{'s' if len(plan) != 1 else ''}"
    if trees:
        count += f", {trees} kept tree{'s' if trees != 1 else ''}"
    if leftovers:
        count += f", {leftovers} leftover{'s' if leftovers != 1 else ''} of killed runs"
    if not plan:
        if leftovers and args.dry_run:
            print(f"would free {at_least}{_size(freed)}; nothing was removed (--dry-run)")
        elif leftovers:
            print(f"freed {_size(freed)}")
        elif not downloading:
            print(f"nothing to remove in {_shown(cache.root)}")
    elif args.dry_run:
        print(f"would free {at_least}{_size(freed)} ({count}); nothing was removed (--dry-run)")
    else:
        print(f"freed {_size(freed)} ({count})")
    return 1 if unmatched or trees_kept else 0


def _targeted(everything: list[CachedArchive], targets: list[str]) -> tuple[set[str], list[str]]:
    """The archives (file names or keys) `targets` name, and the targets that named none."""
    from pytui.core.cache import archive_key
    from pytui.core.filenames import ARCHIVE_EXTENSIONS
    from pytui.core.requests import PythonRequest

    # What a cache file's name ends with (an archive, a stopped download and its resume note):
    # a purge target ending so names a file, never a request.
    file_suffixes = (*ARCHIVE_EXTENSIONS, ".part", ".part.json")
    keys: set[str] = set()
    unmatched: list[str] = []
    for target in targets:
        names = {a.name for a in everything if target in (a.name, a.path.name.removesuffix(".part"))}
        if names:
            keys.update(names)
            continue
        if target.endswith(file_suffixes):
            # A file name (one `cache list` printed before a purge took it, or a typo): no
            # archive of that name, rather than "not a Python request".
            unmatched.append(target)
            continue
        request = PythonRequest.parse(target)  # RequestError (exit 2) when it is no request
        found = {key for a in everything if (key := archive_key(a)) and request.matches_key(key)}
        if not found:
            unmatched.append(target)
        keys.update(found)
    return keys, unmatched


def _said_leftovers(leftovers: Leftovers, verb: str) -> int:
    """One line for each of the leftovers of killed runs named (core/cache_purge.py
    MAX_LEFTOVERS_NAMED), one line for the rest; how many in all."""
    named = leftovers.found  # (the purge asks for MAX_LEFTOVERS_NAMED of them by name)
    for name, size, left_by in named:
        print(f"{verb} {_shown(name)} (left by {left_by}, {_size(size)})")
    if (rest := leftovers.count - len(named)) > 0:
        rest_size = leftovers.size - sum(size for _, size, _ in named)
        print(f"{verb} {rest} more leftover{'s' if rest != 1 else ''} of killed runs ({_size(rest_size)})")
    return leftovers.count


def _run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pytui.core.errors import PytuiError
    from pytui.core.http import TransferLimits

    cache = _cache(args)
    catalog = _catalog(args)
    max_bytes = TransferLimits.from_env(args.settings.env).max_archive_bytes
    failed = 0
    for name in args.files:
        line = _ProgressLine(f"importing {name}")
        try:
            imported = cache.import_file(Path(name), catalog, progress=line, max_bytes=max_bytes)
        except PytuiError as err:
            line.clear()
            _err(stderr_style().error(str(err)))
            failed += 1
            continue
        line.clear()
        archive = imported.archive
        what = f"{_shown(archive.name)} ({_describe(archive)}, {_size(archive.size)})"
        if imported.copied:
            print(f"imported {_shown(name)} as {what}")
        else:
            print(f"{_shown(name)} is already cached as {what}; nothing was copied")
    return 1 if failed else 0


def _run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    cache = _cache(args)
    catalog = _catalog(args)
    line = _ProgressLine("exporting")
    try:
        report = cache.export_mirror(Path(args.dest), catalog, progress=line)
    finally:
        line.clear()
    for archive, why in report.skipped:
        _err(f"skipped {_shown(archive.name)} ({_describe(archive)}): {_shown(why)}")
    if not report.exported:
        from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

        nothing = f"no archive exported: {cache.root} holds no verified python-build-standalone archive of the current catalog"
        if report.skipped:  # each said above why; a mirror mirrors the release URLs only
            nothing += (f"; a mirror lays out archives the catalog lists under {CPYTHON_DOWNLOADS_URL_PREFIX}…"
                        " (uv's catalog and the built-in list do): export with one of those "
                        "(unset --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL, or point it at uv's "
                        "download-metadata.json)")
        elif report.unlisted:  # cached under another catalog (a mirror's, a --downloads-json)
            count = f"{report.unlisted} archive{'s' if report.unlisted != 1 else ''}"
            nothing += (f"; the catalog ({catalog.source}) lists none of its {count}: pass "
                        "--downloads-json with the catalog they came from")
        else:
            nothing += "; install builds first (`pytui install 3.12`), or `pytui cache import FILE`"
        _err(stderr_style().error(nothing))
        return 1
    if report.metadata_replaced is not None:
        _err(stderr_style().warning(
            f"{report.metadata} could not be merged ({report.metadata_replaced}); it was replaced "
            "by a catalog of the archives exported now"))
    root = report.root
    print(f"exported {len(report.exported)} archive{'s' if len(report.exported) != 1 else ''} "
          f"({_size(report.bytes_written)}) to {root}")
    print("install from it with no network:")
    print(f"  pytui --offline --mirror {root.as_uri()} --downloads-json {report.metadata} install 3.12")
    print(f"  UV_OFFLINE=1 UV_PYTHON_INSTALL_MIRROR={root.as_uri()} "
          f"UV_PYTHON_DOWNLOADS_JSON_URL={report.metadata} uv python install 3.12")
    return 0
