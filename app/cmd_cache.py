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

from pytui.app.cache_cli import (
    ProgressLine,
    cache_of,
    catalog_of,
    describe,
    said_leftovers,
    say_error,
    shown,
    size_text,
)
from pytui.app.style import stderr_style

if TYPE_CHECKING:
    from pathlib import Path

    from pytui.core.cache import ArchiveCache
    from pytui.core.cache_locks import PartHolder
    from pytui.core.cache_purge import Leftovers
    from pytui.core.models import CachedArchive
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
                                       "unknown (not named as uv names archives). Kept unpacked "
                                       "trees no archive uses (archive gone, manifest unreadable) "
                                       "are never used: said after the total, and after the files "
                                       "in --json.")
    a.add_argument("--json", action="store_true",
                   help="print one JSON array instead of a table: the files, then the kept trees "
                        "no archive uses (\"kind\": \"file\" or \"tree\")")
    a.set_defaults(cache_run=_run_list)

    a = actions.add_parser("verify", parents=[common],
                           help="re-hash every archive and check every kept tree; remove the corrupt ones",
                           description="Re-compute each archive's sha256 and compare it with the "
                                       "catalog's (or, for archives no build names, with the hash "
                                       "prefix in uv's file name), and each kept unpacked tree "
                                       "with its manifest. Corrupt archives, changed trees and "
                                       "trees whose manifest does not read are removed, so the next "
                                       "install downloads or extracts them again. Exit 1 if any "
                                       "archive was corrupt, any tree had changed or any tree's "
                                       "manifest did not read; trees whose archive is gone and what "
                                       "killed runs left are removed with exit 0 (never used, no "
                                       "damage).")
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
                    "machine, with no network: `pytui --offline --mirror file://DIR --downloads-json "
                    "DIR/download-metadata.json install VERSION`, or `UV_OFFLINE=1 "
                    "UV_PYTHON_INSTALL_MIRROR=file://DIR UV_PYTHON_DOWNLOADS_JSON_URL="
                    "DIR/download-metadata.json uv python install VERSION`, VERSION one the "
                    "mirror holds: an export prints both lines with one.")
    a.add_argument("dest", metavar="DIR", help="the mirror's directory")
    a.set_defaults(cache_run=_run_export)

    p.set_defaults(run=run, cache_run=None)


def run(args: argparse.Namespace) -> int:
    if args.cache_run is None:
        from pytui.core.errors import UsageError

        raise UsageError("pytui cache needs an action: dir, list, verify, purge, import or "
                         "export-mirror (see pytui cache --help)")
    return int(args.cache_run(args))


# -- actions ----------------------------------------------------------------------------------
def _run_dir(args: argparse.Namespace) -> int:
    from pytui.app.cmd_dir import run

    args.which = "cache"
    return run(args)


def _archive_json(archive: CachedArchive, tree: TreeInfo | None, holder: PartHolder | None) -> dict[str, Any]:
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
        "kind": "file",  # a file in the cache dir; "tree": a kept tree no archive uses
        "lock_holder": _holder_json(holder),
    }


def _holder_json(holder: PartHolder | None) -> dict[str, Any] | None:
    """A `.part`'s lock holder: `process` as /proc names it (`pid 4242: pytui install 3.12`,
    null when it cannot), `activity` what its record on the lock vouches for (`downloading`,
    `installing with --no-cache`, `purging`; null with no record of its own); null when no
    process holds the lock. `state` stays the file's (`partial`), as it ever was."""
    if holder is None:
        return None
    from pytui.core.turn_record import ACTIVITIES

    return {"process": holder.words, "activity": ACTIVITIES.get(holder.record or "")}


def _loose_tree_json(info: TreeInfo, why: str, size: int) -> dict[str, Any]:
    """A kept tree no archive uses, with the keys of `_archive_json` (`lock_holder` null): `state` says why (the
    Cached pane's word), `size` what it holds of `cache list`'s total, `key`, `version` and
    `build` what its manifest names (null when it does not read); never installed from."""
    from pytui.core.cache_names import parse_cache_name

    named = parse_cache_name(info.archive) if info.archive else None
    from_name = named.archive if named is not None else None
    return {
        "file": f"{info.path.parent.name}/{info.sha256}", "path": str(info.path), "size": size,
        "state": why, "key": info.key or None,
        "version": from_name.version if from_name else None,
        "build": from_name.build if from_name else None,
        "in_catalog": False, "sha256": info.sha256, "url": None, "expected_size": None,
        "percent": None, "tree": str(info.path), "kind": "tree", "lock_holder": None,
    }



def _run_list(args: argparse.Namespace) -> int:
    from pytui.core.cache_kinds import counted, kind_counts, loose_trees_counted
    from pytui.core.cache_names import partial_percent

    cache = cache_of(args)
    dangling = _dangling_link_problem(cache.root)
    archives = cache.list(catalog_of(args))
    trees = cache.trees_by_archive()
    if dangling is not None:
        # Listed as empty (uv takes it for no cache), but the archives are elsewhere, or lost.
        print(stderr_style().warning(dangling), file=sys.stderr)
    from pytui.core.loose_trees import loose_trees, tree_shares, usage_apart

    loose = loose_trees(cache)
    from pytui.core.cache_locks import held_parts
    from pytui.core.turn_record import DOWNLOADING, LOCKED

    # A `.part` whose lock a process holds now (as a purge asks): `downloading` where the
    # holder's record on the lock says so, else `locked` (core/turn_record.held_part_state), as
    # the Cached pane says it; `partial` is a stopped one, which an install resumes.
    held = held_parts(archives)
    if args.json:
        from pytui.app.safe_text import json_text

        # The trees no archive uses after the files, each with its share of the total (the
        # text's line for them): they listed nothing though `cache list` counted them.
        each = tree_shares(cache, loose)[2] if loose else []
        print(json_text([_archive_json(a, trees.get(a.name), held.get(a.name)) for a in archives]
                        + [_loose_tree_json(info, why, size) for info, why, size in each]))
        return 0
    if not archives:
        if dangling is None:
            print(f"no archives in {shown(cache.root)}")
            _say_leftovers(cache, loose, usage_apart(cache, loose)[1] if loose else {})
        return 0
    rows = []
    for archive in archives:
        state = held[archive.name].state if archive.name in held else archive.state
        percent = partial_percent(archive)
        if percent is not None:
            state = f"{state} {percent}%"
        tree = "+ tree" if archive.name in trees else ""
        rows.append((describe(archive), state, size_text(archive.size), tree, shown(archive.name)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for key, state, size, tree, name in rows:
        print(f"{key:<{widths[0]}}  {state:<{widths[1]}}  {size:>{widths[2]}}  {tree:<{widths[3]}}  {name}")
    # Archives, .part files and trees, a hard-linked file once; the trees no archive uses
    # apart (core/loose_trees.py), so their bytes are not said to be the archives'.
    total, shares = usage_apart(cache, loose)
    # Trees beside their archive; the loose ones are said apart, by why.
    beside = sum(1 for archive in archives if archive.name in trees)
    kept = f", {beside} unpacked tree{'s' if beside != 1 else ''}" if beside else ""
    # Counted by the Cached pane's rule: `unknown` and `partial` files are no archives.
    counts = kind_counts(a for a in archives if a.name not in held)
    downloading = sum(1 for holder in held.values() if holder.state == DOWNLOADING)
    counts = {"archive": counts.pop("archive"), DOWNLOADING: downloading, LOCKED: len(held) - downloading,
              **counts}
    kinds = ", ".join(f"{count} {kind}" if kind in (DOWNLOADING, LOCKED) else counted(count, kind)
                      for kind, count in counts.items() if count or kind == "archive")
    if shares:
        # `1 archive, 2.0 KiB; 1 unpacked tree whose archive is gone, 63.4 KiB; 65.4 KiB in …`
        apart = "".join(f"; {loose_trees_counted(_count(loose, why), why)}, {size_text(size)}"
                        for why, size in shares.items())
        print(f"{kinds}{kept}, {size_text(total - sum(shares.values()))}{apart}; "
              f"{size_text(total)} in {shown(cache.root)}")
    else:
        print(f"{kinds}{kept}, {size_text(total)} in {shown(cache.root)}")
    _say_leftovers(cache, loose, shares)
    return 0


def _count(loose: list[tuple[TreeInfo, str]], why: str) -> int:
    return sum(1 for _, reason in loose if reason == why)


def _say_leftovers(cache: ArchiveCache, loose: list[tuple[TreeInfo, str]], shares: dict[str, int]) -> None:
    """One line for what killed runs left in the cache dir, and one for each kind of kept tree
    no archive uses (in the total, in no row; `shares`: the bytes of the total each kind
    holds): a tree half removed can be a whole unpacked build."""
    from pytui.core.cache_kinds import NEWER_PYTUI, loose_trees_counted
    from pytui.core.cache_purge import find_leftovers

    for why, size in shares.items():
        sized = _sized(loose, why, size)
        if why == NEWER_PYTUI:
            # Shared with a newer pytui (two checkouts, an upgrade then a downgrade): its trees
            # are that pytui's to check and use, so this one leaves them, as uv leaves a cache
            # bucket of a newer version.
            print(f"{loose_trees_counted(_count(loose, why), why)} ({sized}), not used by this one "
                  "and left for it; removed with its archive, by `pytui cache purge --all` or by "
                  "`pytui cache purge <its sha256>`")
            continue
        # Not "any purge": one whose requests name nothing in the cache removes nothing.
        print(f"{loose_trees_counted(_count(loose, why), why)} ({sized}), never used; removed by "
              "`pytui cache verify`, `pytui cache purge --all` (or --superseded, --installed) or a purge "
              "that names something in the cache")
    found = find_leftovers(cache)
    if found.count:
        print(_leftovers_line(found))


def _leftovers_line(found: Leftovers) -> str:
    """`cache list`'s line for what killed runs left: counted and sized, and what removes them.
    The empty lock file a killed install or download left (core/job_archive.take_turn) goes
    with the next install that downloads or unpacks its archive, too (core/cache_locks.exclusive
    takes it and removes it on release); an install from a kept tree takes no lock."""
    from pytui.core.cache_purge import LEFT_BY_LOCK

    counted = f"{found.count} leftover{'s' if found.count != 1 else ''} of killed runs ({size_text(found.size)})"
    locks = sum(1 for _, _, left_by in found.found if left_by == LEFT_BY_LOCK)
    removers = "`pytui cache verify` or `pytui cache purge --all`"
    if not locks:
        return f"{counted}, removed by {removers}"
    what = "an empty lock file" if locks == 1 else "empty lock files"
    if locks == found.count:
        each = "" if locks == 1 else "each "
        return (f"{counted}, {what}: {each}removed by the next install that downloads or unpacks its "
                f"archive, by a purge of that archive, {removers}")
    return (f"{counted}, removed by {removers}; {locks} of them {what}, which the next install that "
            f"downloads or unpacks {'its' if locks == 1 else 'their'} archive also removes")


def _sized(loose: list[tuple[TreeInfo, str]], why: str, size: int) -> str:
    """`63.7 KiB`, what the loose trees of a kind hold of the cache's total (`du -sb`, a file
    hard-linked twice once), and, when removing them frees less, what it frees and why:
    `63.7 KiB; removing it frees 63.4 KiB, the files an install shares with it stay` (a purge
    says the freed bytes alone: they read as two sizes of one tree)."""
    from pytui.core.root_tree import footprint

    trees = [info for info, reason in loose if reason == why]
    freed = sum(footprint(info.path).freed for info in trees)
    if freed >= size or size_text(freed) == size_text(size):
        return size_text(size)
    it = "it" if len(trees) == 1 else "them"
    return f"{size_text(size)}; removing {it} frees {size_text(freed)}, the files an install shares with {it} stay"


def _dangling_link_problem(path: Path) -> str | None:
    """The line for a cache dir that is a symbolic link to nothing, else None."""
    from pytui.core.cache import CACHE_DIR_ALTERNATIVE
    from pytui.core.installed import dir_shape_problem

    if not os.path.islink(path) or os.path.exists(path):
        return None
    return dir_shape_problem(path, "the cache dir", CACHE_DIR_ALTERNATIVE)


def _run_verify(args: argparse.Namespace) -> int:
    from pytui.core.cache_kinds import MANIFEST_UNREADABLE

    cache = cache_of(args)
    catalog = catalog_of(args)
    line = ProgressLine("verifying")
    try:
        report = cache.verify(catalog, progress=line)
    finally:
        line.clear()
    if report.leftovers is not None:
        said_leftovers(report.leftovers, "removed")
    for archive, digest in report.corrupt:
        expected = archive.build.sha256 if archive.build and archive.build.sha256 else \
            f"{shown(archive.name.split('-', 1)[0])}… (from its name)"
        kept = report.not_removed.get(archive.name)
        fate = "removed" if kept is None else f"could not be removed: {shown(kept)}"
        say_error(f"corrupt: {shown(archive.name)} ({describe(archive)}): sha256 {digest}, expected {expected}; {fate}")
    for tree, why in report.trees_removed:
        kept_tree = report.trees_not_removed.get(tree.sha256)
        fate = "removed, the next install extracts the archive again" if kept_tree is None else \
            f"could not be removed: {shown(kept_tree)}"
        # A tree whose manifest does not read names no archive: said by its state's one name
        # (core/cache_kinds.py), as `cache list`, an install and the Cached pane say it.
        what = "changed" if tree.archive else MANIFEST_UNREADABLE
        say_error(f"{what}: the unpacked tree of {shown(tree.archive or tree.sha256)} ({shown(why)}); {fate}")
    parts = [f"{len(report.ok)} ok"]
    parts += report.cleared(lambda size: f"{size_text(size)} freed")
    if report.trees_ok:
        parts.append(f"{len(report.trees_ok)} unpacked tree{'s' if len(report.trees_ok) != 1 else ''} ok")
    trees_removed = report.changed_removed()
    if trees_removed:
        parts.append(f"{trees_removed} changed tree{'s' if trees_removed != 1 else ''} removed")
    if unreadable := report.unreadable_removed(size_text):
        parts.append(unreadable)
    changed_kept = len(report.kept_trees()[0])
    if changed_kept:
        parts.append(f"{changed_kept} changed tree{'s' if changed_kept != 1 else ''} not removed")
    if unreadable_kept := report.unreadable_kept():
        parts.append(unreadable_kept)
    removed = len(report.corrupt) - len(report.not_removed)
    if removed:
        freed = report.bytes_removed + report.tree_bytes_freed
        parts.append(f"{removed} corrupt removed{report.with_trees()} ({size_text(freed)} freed)")
    if report.not_removed:
        parts.append(f"{len(report.not_removed)} corrupt not removed")
    parts += report.not_checked()
    print(f"verified {shown(cache.root)}: " + ", ".join(parts))
    return 1 if report.corrupt or report.trees_removed else 0


def _run_purge(args: argparse.Namespace) -> int:
    from pytui.app.cmd_cache_purge import run_purge

    return run_purge(args)


def _run_import(args: argparse.Namespace) -> int:
    from pytui.app.cmd_cache_transfer import run_import

    return run_import(args)


def _run_export(args: argparse.Namespace) -> int:
    from pytui.app.cmd_cache_transfer import run_export

    return run_export(args)
