"""Which Python environments exist on this machine, and which managed install each one runs.

An environment is a directory holding `pyvenv.cfg` (made by `python -m venv`, `uv venv`,
virtualenv, uv tools, pipx, virtualenvwrapper), or a project's `.python-version` pin. The scan
puts the parts together:

- where to look (`env_places`): uv's tool dir, pipx's venvs, WORKON_HOME (direct children), and
  the project roots (`--scan`, PYTUI_SCAN_PATHS, `<config>/pytui/scan-paths`, else the home
  directory), walked with a depth limit and a time budget (`envwalk`);
- what each one runs (`env_resolve`), from the files read by `env_files` (a scan's reading of
  them, and its pins resolved: `env_readings`);
- what was found last time (`env_state`): the walks are checked by mtime instead of listed
  again, and a pyvenv.cfg or .python-version is read again only when its identity changed.

This module is the scan's public face: `scan`, `scan_for_settings`, and the names callers
imported from it before the split (listed in `__all__`). No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from pytui.core import env_quick
from pytui.core.elide import path_for_line
from pytui.core.env_files import (
    parse_pyvenv_cfg,
    read_pin,
    read_regular,
)
from pytui.core.env_places import (
    MAX_BUDGET,
    MAX_SCAN_PATHS,
    TIME_BUDGET,
    config_scan_file,
    pipx_homes,
    scan_paths,
    time_budget,
    tool_environments,
    uv_tool_dir,
    workon_home,
)
from pytui.core.env_quick_state import (
    QUICK_FILE,
    QuickFileRefused,
    drop_quick,
    read_quick,
    save_quick,
    within_bounds,
)
from pytui.core.env_readings import Reading, read_cfgs, read_pins, resolve_pins
from pytui.core.env_resolve import Resolver, pin_choice
from pytui.core.environment import KINDS, Environment, ScanResult, would_break
from pytui.core.envtree import STATE_FILE
from pytui.core.gc_pause import gc_paused
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Installation

if TYPE_CHECKING:
    # The stored walk and the walk itself are imported by a full scan only (a quick one never
    # reads the walk; their imports cost `pytui envs` ~5 ms).
    from pytui.core.env_state import StoredScan, StoredWalk

# Walk at most this many levels below a project root (`~/code/org/project/.venv` is 4).
MAX_DEPTH = 6
# Scan modes: the whole tree checked; a quick check while the last full walk is younger than
# the max age (else a full one); a quick check or nothing (the TUI's first look).
FULL, QUICK, QUICK_ONLY = "full", "quick", "quick-only"
# How old (seconds) the last full walk may be for a quick scan, by default and at most (the
# config file's `scan-max-age`).
QUICK_MAX_AGE = 600.0
MAX_QUICK_AGE = 7 * 24 * 3600.0
# A last full walk dated this far in the future (a clock set back) is not trusted.
CLOCK_SLACK = 60.0

# The names callers import from here (each defined in the module that owns it).
__all__ = ["FULL", "KINDS", "MAX_BUDGET", "MAX_DEPTH", "MAX_QUICK_AGE", "MAX_SCAN_PATHS", "QUICK",
           "QUICK_FILE", "QUICK_MAX_AGE", "QUICK_ONLY", "STATE_FILE", "TIME_BUDGET",
           "Environment", "Resolver", "ScanResult", "config_scan_file", "parse_pyvenv_cfg",
           "pin_choice", "pipx_homes", "quick_for_settings", "quick_scan", "read_pin", "read_regular",
           "scan", "scan_for_settings",
           "scan_paths", "time_budget", "tool_environments", "uv_tool_dir", "workon_home",
           "would_break"]


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def scan(install_root: Path, state_dir: Path, env: Mapping[str, str], *,
         roots: Sequence[Path] | None = None, extra_skip: Iterable[Path] = (),
         max_depth: int = MAX_DEPTH, budget: float | None = None,
         installed: Sequence[Installation] | None = None, host=None,
         cancelled: Callable[[], bool] | None = None, use_state: bool = True,
         mode: str = FULL, max_age: float = QUICK_MAX_AGE,
         clock: Callable[[], float] = time.time) -> ScanResult:
    """Find environments and resolve each against `install_root`.

    `roots` are the project roots (default: `scan_paths(env)`); `extra_skip` are directories the
    walk leaves out besides the install root, the tool containers and the state dir (e.g. the
    archive cache). `installed` and `host` decide which install satisfies each pin (found when
    not given, and only if there are pins).

    `mode` FULL checks the whole tree (every recorded directory); QUICK checks only the known
    environments and the watched directories (`env_quick`) while the last full walk is younger
    than `max_age` seconds (by `clock`), and the whole tree otherwise. Anything that could
    break an environment asks for FULL.
    """
    return _always(_run(Path(install_root), Path(state_dir), env, roots=roots,
                        extra_skip=extra_skip, max_depth=max_depth, budget=budget,
                        installed=installed, host=host, cancelled=cancelled,
                        use_state=use_state, mode=_not_quick_only(mode), max_age=max_age,
                        clock=clock))


def _not_quick_only(mode: str) -> str:
    """`mode` for a scan that always answers: QUICK_ONLY may give none (`quick_scan` is that)."""
    if mode == QUICK_ONLY:
        raise ValueError("a scan in mode QUICK_ONLY may find nothing to answer: call quick_scan")
    return mode


def _always(result: ScanResult | None) -> ScanResult:
    """The result of a scan whose mode is not QUICK_ONLY, which always answers."""
    if result is None:
        raise RuntimeError("a full or quick scan gave no result")
    return result


def quick_scan(install_root: Path, state_dir: Path, env: Mapping[str, str], *,
               roots: Sequence[Path] | None = None, extra_skip: Iterable[Path] = (),
               max_depth: int = MAX_DEPTH, budget: float | None = None,
               installed: Sequence[Installation] | None = None, host=None,
               cancelled: Callable[[], bool] | None = None, max_age: float = QUICK_MAX_AGE,
               clock: Callable[[], float] = time.time) -> ScanResult | None:
    """The quick scan alone: None when it is not allowed (no quick file, the last full walk
    older than `max_age`, other settings, a project root moved)."""
    return _run(Path(install_root), Path(state_dir), env, roots=roots, extra_skip=extra_skip,
                max_depth=max_depth, budget=budget, installed=installed, host=host,
                cancelled=cancelled, use_state=True, mode=QUICK_ONLY, max_age=max_age,
                clock=clock)


def _run(install_root: Path, state_dir: Path, env: Mapping[str, str], *,
         roots: Sequence[Path] | None, extra_skip: Iterable[Path], max_depth: int,
         budget: float | None, installed: Sequence[Installation] | None, host,
         cancelled: Callable[[], bool] | None, use_state: bool, mode: str, max_age: float,
         clock: Callable[[], float]) -> ScanResult | None:
    if mode not in (FULL, QUICK, QUICK_ONLY):
        raise ValueError(f"unknown scan mode {mode!r}")
    # A warm scan makes ~100,000 short-lived stat results (tracked objects, none in a cycle):
    # the collector's passes over them cost ~10% of it.
    with gc_paused():
        started = time.monotonic()
        warnings: list[str] = []
        if roots is None:
            roots, warnings = scan_paths(env)
        budget = time_budget(env) if budget is None else budget
        if use_state:
            # Made before the left-out directories are found, so the first scan leaves it out
            # as every later one does (a quick scan is allowed only with the same ones).
            with contextlib.suppress(OSError):
                state_dir.mkdir(parents=True, exist_ok=True)
        plan = _Plan(install_root, state_dir, list(roots), max_depth, started + budget, budget,
                     cancelled, env, installed, host)
        plan.find_skips(extra_skip)
        result: ScanResult | None = None
        if use_state and mode != FULL:
            result = _quick_scan(plan, warnings, max_age, clock)
        if result is None and mode != QUICK_ONLY:
            result = _full_scan(plan, warnings, use_state, clock)
        if result is not None:
            result.elapsed = time.monotonic() - started
        return result


class _Plan:
    """What one scan works with: its settings, the directories it leaves out, the tool
    environments found now."""

    def __init__(self, install_root: Path, state_dir: Path, roots: list[Path], max_depth: int,
                 deadline: float, budget: float, cancelled: Callable[[], bool] | None,
                 env: Mapping[str, str], installed: Sequence[Installation] | None, host) -> None:
        self.install_root, self.state_dir, self.roots = install_root, state_dir, roots
        self.max_depth, self.deadline, self.budget = max_depth, deadline, budget
        self.cancelled, self.env, self.installed, self.host = cancelled, env, installed, host
        self.tool_envs: list[tuple[str, str]] = []
        self.skip_ids: frozenset[tuple[int, int]] = frozenset()
        self.skip_sig = ""

    def find_skips(self, extra_skip: Iterable[Path]) -> None:
        self.tool_envs, containers = tool_environments(self.env)
        skip_paths = [self.install_root, self.state_dir, *containers, *extra_skip]
        self.skip_ids = frozenset(i for i in (_dir_id(p) for p in skip_paths) if i is not None)
        self.skip_sig = ",".join(sorted(f"{d}:{i}" for d, i in self.skip_ids))

    @property
    def root_text(self) -> str:
        return os.path.normpath(os.path.abspath(self.install_root))

    def resolve(self, result: ScanResult, venv_readings: Mapping[str, Reading],
                venv_kinds: Mapping[str, str], pin_texts: Sequence[tuple[str, str | None]]) -> None:
        resolver = Resolver(self.install_root)
        for env_dir, (_ident, fields) in venv_readings.items():
            kind = venv_kinds.get(env_dir, "venv")
            if fields is None:
                result.environments.append(Environment(
                    Path(env_dir), kind, None, None, "broken",
                    error="pyvenv.cfg is not a readable regular file"))
            else:
                result.environments.append(resolver.resolve_venv(env_dir, kind, fields))
        resolve_pins(result, pin_texts, self.install_root, self.installed, self.host, self.env)
        result.environments.sort(key=lambda e: (str(e.path), e.kind))


def _full_scan(plan: _Plan, warnings: list[str], use_state: bool,
               clock: Callable[[], float]) -> ScanResult:
    from pytui.core.env_state import StoredScan, read_state, save_state

    full_at = clock()
    state_path = plan.state_dir / STATE_FILE
    stored, problem = read_state(state_path) if use_state else (StoredScan(), None)
    if problem:
        warnings.append(f"ignored {path_for_line(str(state_path))}: {problem}; the whole tree is "
                        "walked again")
    result = ScanResult(environments=[], roots=list(plan.roots), warnings=warnings,
                        tree_checked_at=full_at)
    venv_kinds: dict[str, str] = {d: kind for d, kind in plan.tool_envs}
    pin_files: list[str] = []
    walks = _walk_roots(result, stored, plan, venv_kinds=venv_kinds, pin_files=pin_files)
    result.tree_dirs = sum(len(walk.tree) for walk in walks.values())
    readings = read_cfgs(venv_kinds, stored.cfg)
    pin_texts, pins = read_pins(pin_files, stored.pins)
    plan.resolve(result, readings, venv_kinds, pin_texts)
    cfg = {d: (ident, fields) for d, (ident, fields) in readings.items() if fields is not None}
    now = StoredScan(walks, cfg, pins)
    # An unchanged scan leaves the file as it is (writing it costs more than checking it).
    if use_state and now != stored:
        save_state(state_path, now)
    if use_state:
        _keep_quick(plan, result, full_at, walks, cfg, pins)
    return result


def _keep_quick(plan: _Plan, result: ScanResult, full_at: float, walks: dict[str, StoredWalk],
                cfg: dict, pins: dict) -> None:
    """Leave the quick scan what this full one found (or nothing, when it was partial)."""
    quick_path = plan.state_dir / QUICK_FILE
    quick = None
    if not result.partial:
        quick = env_quick.from_full(
            full_at=full_at, install_root=plan.root_text, depth=plan.max_depth,
            skip=plan.skip_sig, walks={str(r): walks[str(r)] for r in plan.roots if str(r) in walks},
            cfg=cfg, pins=pins, tool_dirs=[d for d, _kind in plan.tool_envs],
            unreadable=result.unreadable)
    if quick is None:
        drop_quick(quick_path)
    else:
        save_quick(quick_path, quick)


def _quick_scan(plan: _Plan, warnings: list[str], max_age: float,
                clock: Callable[[], float]) -> ScanResult | None:
    """The quick scan, or None when it is not allowed (no quick file, too old, made with other
    settings, a root moved); a refused file is said in one warning line."""
    quick_path = plan.state_dir / QUICK_FILE
    try:
        state = read_quick(quick_path)
    except QuickFileRefused as err:
        warnings.append(f"ignored {path_for_line(str(quick_path))}: {err}; the whole tree is "
                        "checked instead")
        return None
    if state is None:
        return None
    age = clock() - state.full_at
    if not -CLOCK_SLACK <= age < max_age:
        return None
    walked = [str(root) for root in plan.roots if os.path.isdir(root)]
    if (state.install_root != plan.root_text or state.depth != plan.max_depth
            or state.skip != plan.skip_sig or set(state.roots) != set(walked)):
        return None
    try:
        found = env_quick.check(state, max_depth=plan.max_depth, deadline=plan.deadline,
                                skip_ids=plan.skip_ids, cancelled=plan.cancelled)
    except env_quick.RootMoved:
        return None
    result = ScanResult(environments=[], roots=list(plan.roots), warnings=warnings,
                        unreadable=found.unreadable, listed=found.listed, quick=True,
                        tree_checked_at=state.full_at, tree_dirs=state.dirs,
                        watched=found.watched)
    for root in plan.roots:
        if str(root) not in walked:
            result.warnings.append(_not_scanned(root))
    if found.partial:
        result.partial = True
        result.reason = (f"stopped after the {plan.budget:g} s time budget (PYTUI_SCAN_BUDGET); "
                         "the next scan continues where this one stopped")
    venv_kinds = {d: kind for d, kind in plan.tool_envs}
    tools = read_cfgs(venv_kinds, state.tools)
    readings: dict[str, Reading] = {**found.venvs, **tools}
    plan.resolve(result, readings, venv_kinds, [(p, text) for p, (_i, text) in found.pins.items()])
    kept = found.state
    if kept is not None:
        kept.tools = {d: r for d, r in tools.items() if r[1] is not None}
        if kept != state and within_bounds(kept):
            save_quick(quick_path, kept)
    return result


def _walk_roots(result: ScanResult, stored: StoredScan, plan: _Plan, *,
                venv_kinds: dict[str, str], pin_files: list[str]) -> dict[str, StoredWalk]:
    """Walk each project root (checking its stored walk); returns the walks to keep."""
    from pytui.core import envwalk
    from pytui.core.env_state import StoredWalk

    # A stored walk is used while every directory it left out is still left out: one left out
    # now but walked then is dropped by the walk itself (checked by inode), while one walked now
    # but left out then would never be met again below an unchanged parent.
    skip_set = set(filter(None, plan.skip_sig.split(",")))
    walks: dict[str, StoredWalk] = {}
    for root in plan.roots:
        key = str(root)
        old = stored.walks.get(key)
        old_tree = None
        if old and old.depth == plan.max_depth and set(filter(None, old.skip.split(","))) <= skip_set:
            old_tree = old.tree
        if not os.path.isdir(root):
            result.warnings.append(_not_scanned(root))
            continue
        walked = envwalk.walk(key, max_depth=plan.max_depth, deadline=plan.deadline,
                              old=old_tree, skip_ids=plan.skip_ids, cancelled=plan.cancelled)
        if len(walked.tree):
            walks[key] = StoredWalk(plan.max_depth, plan.skip_sig, walked.tree)
        result.listed += walked.listed
        result.reused += walked.reused
        result.unreadable += walked.unreadable
        for d in walked.venvs:
            venv_kinds.setdefault(d, "venv")
        pin_files += walked.pins
        if walked.partial:
            result.partial = True
            result.reason = (f"stopped after the {plan.budget:g} s time budget (PYTUI_SCAN_BUDGET); "
                             "the next scan continues where this one stopped")
            break
    # Roots not walked this time (partial) keep their stored walk.
    for key, walk in stored.walks.items():
        if key not in walks and Path(key) in plan.roots:
            walks[key] = walk
    return walks


def scan_for_settings(settings, *, roots: Sequence[str] | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      installed: Sequence[Installation] | None = None, mode: str = FULL,
                      max_age: float = QUICK_MAX_AGE,
                      clock: Callable[[], float] = time.time) -> ScanResult:
    """`scan` with the paths of a `Settings` (install root, archive cache, state dir, env);
    `clock` dates the whole tree's check (the app's clock, as for every age it shows)."""
    return _always(_for_settings(settings, roots=roots, cancelled=cancelled, installed=installed,
                                 mode=_not_quick_only(mode), max_age=max_age, clock=clock))


def quick_for_settings(settings, *, cancelled: Callable[[], bool] | None = None,
                       installed: Sequence[Installation] | None = None,
                       max_age: float = QUICK_MAX_AGE,
                       clock: Callable[[], float] = time.time) -> ScanResult | None:
    """`quick_scan` with the paths of a `Settings`: None when no quick scan is allowed (the
    last whole check's age by `clock`)."""
    return _for_settings(settings, roots=None, cancelled=cancelled, installed=installed,
                         mode=QUICK_ONLY, max_age=max_age, clock=clock)


def _for_settings(settings, *, roots: Sequence[str] | None, cancelled: Callable[[], bool] | None,
                  installed: Sequence[Installation] | None, mode: str,
                  max_age: float, clock: Callable[[], float]) -> ScanResult | None:
    env = settings.env
    paths = None
    warnings: list[str] = []
    if roots:
        paths, warnings = scan_paths(env, roots)
    result = _run(Path(settings.install_root), Path(settings.state_dir), env, roots=paths,
                  extra_skip=[settings.cache_dir], max_depth=MAX_DEPTH, budget=None,
                  installed=installed, host=None, cancelled=cancelled, use_state=True,
                  mode=mode, max_age=max_age, clock=clock)
    if result is not None:
        result.warnings[:0] = warnings
    return result


def _not_scanned(root: object) -> str:
    """Why a scan path was skipped: not a directory (none there, a file), or one that cannot
    be reached (a symlink loop, another user's /proc/PID/root), said with its cause: a loop
    as HOME was said `is not a directory`."""
    import errno

    from pytui.core.fs_errors import cause

    try:
        os.stat(str(root))
    except OSError as err:
        if err.errno not in (errno.ENOENT, errno.ENOTDIR):
            return f"scan path {path_for_line(str(root))} cannot be read ({cause(err)}); skipped"
    return f"scan path {path_for_line(str(root))} is not a directory; skipped"
