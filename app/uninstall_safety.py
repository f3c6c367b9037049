"""What `pytui uninstall` checks before it removes anything, and `pytui uninstall --outdated`.

"Would break": an environment pinned to a patch being removed, or following a minor-version
link whose minor has no other installed patch left (the link then goes away). One following a
minor link that moves to another installed patch of the same minor keeps working.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytui.app.style import stderr_style

if TYPE_CHECKING:
    from pytui.core.environment import Environment, ScanResult
    from pytui.core.install_root import InstallRoot
    from pytui.core.models import Installation

# How many paths a refusal names before "and N more".
FIRST_FEW = 3


def first_paths(envs: Sequence[Environment]) -> str:
    from pytui.app.safe_text import shown as safe  # other people's directory names

    shown = ", ".join(safe(env.path) for env in envs[:FIRST_FEW])
    return shown + (f" and {len(envs) - FIRST_FEW} more" if len(envs) > FIRST_FEW else "")


def _scan(args: argparse.Namespace, installed: Sequence[Installation]) -> ScanResult:
    from pytui.app.cmd_envs import print_scan_notes
    from pytui.core.envs import scan_for_settings

    result = scan_for_settings(args.settings, roots=getattr(args, "scan", None) or None,
                               installed=installed)
    print_scan_notes(result)
    return result


def pins_needing_download(result: ScanResult, removing: set[str],
                          installed: Sequence[Installation]) -> list[Environment]:
    """Pins satisfied now by a removed install that no remaining install satisfies."""
    from pytui.core.env_resolve import pin_choice
    from pytui.core.platform_detect import detect_host

    pins = [env for env in result.environments if env.kind == "pin" and env.key in removing]
    if not pins:
        return []
    host = detect_host()
    remaining = [i for i in installed if i.key not in removing]
    return [pin for pin in pins if pin_choice(pin.request or "", remaining, host)[0] is None]


def refuses(args: argparse.Namespace, chosen: Sequence[Installation],
            installed: Sequence[Installation]) -> bool:
    """Scan, and print one `error:` line and return True when removing `chosen` would break an
    environment (unless --force, which prints the same list as a warning)."""
    import os

    from pytui.core.env_places import pipx_default_python
    from pytui.core.environment import key_under, rebuilt_by_pipx, would_break

    result = _scan(args, installed)
    removing = {i.key for i in chosen}
    keys_installed = [i.key for i in installed]
    pipx_key = key_under(pipx_default_python(os.environ), args.settings.install_root)
    breaking = would_break(result.environments, removing, keys_installed, pipx_key)
    for env in rebuilt_by_pipx(result.environments, removing, keys_installed, pipx_key):
        print(stderr_style().warning(pipx_rebuilds_line(env)), file=sys.stderr)
    pins = pins_needing_download(result, removing, installed)
    if pins:
        noun = "project pin" if len(pins) == 1 else "project pins"
        print(f"note: {len(pins)} {noun} will need another install (uv would download one): "
              f"{first_paths(pins)}", file=sys.stderr)
    if not breaking:
        return _refuses_pipx(args, removing, keys_installed)
    if _refuses_own(args, breaking, [i for i in installed if i.key not in removing]):
        return True
    keys = sorted({env.key for env in breaking if env.key})
    what = keys[0] if len(keys) == 1 else f"{len(keys)} installs"
    noun = "environment" if len(breaking) == 1 else "environments"
    if getattr(args, "force", False):
        verb = "would break" if getattr(args, "dry_run", False) else "breaks"
        print(stderr_style().warning(f"uninstalling {what} {verb} {len(breaking)} {noun} "
              f"(--force): {first_paths(breaking)}"), file=sys.stderr)
        return _refuses_pipx(args, removing, keys_installed)  # (its warning)
    if getattr(args, "dry_run", False):
        # A dry run answers "what would happen": the plan follows, this says what would break.
        print(stderr_style().warning(f"uninstalling {what} would break {len(breaking)} {noun}: "
              f"{first_paths(breaking)}; without --dry-run this refuses (see {see_envs(keys)}, "
              "or pass --force)"), file=sys.stderr)
        return _refuses_pipx(args, removing, keys_installed)  # (its warning)
    print(stderr_style().error(f"uninstalling {what} would break {len(breaking)} {noun}: "
          f"{first_paths(breaking)}; nothing was removed (see {see_envs(keys)}, or pass --force)"),
          file=sys.stderr)
    return True


def _refuses_pipx(args: argparse.Namespace, removing: set[str], installed: list[str]) -> bool:
    """Refuse (unless --force) to remove the install the `pipx` on PATH runs on: pipx is no
    environment the scan finds where it lies outside the scanned dirs (a venv under /opt, a
    `uv venv` in /tmp), and every pipx command then fails; nothing said so. With --force or
    --dry-run, a warning (and False). Asked when no environment breaks, whose refusal comes
    first, and after its warning."""

    from pytui.app.safe_text import shown as safe

    broken = pipx_broken(removing, installed, args.settings.install_root)
    if broken is None:
        return False
    key, script, python = broken
    what = (f"the `pipx` on PATH ({safe(script)}) runs on it ({safe(python)}), and every "
            "pipx command would fail")
    if getattr(args, "force", False):
        print(stderr_style().warning(f"uninstalling {key} breaks pipx (--force): {what}"), file=sys.stderr)
        return False
    refuses_now = not getattr(args, "dry_run", False)
    verdict = "nothing was removed" if refuses_now else "without --dry-run this refuses"
    line = (f"uninstalling {key} would break pipx: {what}; {verdict} (reinstall pipx on another "
            "Python first, or pass --force)")
    print(stderr_style().error(line) if refuses_now else stderr_style().warning(line), file=sys.stderr)
    return refuses_now


def pipx_broken(removing: set[str], installed: Iterable[str], root: Path) -> tuple[str, str, str] | None:
    """(the key, the `pipx` on PATH, its interpreter) when removing `removing` stops the pipx
    on PATH, else None (the TUI's uninstall question says it too)."""
    import os

    from pytui.core.env_places import pipx_itself

    itself = pipx_itself(os.environ)
    if itself is None:
        return None
    key = _pipx_breaks(itself[1], removing, installed, root)
    return None if key is None else (key, itself[0], itself[1])


def _pipx_breaks(python: str, removing: set[str], installed: Iterable[str], root: Path) -> str | None:
    """The key of the install being removed whose going stops `python`, pipx's: its venv's
    interpreter, resolved as the scan resolves a venv (one following a minor-version link that
    moves to another installed patch keeps working), else the interpreter itself."""
    import os

    from pytui.core.env_readings import read_cfgs
    from pytui.core.env_resolve import Resolver
    from pytui.core.environment import key_under, would_break

    venv = os.path.dirname(os.path.dirname(python))
    cfg = read_cfgs([venv], {}).get(venv)
    if cfg is None or cfg[1] is None:
        key = key_under(python, root)
        return key if key in removing else None
    env = Resolver(root).resolve_venv(venv, "venv", cfg[1])
    return env.key if would_break([env], removing, installed) else None


def _refuses_own(args: argparse.Namespace, breaking: Sequence[Environment],
                 remaining: Sequence[Installation]) -> bool:
    """Refuse, --force or not, to remove the Python this pytui runs on (app/own_python.py)."""
    from pytui.app.own_python import own_environment, own_python_line

    own = own_environment(breaking)
    if own is None:
        return False
    if getattr(args, "dry_run", False):
        print(stderr_style().warning(own_python_line(
            own, remaining, args.settings.bin_dir, "without --dry-run this refuses, --force or not")),
            file=sys.stderr)
        return False
    print(stderr_style().error(own_python_line(own, remaining, args.settings.bin_dir)), file=sys.stderr)
    return True


def pipx_rebuilds_line(env: Environment) -> str:
    """What uninstalling the Python of pipx's shared libraries venv does to it (no refusal:
    core/environment.rebuilt_by_pipx)."""
    from pytui.app.safe_text import shown as safe

    return (f"pipx's shared libraries venv {safe(env.path)} uses {env.key}: pipx rebuilds it on "
            "its default Python at its next install or upgrade (offline, that first one fails "
            "to upgrade pip and the next works); its apps keep running")


def see_envs(keys: Sequence[str]) -> str:
    """The `pytui envs KEY` command(s) listing the environments using the installs `keys`: every
    one that would break is among them (one following a minor link is listed under the patch
    the link points to)."""
    shown = " and ".join(f"`pytui envs {key}`" for key in keys[:FIRST_FEW])
    return shown + (f" and {len(keys) - FIRST_FEW} more keys" if len(keys) > FIRST_FEW else "")


def pipx_default_key(installed: Sequence[Installation]) -> str | None:
    """The install (of `installed`, under their root) pipx's default Python lies in, or None
    (core/env_places.pipx_default_python: PIPX_DEFAULT_PYTHON, else the `pipx` on PATH's
    interpreter)."""
    import os

    from pytui.core.env_places import pipx_default_python
    from pytui.core.environment import key_under

    if not installed:
        return None
    return key_under(pipx_default_python(os.environ), installed[0].path.parent)


def outdated(installed: Sequence[Installation],
             environments: Iterable[Environment]) -> tuple[list[Installation], dict]:
    """Installs with a newer installed patch of the same minor, implementation, variant and
    platform; and, for those kept because environments use them directly, who uses them.
    pipx's shared libraries venv keeps none, as it stops no plain uninstall (core/environment.
    rebuilt_by_pipx: pipx rebuilds it by itself; `pipx_rebuilt` says which), unless pipx's
    default Python is in that install or in another that goes: pipx then has nothing to
    rebuild it on. It kept the install, and with it the disk it takes, for good. The install the
    `pipx` on PATH runs on (`pipx_broken`, which a plain uninstall refuses) is kept too, the
    pipx script named as its user: it was removed when pipx's venv lay outside the scan."""
    from pytui.core.keys import parse_key
    from pytui.core.ordering import version_rank

    # (installation, its minor-version group, its version rank), parsed once.
    ranked = []
    for installation in installed:
        parts = parse_key(installation.key)
        if parts is None:
            continue
        group = (parts.implementation, parts.major, parts.minor, parts.variant, parts.os,
                 parts.arch, parts.libc)
        ranked.append((installation, group,
                       version_rank(parts.major, parts.minor, parts.patch, parts.prerelease)))
    newest: dict[tuple, tuple] = {}
    for _installation, group, rank in ranked:
        if group not in newest or rank > newest[group]:
            newest[group] = rank
    environments = list(environments)

    def users_of(key: str) -> list[Environment]:
        return [env for env in environments if env.key == key and env.status == "ok"
                and (env.link == "patch" or env.kind == "pin")]

    pipx_key = pipx_default_key(installed)
    # Whether pipx's default Python goes with this prune (outdated, and no user keeps it: its
    # own shared venv keeps it, below), so pipx could rebuild no shared venv.
    pipx_goes = pipx_key is not None and any(
        i.key == pipx_key and rank < newest[group] and not users_of(pipx_key)
        for i, group, rank in ranked)
    gone: list[Installation] = []
    kept: dict[str, list] = {}
    for installation, group, rank in ranked:
        if rank >= newest[group]:
            continue
        users = [env for env in users_of(installation.key)
                 if env.kind != "pipx-shared" or pipx_goes or installation.key == pipx_key]
        if users:
            kept[installation.key] = users
        else:
            gone.append(installation)
    if gone:
        broken = pipx_broken({i.key for i in gone}, [i.key for i in installed], installed[0].path.parent)
        if broken is not None:
            from pathlib import Path

            from pytui.core.environment import Environment

            key, script, _python = broken
            gone = [i for i in gone if i.key != key]
            kept[key] = [*kept.get(key, []), Environment(Path(script), "venv", key, "patch", "ok")]
    return gone, kept


def pipx_rebuilt(installed: Sequence[Installation], environments: Iterable[Environment],
                 gone: Iterable[Installation]) -> list[Environment]:
    """pipx's shared libraries venvs that lose their Python when `gone` (an `outdated` result)
    goes, which pipx rebuilds by itself: the warning `pytui uninstall` says of them."""
    from pytui.core.environment import rebuilt_by_pipx

    return rebuilt_by_pipx(environments, {i.key for i in gone}, [i.key for i in installed],
                           pipx_default_key(installed))


def still_outdated(root: InstallRoot, key: str,
                    environments: Sequence[Environment]) -> Callable[[], str | None]:
    """The check `uninstall` runs under the root lock: the plan was made without it, and uv or
    another pytui may have removed the newer patch (or this one) since."""
    def recheck() -> str | None:
        installed = root.installed()
        if not any(i.key == key for i in installed):
            return "it is no longer installed"
        gone, _kept = outdated(installed, environments)
        if not any(i.key == key for i in gone):
            return "no newer patch of it is installed now (another process changed the root)"
        return None

    return recheck


def run_prune(args: argparse.Namespace) -> int:
    """`pytui uninstall --outdated [--dry-run]`."""
    import time

    from pytui.app.progress_board import elapsed_text, human_bytes
    from pytui.core.install_root import InstallRoot

    settings = args.settings
    root = InstallRoot(settings.install_root)
    installed = root.installed()
    started = time.monotonic()
    result = _scan(args, installed)
    gone, kept = outdated(installed, result.environments)
    for env in pipx_rebuilt(installed, result.environments, gone):
        print(stderr_style().warning(pipx_rebuilds_line(env)), file=sys.stderr)
    for key, users in sorted(kept.items()):
        noun = "environment" if len(users) == 1 else "environments"
        print(f" = {key} kept: used directly by {len(users)} {noun} ({first_paths(users)})",
              file=sys.stderr)
    if not gone:
        print("No outdated Python installations to remove", file=sys.stderr)
        return 0
    from pytui.app import uninstall_report as report

    if args.dry_run:
        report.print_plan(root, gone)
        return 0
    from pytui.core.install_root import NotRemoved

    bin_dir = None if settings.no_bin else settings.bin_dir
    removals = []
    waited: list[str] = []

    def on_wait(message: str) -> None:
        if not waited:
            from pytui.app.progress_board import wait_line

            waited.append(message)
            print(wait_line(message), file=sys.stderr)

    for installation in gone:
        try:
            removals.append(root.uninstall(
                installation.key, bin_dir=bin_dir, on_wait=on_wait,
                recheck=still_outdated(root, installation.key, result.environments)))
        except NotRemoved as err:
            print(f" = {err}", file=sys.stderr)
            continue
    if not removals:
        print("No outdated Python installations were removed", file=sys.stderr)
        return 0
    version = next(i.version for i in gone if i.key == removals[0].key)
    noun = f"Python {version}" if len(removals) == 1 else f"{len(removals)} versions"
    print(f"Uninstalled {noun} in {elapsed_text(started)} ({report.summary_text(removals)})",
          file=sys.stderr)
    for removal in removals:
        print(f" - {removal.key} ({human_bytes(removal.freed)}){report.links_text(removal)}",
              file=sys.stderr)
    return 0
