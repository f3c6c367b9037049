"""`pytui cache purge`: archives by name, key or request, or by a rule (--all, --superseded,
--installed), with their kept trees and what killed runs left; --dry-run counts the same."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pytui.app.cache_cli import (
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
    from pytui.core.cache import ArchiveCache
    from pytui.core.models import CachedArchive
    from pytui.core.tree_store import TreeInfo


def run_purge(args: argparse.Namespace) -> int:
    from pytui.core.cache_kinds import loose_trees_counted
    from pytui.core.cache_purge import (
        MAX_LEFTOVERS_NAMED,
        find_leftovers,
        purge_effect,
        purge_plan,
        remove_archives,
        remove_leftovers,
        tree_not_removed_line,
    )
    from pytui.core.errors import UsageError

    if not args.targets and args.rule is None:
        raise UsageError("pytui cache purge needs KEY/REQUEST arguments or one of --all, "
                         "--superseded, --installed")
    cache = cache_of(args)
    catalog = catalog_of(args)
    installed: list[str] = []
    if args.rule == "installed":
        from pytui.core.installed import list_installed

        installed = [i.key for i in list_installed(args.settings.install_root)]
    # A newer pytui's kept tree goes only when named by its sha256 (or with its archive, or
    # with --all: core/cache.remove_trees_of).
    newer = {info.sha256 for info in cache.trees.list() if info.newer} if args.targets else set()
    named = [target for target in args.targets if target in newer]
    everything = args.rule == "all"
    keys, unmatched = _targeted(cache.list(catalog), [target for target in args.targets if target not in newer])
    # A target naming a build whose archive is gone but whose kept tree is still there names
    # that tree, which the purge removes: what is left of the build goes, exit 0 (it said `no
    # cached archive matches` as it removed it).
    unmatched = [target for target in unmatched if not _names_loose_tree(cache, target)]
    if unmatched and len(unmatched) == len(args.targets) and args.rule is None and not named:
        # Nothing named is in the cache: the error alone, and nothing removed (a purge that
        # matched nothing once removed the trees whose archive is gone beside its error).
        for target in unmatched:
            say_error(stderr_style().error(f"no cached archive matches {shown(target)} in "
                                           f"{shown(cache.root)}; `pytui cache list` lists what it holds"))
        return 1
    downloading: list[CachedArchive] = []
    plan = purge_plan(cache, catalog, rule=args.rule, keys=sorted(keys), installed_keys=installed,
                      downloading=downloading)
    for archive in downloading:
        print(_kept_line(archive))
    for target in unmatched:
        say_error(stderr_style().error(f"no cached archive matches {shown(target)} in "
                                  f"{shown(cache.root)}; `pytui cache list` lists what it holds"))
    verb = "would remove" if args.dry_run else "removed"
    # One count for the dry run and the real run: each archive and its kept tree's files no
    # install shares (core/cache_purge.py purge_effect); the real run reports what it freed.
    effect = purge_effect(cache, plan, everything=everything, named=named)
    # What killed runs left goes too: all of it with --all, else what they left of these
    # archives (a half-kept tree); a dry run finds the same by the same rule.
    whose = None if args.rule == "all" else plan
    at_least = ""
    trees_kept: list[tuple[TreeInfo, OSError]] = []
    if args.dry_run:
        would_go = find_leftovers(cache, whose, named=MAX_LEFTOVERS_NAMED)
        freed = effect.total + would_go.size
        leftovers = said_leftovers(would_go, verb)
        at_least = "at least " if would_go.capped else ""  # sizing them stopped at its limit
    else:
        freed = remove_archives(cache, plan, trees_not_removed=trees_kept, everything=everything, named=named)
        removed = remove_leftovers(cache, whose, named=MAX_LEFTOVERS_NAMED)
        freed += removed.size
        leftovers = said_leftovers(removed, verb)
    # A tree that stayed is said below with why, not beside its archive as removed.
    stayed = {kept.archive for kept, _err in trees_kept}
    for archive, tree in effect.archives:
        with_tree = f" + its kept tree {size_text(tree)}" if tree and archive.name not in stayed else ""
        print(f"{verb} {shown(archive.name)} ({describe(archive)}, {size_text(archive.size)}{with_tree})")
    for why, trees_of_kind, size in effect.loose():
        # Never used, and gone with every purge (core/cache.remove_trees_of): named, so that a
        # purge of a rule that matches nothing does not say "nothing to remove" as it frees them.
        print(f"{verb} {loose_trees_counted(trees_of_kind, why, removed=True)} ({size_text(size)})")
    for kept, err in trees_kept:
        # Another user's tree (a `sudo` run's): said, not counted as gone.
        say_error(stderr_style().error(tree_not_removed_line(
            shown(kept.archive or kept.sha256), shown(cache.trees.path), err)))
    trees = effect.trees - len(trees_kept)
    count = f"{len(plan)} file{'s' if len(plan) != 1 else ''}"
    if trees:
        count += f", {trees} kept tree{'s' if trees != 1 else ''}"
    if leftovers:
        count += f", {leftovers} leftover{'s' if leftovers != 1 else ''} of killed runs"
    if plan or leftovers or effect.loose():
        # Its count only beside archives: with none, leftovers and trees are named above.
        freed_text = f"{at_least}{size_text(freed)}" + (f" ({count})" if plan else "")
        print(f"would free {freed_text}; nothing was removed (--dry-run)" if args.dry_run
              else f"freed {freed_text}")
    elif not downloading:
        print(f"nothing to remove in {shown(cache.root)}")
    return 1 if unmatched or trees_kept else 0


def _kept_line(archive: CachedArchive) -> str:
    """`kept NAME (KEY): …` for a `.part` whose lock another process holds, naming the activity
    only where that process recorded it (core/turn_record.kept_part_reason)."""
    from pytui.core.cache_locks import download_lock_holder
    from pytui.core.turn_record import kept_part_reason

    words, record = download_lock_holder(archive.path)
    reason = kept_part_reason(shown(archive.name + ".lock"), words, record)
    return f"kept {shown(archive.name)} ({describe(archive)}): {reason}"


def _names_loose_tree(cache: ArchiveCache, target: str) -> bool:
    """Whether `target` (a cache file name, a key or a request) names the build of a kept tree
    whose archive is gone: its archive's file name, or a request its key matches."""
    from pytui.core.cache_kinds import ARCHIVE_GONE
    from pytui.core.errors import RequestError
    from pytui.core.loose_trees import loose_trees
    from pytui.core.requests import PythonRequest

    gone = [info for info, why in loose_trees(cache) if why == ARCHIVE_GONE]
    if not gone or any(target == info.archive for info in gone):
        return bool(gone)
    try:
        request = PythonRequest.parse(target)
    except RequestError:
        return False  # a file name that is no request
    return any(info.key and request.matches_key(info.key) for info in gone)


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
