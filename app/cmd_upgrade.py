"""`pytui upgrade [REQUEST...] [--dry-run]`: the newest patch of each installed minor version, as
`uv python upgrade` does it, and which environments move with it.

For each installed CPython minor version (all, or those the requests select) the newest build
of the same implementation, variant and platform in the catalog is installed and the
minor-version link moves to it; old patches stay. A requested minor version that is not
installed is installed (its newest patch), and a request with no download installs nothing at
all, as uv's upgrade does. Bin links are updated only where they already
exist (as uv). Environments made through the minor-version link (`uv venv -p 3.12`) run the new
patch from then on; those made from a patch directory stay pinned to it, and are named.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from pytui.app import interrupted
from pytui.app.style import stderr_style
from pytui.app.upgrade_plan import (
    Step,
    change_line,
    followers,
    keeps_bin_links,
    nothing_to_do,
    pinned_by_version,
    plan,
    replaces_install,
    with_no_bin,
)

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.environment import Environment, ScanResult
    from pytui.core.errors import WarningLine
    from pytui.core.jobs import JobOutcome
    from pytui.core.models import Build, Installation
    from pytui.core.requests import PythonRequest
    from pytui.core.settings import Settings


DESCRIPTION = ("Upgrade installed Python minor versions to their newest patch (as `uv python "
               "upgrade`), move the minor-version links, and say which environments now run the "
               "new patch and which stay pinned to the old one. Old patches are kept; `pytui "
               "uninstall --outdated` removes those no environment uses.")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from pytui.app.cmd_envs import add_env_command

    parser = add_env_command(sub, common, "upgrade", run, DESCRIPTION,
                             summary="install the newest patch of installed minor versions")
    parser.add_argument("requests", nargs="*", metavar="REQUEST",
                        help="minor versions to upgrade (default: every installed one), e.g. 3.12, 3.13t")
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would be installed and which environments follow; change nothing")
    parser.add_argument("--reinstall", "-r", action="store_true",
                        help="reinstall the newest patch even if it is installed")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="install N builds at once (default 4)")


def _paths(envs: list[Environment]) -> str:
    from pytui.app.uninstall_safety import first_paths

    return first_paths(envs)


def _report_pinned(result: ScanResult, step: Step, out: TextIO) -> None:
    for version, envs in pinned_by_version(result.environments, step):
        noun = "environment stays" if len(envs) == 1 else "environments stay"
        print(f"   {len(envs)} {noun} pinned to {version}: {_paths(envs)}", file=out)


def _minor_only(requests: list[PythonRequest]) -> str | None:
    """The first request naming a patch or a pre-release (uv refuses those), else None."""
    for request in requests:
        if request.version is not None and request.version.kind in ("patch", "patch_pre", "minor_pre"):
            return request.text
    return None


def run(args: argparse.Namespace) -> int:
    import time

    from pytui.core.envs import scan_for_settings
    from pytui.core.errors import RequestError
    from pytui.core.install_root import InstallRoot
    from pytui.core.requests import PythonRequest
    from pytui.core.sources import load_catalog

    settings = args.settings
    from pytui.app.cmd_install import build_pin, refuse_jobs

    refused = refuse_jobs(args.jobs)
    if refused is not None:
        return refused
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
    if not installed and not requests:
        print("There are no installed versions to upgrade", file=sys.stderr)
        return 0
    # (With nothing installed, each request is one that matches no install, said as such.)
    catalog = load_catalog(settings)
    # uv's build pin (`uv python upgrade` reads it as `uv python install` does).
    pin = build_pin(settings.env, "cpython")
    steps, unmatched = plan(installed, catalog, requests, reinstall=args.reinstall,
                            pin=pin[1] if pin else None)
    # A request no install matches is installed (its newest patch, no bin link), as uv 0.13.9's
    # upgrade does; as its install, uv resolves every request first, and one with no download
    # (or a minor the build pin has none of) installs nothing at all.
    fresh, missing = _fresh_targets(settings, catalog, requests, unmatched, pin)
    missing += _say_missing_pins(steps, pin, catalog)
    if missing:
        for line in missing:
            print(stderr_style().error(line), file=sys.stderr)
        from pytui.app.cmd_install import NO_DOWNLOAD_EXIT

        return NO_DOWNLOAD_EXIT
    todo = [(s, s.target) for s in steps if s.target is not None]
    if not todo and not fresh:
        if steps:
            print(nothing_to_do(requests), file=sys.stderr)
        return 0

    from pytui.app.cmd_envs import print_scan_notes

    try:
        before = scan_for_settings(settings, roots=args.scan or None, installed=installed)
    except KeyboardInterrupt:  # before anything was installed
        print(stderr_style().error(interrupted.scan_line()), file=sys.stderr)
        return interrupted.EXIT_CODE
    print_scan_notes(before)
    if args.dry_run:
        _preview(before, todo, fresh, pin, sys.stderr)
        return 0
    code = _install(args, settings, catalog, [target for _, target in todo] + [b for _, b in fresh],
                    started, installed)
    if code == interrupted.EXIT_CODE:
        return code
    after = scan_for_settings(settings, roots=args.scan or None)
    out = sys.stderr
    for step, target in todo:
        now = [e for e in followers(after.environments, step) if e.key == target.key]
        if now:
            noun = "environment now runs" if len(now) == 1 else "environments now run"
            print(f" {len(now)} {noun} {target.key} (through {step.minor_link}): "
                  f"{_paths(now)}", file=out)
        _report_pinned(after, step, out)
    return code


def _fresh_targets(settings: Settings, catalog: Catalog, requests: list[PythonRequest], unmatched: list[str],
                   pin: tuple[str, str] | None) -> tuple[list[tuple[str, Build]], list[str]]:
    """For each request no install matches, the build `pytui install` would pick for it, as
    uv's upgrade installs it ((request text, build)); the line of each that has no download."""
    if not unmatched:
        return [], []
    from pytui.app.cmd_install import no_download_line
    from pytui.core.build_choice import find_download
    from pytui.core.platform_detect import detect_host

    host = detect_host(settings.env)
    fresh: list[tuple[str, Build]] = []
    missing: list[str] = []
    for request in requests:
        if request.text not in unmatched or any(text == request.text for text, _ in fresh):
            continue
        choice = find_download(catalog, request, host, build=pin[1] if pin else None)
        if choice is None:
            missing.append(no_download_line(request.text, pin, host, catalog))
        elif all(b.key != choice.key for _, b in fresh):
            fresh.append((request.text, choice))
    return fresh, missing


def _say_missing_pins(steps: list[Step], pin: tuple[str, str] | None, catalog: Catalog) -> list[str]:
    """The line for each minor version the build pin finds no download of (uv's upgrade then
    installs nothing at all)."""
    if pin is None:
        return []
    from pytui.app.cmd_install import shown_pin

    return [f"no download found for {step.minor_link} with build {shown_pin(pin[1])} ({pin[0]}) in catalog "
            f"{catalog.source}; see `pytui list --all-versions`, or unset {pin[0]}"
            for step in steps if step.pin_missing]


def _preview(before: ScanResult, todo: list[tuple[Step, Build]], fresh: list[tuple[str, Build]],
             pin: tuple[str, str] | None, out: TextIO) -> None:
    count = len(todo) + len(fresh)
    noun = "1 version" if count == 1 else f"{count} versions"
    print(f"Would upgrade {noun}", file=out)
    for text, target in fresh:
        print(f" + {target.key} (no {text} is installed: installed, as uv's upgrade does)", file=out)
    for step, target in todo:
        print(f" {change_line(step, target, pin[0] if pin else None)}", file=out)
        following = followers(before.environments, step)
        if following:
            noun = "environment follows" if len(following) == 1 else "environments follow"
            print(f"   {len(following)} {noun} {step.minor_link}: {_paths(following)}", file=out)
        _report_pinned(before, step, out)


def _install(args: argparse.Namespace, settings: Settings, catalog: Catalog, targets: list[Build],
             started: float, installed: list[Installation]) -> int:
    """Install the targets; a bin link is updated only where one already exists (as uv), and a
    target whose key is installed (another build of that patch) replaces it."""
    from pytui.app.progress_board import ProgressBoard
    from pytui.core.job_runs import run_install_jobs
    from pytui.core.progress import CancelToken

    groups: dict[tuple[bool, bool], list[Build]] = {}
    for target in targets:
        reinstall = args.reinstall or replaces_install(installed, target)
        groups.setdefault((not keeps_bin_links(settings, target), reinstall), []).append(target)
    unlinked = [t for (no_bin, _), builds in groups.items() if no_bin for t in builds]
    cancel = CancelToken()
    warnings: list[WarningLine] = []
    outcomes = []
    board = ProgressBoard()
    try:
        with board:
            for (no_bin, reinstall), builds in sorted(groups.items()):
                outcomes += run_install_jobs(
                    builds, settings=with_no_bin(settings, no_bin),
                    catalog=catalog, concurrency=args.jobs, progress_for=board.callback, on_ended=board.ended,
                    cancel=cancel, reinstall=reinstall, on_warning=warnings.append,
                    wait_for=board.waiting)
    except KeyboardInterrupt as err:
        cancel.cancel()
        from pytui.core.job_runs import JobsInterrupted

        ended = outcomes + (err.outcomes if isinstance(err, JobsInterrupted) else [])
        if ended:  # (a Ctrl-C as the board closes comes after every job ended)
            # What was installed before the Ctrl-C is there: said, then "interrupted".
            _say_installed(ended, started)
        print(stderr_style().error(interrupted.install_line(installed_some=interrupted.installed_any(ended))),
              file=sys.stderr)
        return interrupted.EXIT_CODE
    for warning in warnings:
        print(stderr_style().warning(str(warning)), file=sys.stderr)
    done = _say_installed(outcomes, started)
    if not settings.no_bin:
        # As uv, an upgrade makes no bin link that is not there; say so, and how to get one.
        upgraded = {build.key for build, _ in done}
        for target in unlinked:
            if target.key in upgraded:
                name = target.bin_names[0]
                print(f"note: {settings.bin_dir / name} does not exist, so the upgrade made none "
                      f"(as uv); `pytui install {target.minor_request}` links it",
                      file=sys.stderr)
    failed = [o for o in outcomes if o.error is not None]
    for outcome in failed:
        print(stderr_style().error(str(outcome.error)), file=sys.stderr)
    return 1 if failed else 0


def _say_installed(outcomes: list[JobOutcome], started: float) -> list[tuple[Build, str]]:
    """`Installed …` and a line per build installed, as uv says them; returns (build, status)."""
    from pytui.app.cmd_install import already_installed_line
    from pytui.app.progress_board import elapsed_text

    for outcome in outcomes:
        if outcome.result is not None and outcome.result.status == "already":
            print(already_installed_line(outcome.build), file=sys.stderr)
    # Not "Installed" for what a job found there (another process installed it meanwhile).
    from pytui.core.ordering import in_change_order

    done = in_change_order([(o.build, o.result.status) for o in outcomes
                            if o.result is not None and o.result.status != "already"], key=lambda pair: pair[0])
    if done:
        from pytui.app.path_hint import executables_named

        # A new patch's line names the bin link that now runs it, as uv's upgrade does
        # (` + KEY (python3.12)`); a newer build of the installed patch's (` ~ KEY`) names none.
        by_key = {o.build.key: o.result.installation for o in outcomes
                  if o.result is not None and o.result.status == "installed"}
        linked = [build.key for build, _ in done if build.key in by_key]  # in change order
        names = dict(zip(linked, executables_named([by_key[key] for key in linked]), strict=True))
        what = f"Python {done[0][0].version}" if len(done) == 1 else f"{len(done)} versions"
        print(f"Installed {what} in {elapsed_text(started)}", file=sys.stderr)
        for build, status in done:
            print(f" {'~' if status == 'reinstalled' else '+'} {build.key}{names.get(build.key, '')}",
                  file=sys.stderr)
    return done

