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
from typing import TYPE_CHECKING

from pytui.app.style import stderr_style

if TYPE_CHECKING:
    from pytui.core.envs import Environment, ScanResult
    from pytui.core.models import Build, Installation
    from pytui.core.requests import PythonRequest


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


def _group(parts) -> tuple:
    return (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
            parts.libc)


def _rank(parts, build: str | None) -> tuple:
    from pytui.core.ordering import version_rank

    number = int(build) if build and build.isdigit() else 0
    return (*version_rank(parts.major, parts.minor, parts.patch, parts.prerelease), number)


def plan(installed: list[Installation], catalog, requests, *, reinstall: bool = False
         ) -> tuple[list[Step], list[str]]:
    """Steps for the selected minor versions, and the request texts that select none."""
    from pytui.core.install_root import is_upgrade_of, minor_key
    from pytui.core.keys import parse_key

    groups: dict[tuple, list[Installation]] = {}
    for installation in installed:
        parts = parse_key(installation.key)
        if parts is None or parts.implementation != "cpython":
            continue  # minor-version links, and so upgrades, are CPython's (as uv)
        if requests and not any(r.with_prereleases(True).matches(parts) for r in requests):
            continue
        groups.setdefault(_group(parts), []).append(installation)
    unmatched = []
    for request in requests:
        if not any(request.with_prereleases(True).matches(parse_key(i.key))
                   for members in groups.values() for i in members):
            unmatched.append(request.text)
    by_group: dict[tuple, list[Build]] = {}
    for build in catalog:
        by_group.setdefault(_group(build), []).append(build)
    steps = []
    for group, members in groups.items():
        members.sort(key=lambda i: _rank(parse_key(i.key), i.build), reverse=True)
        current = members[0]
        cur = parse_key(current.key)
        assert cur is not None  # installs are listed only when their directory name parses
        candidates = by_group.get(group, [])
        stable = [b for b in candidates if not b.prerelease]
        pool = stable or candidates
        best = max(pool, key=lambda b: _rank(b, b.build), default=None)
        target = None
        if best is not None:
            same = next((i for i in members if i.key == best.key), None)
            if same is None:
                target = best if is_upgrade_of(best, best.build, cur, current.build) else None
            elif reinstall or is_upgrade_of(best, best.build, same, same.build):
                target = best
        steps.append(Step(group, minor_key(cur), current, target, members))
    steps.sort(key=lambda s: _rank(parse_key(s.current.key), None), reverse=True)
    return steps, unmatched


def _target(step: Step) -> Build:
    """The build a step installs (the steps being carried out all have one)."""
    assert step.target is not None
    return step.target


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


def _report_pinned(result: ScanResult, step: Step, out) -> None:
    from pytui.core.keys import parse_key

    pinned = _pinned(result, step)
    by_key: dict[str, list] = {}
    for env in pinned:
        if env.key is not None:  # a pinned environment names its install
            by_key.setdefault(env.key, []).append(env)
    for key, envs in sorted(by_key.items()):
        noun = "environment stays" if len(envs) == 1 else "environments stay"
        parts = parse_key(key)
        version = parts.version if parts is not None else key
        print(f"   {len(envs)} {noun} pinned to {version}: {_paths(envs)}", file=out)


def _parse_requests(args: argparse.Namespace) -> list[PythonRequest] | None:
    """The minor-version requests, or None after saying (one line) why the usage is wrong."""
    from pytui.core.errors import RequestError
    from pytui.core.requests import PythonRequest

    if args.jobs is not None and args.jobs < 1:
        print(stderr_style().error("--jobs must be at least 1"), file=sys.stderr)
        return None
    try:
        requests = [PythonRequest.parse(text) for text in args.requests]
    except RequestError as err:
        print(stderr_style().error(str(err)), file=sys.stderr)
        return None
    for request in requests:
        if request.version is not None and request.version.kind in ("patch", "patch_pre", "minor_pre"):
            print(stderr_style().error(f"`pytui upgrade` only accepts minor versions, got: {request.text} "
                  "(write e.g. 3.12 or 3.13t)"), file=sys.stderr)
            return None
    return requests


def run(args: argparse.Namespace) -> int:
    import time

    from pytui.core.envs import scan_for_settings
    from pytui.core.install_root import InstallRoot
    from pytui.core.sources import load_catalog

    settings = args.settings
    requests = _parse_requests(args)
    if requests is None:
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
        print(stderr_style().error(f"no installed Python matches `{text}` in {root.path}; install it with "
              f"`pytui install {text}`"), file=sys.stderr)
    todo = [s for s in steps if s.target is not None]
    if not todo:
        if steps:
            if not requests:
                print("All versions already on latest supported patch release", file=sys.stderr)
            elif len(requests) == 1:
                print(f"{requests[0].text} is already on the latest supported patch release",
                      file=sys.stderr)
            else:
                print("All requested versions already on latest supported patch release",
                      file=sys.stderr)
        return 1 if unmatched else 0

    from pytui.app.cmd_envs import print_scan_notes

    before = scan_for_settings(settings, roots=args.scan or None, installed=installed)
    print_scan_notes(before)
    out = sys.stderr
    if args.dry_run:
        noun = "1 version" if len(todo) == 1 else f"{len(todo)} versions"
        print(f"Would upgrade {noun}", file=out)
        for step in todo:
            print(f" {step.current.key} -> {_target(step).key}", file=out)
            followers = _followers(before, step)
            if followers:
                noun = "environment follows" if len(followers) == 1 else "environments follow"
                print(f"   {len(followers)} {noun} {step.minor_link}: {_paths(followers)}", file=out)
            _report_pinned(before, step, out)
        return 1 if unmatched else 0

    code = _install(args, settings, catalog, todo, started)
    after = scan_for_settings(settings, roots=args.scan or None)
    for step in todo:
        now = [e for e in _followers(after, step) if e.key == _target(step).key]
        if now:
            noun = "environment now runs" if len(now) == 1 else "environments now run"
            print(f" {len(now)} {noun} {_target(step).key} (through {step.minor_link}): "
                  f"{_paths(now)}", file=out)
        _report_pinned(after, step, out)
    return 1 if code or unmatched else 0


def _with_no_bin(settings, no_bin: bool):
    """A copy of `settings` that links no executables when `no_bin`."""
    import copy

    if not no_bin or settings.no_bin:
        return settings
    changed = copy.copy(settings)
    changed.no_bin = True
    return changed


def _install(args, settings, catalog, todo: list[Step], started: float) -> int:
    """Install the targets; a bin link is updated only where one already exists (as uv)."""
    import os

    from pytui.app.progress_board import ProgressBoard, elapsed_text
    from pytui.core.install_root import executable_install_name
    from pytui.core.jobs import run_install_jobs
    from pytui.core.keys import parse_key
    from pytui.core.progress import CancelToken

    linked: list[Build] = []
    unlinked: list[Build] = []
    for step in todo:
        target = _target(step)
        parts = parse_key(target.key)
        assert parts is not None  # a catalog build's key always parses
        name = executable_install_name(parts)
        exists = not settings.no_bin and os.path.lexists(settings.bin_dir / name)
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
    done = [(o, o.result) for o in outcomes if o.result is not None]
    if done:
        what = f"Python {done[0][0].build.version}" if len(done) == 1 else f"{len(done)} versions"
        print(f"Installed {what} in {elapsed_text(started)}", file=sys.stderr)
        for outcome, result in done:
            sign = "~" if result.status == "reinstalled" else "+"
            print(f" {sign} {outcome.build.key}", file=sys.stderr)
    failed = [o for o in outcomes if o.error is not None]
    for outcome in failed:
        print(stderr_style().error(str(outcome.error)), file=sys.stderr)
    return 1 if failed else 0
