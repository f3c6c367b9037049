"""`pytui upgrade [REQUEST...] [--dry-run]`: the newest patch of each installed minor version, as
`uv python upgrade` does it, and which environments move with it.

For each installed CPython minor version (all, or those the requests select) the newest build
of the same implementation, variant and platform in the catalog is installed and the
minor-version link moves to it; old patches stay. Bin links are updated only where they already
exist (as uv). Environments made through the minor-version link (`uv venv -p 3.12`) run the new
patch from then on; those made from a patch directory stay pinned to it, and are named.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, TextIO

from pytui.app.style import stderr_style

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.core.catalog import Catalog
    from pytui.core.environment import Environment, ScanResult
    from pytui.core.keys import KeyFields
    from pytui.core.models import Build, Installation
    from pytui.core.requests import PythonRequest
    from pytui.core.settings import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from pytui.app.cmd_envs import add_scan_option

    p = sub.add_parser(
        "upgrade", parents=[common], help="install the newest patch of installed minor versions",
        description="Upgrade installed Python minor versions to their newest patch (as `uv python "
                    "upgrade`), move the minor-version links, and say which environments now run "
                    "the new patch and which stay pinned to the old one. Old patches are kept; "
                    "`pytui uninstall --outdated` removes those no environment uses.")
    p.add_argument("requests", nargs="*", metavar="REQUEST",
                   help="minor versions to upgrade (default: every installed one), e.g. 3.12, 3.13t")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be installed and which environments follow; change nothing")
    p.add_argument("--reinstall", "-r", action="store_true",
                   help="reinstall the newest patch even if it is installed")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="install N builds at once")
    add_scan_option(p)
    p.set_defaults(run=run)


@dataclasses.dataclass
class Step:
    """One minor version: the highest installed patch and the build that replaces it (or None)."""

    group: tuple
    minor_link: str
    current: Installation
    target: Build | None
    others: list[Installation]  # every installed patch of this minor


def _group(parts: KeyFields) -> tuple:
    return (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
            parts.libc)


def _rank(parts: KeyFields, build: str | None) -> tuple:
    from pytui.core.ordering import version_rank

    number = int(build) if build and build.isdigit() else 0
    return (*version_rank(parts.major, parts.minor, parts.patch, parts.prerelease), number)


def _target(members: list[Installation], candidates: list[Build], reinstall: bool) -> Build | None:
    """The newest catalog build for a minor (stable first), when it upgrades what is installed."""
    from pytui.core.install_policy import is_upgrade_of

    pool = [b for b in candidates if not b.prerelease] or candidates
    best = max(pool, key=lambda b: _rank(b, b.build), default=None)
    if best is None:
        return None
    same = next((i for i in members if i.key == best.key), None)
    if same is None:
        return best if is_upgrade_of(best, best.build, members[0], members[0].build) else None
    return best if reinstall or is_upgrade_of(best, best.build, same, same.build) else None


def plan(installed: list[Installation], catalog: Iterable[Build], requests: list[PythonRequest],
         *, reinstall: bool = False) -> tuple[list[Step], list[str]]:
    """Steps for the selected minor versions, and the request texts that select none."""
    groups: dict[tuple, list[Installation]] = {}
    selected = [r.with_prereleases(True) for r in requests]
    for installation in installed:
        if installation.implementation != "cpython":
            continue  # minor-version links, and so upgrades, are CPython's (as uv)
        if selected and not any(r.matches(installation) for r in selected):
            continue
        groups.setdefault(_group(installation), []).append(installation)
    unmatched = [request.text for request, relaxed in zip(requests, selected, strict=True)
                 if not any(relaxed.matches(i) for members in groups.values() for i in members)]
    by_group: dict[tuple, list[Build]] = {}
    for build in catalog:
        by_group.setdefault(_group(build), []).append(build)
    steps = []
    for group, members in groups.items():
        members.sort(key=lambda i: _rank(i, i.build), reverse=True)
        target = _target(members, by_group.get(group, []), reinstall)
        steps.append(Step(group, members[0].minor_key, members[0], target, members))
    steps.sort(key=lambda s: _rank(s.current, None), reverse=True)
    return steps, unmatched


def _paths(envs: list[Environment]) -> str:
    from pytui.app.uninstall_safety import _paths

    return _paths(envs)


def _followers(result: ScanResult, step: Step) -> list[Environment]:
    return [e for e in result.environments if e.status == "ok" and e.link == "minor"
            and e.minor == step.minor_link]


def _pinned(result: ScanResult, step: Step) -> list[Environment]:
    keys = {i.key for i in step.others}
    if step.target is not None:
        keys.discard(step.target.key)
    return [e for e in result.environments if e.status == "ok" and e.link == "patch" and e.key in keys]


def _report_pinned(result: ScanResult, step: Step, out: TextIO) -> None:
    by_version: dict[str, list[Environment]] = {}
    versions = {i.key: i.version for i in step.others}
    for env in _pinned(result, step):
        by_version.setdefault(versions.get(env.key or "", "?"), []).append(env)
    for version, envs in sorted(by_version.items()):
        noun = "environment stays" if len(envs) == 1 else "environments stay"
        print(f"   {len(envs)} {noun} pinned to {version}: {_paths(envs)}", file=out)


def _minor_only(requests: list[PythonRequest]) -> str | None:
    """The first request naming a patch or a pre-release (uv refuses those), else None."""
    for request in requests:
        if request.version is not None and request.version.kind in ("patch", "patch_pre", "minor_pre"):
            return request.text
    return None


def _nothing_to_do(requests: list[PythonRequest]) -> str:
    """uv's wording when every selected minor version is on its newest patch."""
    if not requests:
        return "All versions already on latest supported patch release"
    if len(requests) == 1:
        return f"{requests[0].text} is already on the latest supported patch release"
    return "All requested versions already on latest supported patch release"


def run(args: argparse.Namespace) -> int:
    import time

    from pytui.core.envs import scan_for_settings
    from pytui.core.errors import RequestError
    from pytui.core.install_root import InstallRoot
    from pytui.core.requests import PythonRequest
    from pytui.core.sources import load_catalog

    settings = args.settings
    if args.jobs is not None and args.jobs < 1:
        print(stderr_style().error("--jobs must be at least 1"), file=sys.stderr)
        return 2
    try:
        requests = [PythonRequest.parse(text) for text in args.requests]
    except RequestError as err:
        print(stderr_style().error(str(err)), file=sys.stderr)
        return 2
    patch = _minor_only(requests)
    if patch is not None:
        print(stderr_style().error(f"`pytui upgrade` only accepts minor versions, got: {patch} "
                                   "(write e.g. 3.12 or 3.13t)"), file=sys.stderr)
        return 2
    started = time.monotonic()
    root = InstallRoot(settings.install_root)
    installed = root.installed()
    if not installed:
        print("There are no installed versions to upgrade", file=sys.stderr)
        return 0
    catalog = load_catalog(settings)
    steps, unmatched = plan(installed, catalog, requests, reinstall=args.reinstall)
    for text in unmatched:
        print(stderr_style().error(f"no installed Python matches `{text}` in {root.path}; install "
                                   f"it with `pytui install {text}`"), file=sys.stderr)
    todo = [(s, s.target) for s in steps if s.target is not None]
    if not todo:
        if steps:
            print(_nothing_to_do(requests), file=sys.stderr)
        return 1 if unmatched else 0

    from pytui.app.cmd_envs import print_scan_notes

    before = scan_for_settings(settings, roots=args.scan or None, installed=installed)
    print_scan_notes(before)
    if args.dry_run:
        _preview(before, todo, sys.stderr)
        return 1 if unmatched else 0
    code = _install(args, settings, catalog, [target for _, target in todo], started)
    after = scan_for_settings(settings, roots=args.scan or None)
    out = sys.stderr
    for step, target in todo:
        now = [e for e in _followers(after, step) if e.key == target.key]
        if now:
            noun = "environment now runs" if len(now) == 1 else "environments now run"
            print(f" {len(now)} {noun} {target.key} (through {step.minor_link}): "
                  f"{_paths(now)}", file=out)
        _report_pinned(after, step, out)
    return 1 if code or unmatched else 0


def _preview(before: ScanResult, todo: list[tuple[Step, Build]], out: TextIO) -> None:
    noun = "1 version" if len(todo) == 1 else f"{len(todo)} versions"
    print(f"Would upgrade {noun}", file=out)
    for step, target in todo:
        print(f" {step.current.key} -> {target.key}", file=out)
        followers = _followers(before, step)
        if followers:
            noun = "environment follows" if len(followers) == 1 else "environments follow"
            print(f"   {len(followers)} {noun} {step.minor_link}: {_paths(followers)}", file=out)
        _report_pinned(before, step, out)


def _with_no_bin(settings: Settings, no_bin: bool) -> Settings:
    """A copy of `settings` that links no executables when `no_bin`."""
    import copy

    if not no_bin or settings.no_bin:
        return settings
    changed = copy.copy(settings)
    changed.no_bin = True
    return changed


def _install(args: argparse.Namespace, settings: Settings, catalog: Catalog, targets: list[Build],
             started: float) -> int:
    """Install the targets; a bin link is updated only where one already exists (as uv)."""
    import os

    from pytui.app.progress_board import ProgressBoard, elapsed_text
    from pytui.core.jobs import run_install_jobs
    from pytui.core.progress import CancelToken

    linked: list[Build] = []
    unlinked: list[Build] = []
    for target in targets:
        exists = not settings.no_bin and os.path.lexists(settings.bin_dir / target.bin_names[0])
        (linked if exists else unlinked).append(target)
    cancel = CancelToken()
    warnings: list[str] = []
    outcomes = []
    board = ProgressBoard()
    try:
        with board:
            for builds, no_bin in ((linked, False), (unlinked, True)):
                if builds:
                    outcomes += run_install_jobs(
                        builds, settings=_with_no_bin(settings, no_bin),
                        catalog=catalog, concurrency=args.jobs, progress_for=board.callback,
                        cancel=cancel, reinstall=args.reinstall, on_warning=warnings.append)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    for warning in warnings:
        print(stderr_style().warning(str(warning)), file=sys.stderr)
    done = [(o.build, o.result.status) for o in outcomes if o.result is not None]
    if done:
        what = f"Python {done[0][0].version}" if len(done) == 1 else f"{len(done)} versions"
        print(f"Installed {what} in {elapsed_text(started)}", file=sys.stderr)
        for build, status in done:
            print(f" {'~' if status == 'reinstalled' else '+'} {build.key}", file=sys.stderr)
    failed = [o for o in outcomes if o.error is not None]
    for outcome in failed:
        print(stderr_style().error(str(outcome.error)), file=sys.stderr)
    return 1 if failed else 0
