"""Which Python environments exist on this machine, and which managed install each one runs.

An environment is a directory holding `pyvenv.cfg` (made by `python -m venv`, `uv venv`,
virtualenv, uv tools, pipx, virtualenvwrapper), or a project's `.python-version` pin. The scan
puts the parts together:

- where to look (`env_places`): uv's tool dir, pipx's venvs, WORKON_HOME (direct children), and
  the project roots (`--scan`, PYTUI_SCAN_PATHS, `<config>/pytui/scan-paths`, else the home
  directory), walked with a depth limit and a time budget (`envwalk`);
- what each one runs (`env_resolve`), from the files read by `env_files`;
- what was found last time (`env_state`): the walks are checked by mtime instead of listed
  again, and a pyvenv.cfg or .python-version is read again only when its identity changed.

This module is the scan's public face: `scan`, `scan_for_settings`, and the names callers
imported from it before the split (listed in `__all__`). No Textual here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from pytui.core import envwalk
from pytui.core.env_files import (
    CFG_MAX_BYTES,
    PIN_MAX_BYTES,
    file_ident,
    parse_pin,
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
from pytui.core.env_resolve import Resolver, pin_choice
from pytui.core.env_state import STATE_FILE, StoredScan, StoredWalk, load_state, save_state
from pytui.core.environment import KINDS, Environment, ScanResult, would_break
from pytui.core.gc_pause import gc_paused
from pytui.core.models import Installation

# Walk at most this many levels below a project root (`~/code/org/project/.venv` is 4).
MAX_DEPTH = 6

# The names callers import from here (each defined in the module that owns it).
__all__ = ["KINDS", "MAX_BUDGET", "MAX_DEPTH", "MAX_SCAN_PATHS", "STATE_FILE", "TIME_BUDGET",
           "Environment", "Resolver", "ScanResult", "config_scan_file", "parse_pyvenv_cfg",
           "pin_choice", "pipx_homes", "read_pin", "read_regular", "scan", "scan_for_settings",
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
         cancelled: Callable[[], bool] | None = None, use_state: bool = True) -> ScanResult:
    """Find environments and resolve each against `install_root`.

    `roots` are the project roots (default: `scan_paths(env)`); `extra_skip` are directories the
    walk leaves out besides the install root, the tool containers and the state dir (e.g. the
    archive cache). `installed` and `host` decide which install satisfies each pin (found when
    not given, and only if there are pins).
    """
    # A warm scan makes ~100,000 short-lived stat results (tracked objects, none in a cycle):
    # the collector's passes over them cost ~10% of it.
    with gc_paused():
        return _scan(install_root, state_dir, env, roots=roots, extra_skip=extra_skip,
                     max_depth=max_depth, budget=budget, installed=installed, host=host,
                     cancelled=cancelled, use_state=use_state)


def _scan(install_root: Path, state_dir: Path, env: Mapping[str, str], *,
          roots: Sequence[Path] | None, extra_skip: Iterable[Path], max_depth: int,
          budget: float | None, installed: Sequence[Installation] | None, host,
          cancelled: Callable[[], bool] | None, use_state: bool) -> ScanResult:
    started = time.monotonic()
    warnings: list[str] = []
    if roots is None:
        roots, warnings = scan_paths(env)
    budget = time_budget(env) if budget is None else budget
    state_path = Path(state_dir) / STATE_FILE
    stored = load_state(state_path) if use_state else StoredScan()

    tool_envs, containers = tool_environments(env)
    skip_paths = [Path(install_root), Path(state_dir), *containers, *extra_skip]
    skip_ids = frozenset(i for i in (_dir_id(p) for p in skip_paths) if i is not None)

    result = ScanResult(environments=[], roots=list(roots), warnings=warnings)
    venv_dirs: dict[str, str] = {d: kind for d, kind in tool_envs}
    pin_files: list[str] = []
    walks = _walk_roots(result, stored, roots, max_depth=max_depth, deadline=started + budget,
                        budget=budget, skip_ids=skip_ids, cancelled=cancelled,
                        venv_dirs=venv_dirs, pin_files=pin_files)
    cfg = _resolve_venvs(result, Resolver(Path(install_root)), venv_dirs, stored.cfg)
    pins = _resolve_pins(result, pin_files, stored.pins, install_root, installed, host, env)
    result.environments.sort(key=lambda e: (str(e.path), e.kind))
    now = StoredScan(walks, cfg, pins)
    # An unchanged scan leaves the file as it is (writing it costs more than checking it).
    if use_state and now != stored:
        save_state(state_path, now)
    result.elapsed = time.monotonic() - started
    return result


def _walk_roots(result: ScanResult, stored: StoredScan, roots: Sequence[Path], *, max_depth: int,
                deadline: float, budget: float, skip_ids: frozenset[tuple[int, int]],
                cancelled: Callable[[], bool] | None, venv_dirs: dict[str, str],
                pin_files: list[str]) -> dict[str, StoredWalk]:
    """Walk each project root (checking its stored walk); returns the walks to keep."""
    # A stored walk is used while every directory it left out is still left out: one left out
    # now but walked then is dropped by the walk itself (checked by inode), while one walked now
    # but left out then would never be met again below an unchanged parent.
    skip_sig = ",".join(sorted(f"{d}:{i}" for d, i in skip_ids))
    skip_set = set(filter(None, skip_sig.split(",")))
    walks: dict[str, StoredWalk] = {}
    for root in roots:
        key = str(root)
        old = stored.walks.get(key)
        old_tree = None
        if old and old.depth == max_depth and set(filter(None, old.skip.split(","))) <= skip_set:
            old_tree = old.tree
        if not os.path.isdir(root):
            result.warnings.append(f"scan path {root} is not a directory; skipped")
            continue
        walked = envwalk.walk(key, max_depth=max_depth, deadline=deadline, old=old_tree,
                              skip_ids=skip_ids, cancelled=cancelled)
        if len(walked.tree):
            walks[key] = StoredWalk(max_depth, skip_sig, walked.tree)
        result.listed += walked.listed
        result.reused += walked.reused
        result.unreadable += walked.unreadable
        for d in walked.venvs:
            venv_dirs.setdefault(d, "venv")
        pin_files += walked.pins
        if walked.partial:
            result.partial = True
            result.reason = (f"stopped after the {budget:g} s time budget (PYTUI_SCAN_BUDGET); "
                             "the next scan continues where this one stopped")
            break
    # Roots not walked this time (partial) keep their stored walk.
    for key, walk in stored.walks.items():
        if key not in walks and Path(key) in roots:
            walks[key] = walk
    return walks


def _resolve_venvs(result: ScanResult, resolver: Resolver, venv_dirs: Mapping[str, str],
                   stored_cfg: Mapping) -> dict:
    """Read (or reuse, when its identity is unchanged) each pyvenv.cfg and resolve it; returns
    the readings to keep."""
    cfg_cache: dict = {}
    for env_dir, kind in venv_dirs.items():
        cfg_path = os.path.join(env_dir, "pyvenv.cfg")
        ident = file_ident(cfg_path)
        if ident is None:
            continue
        stored = stored_cfg.get(env_dir)
        if stored is not None and stored[0] == ident:
            fields = stored[1]
        else:
            data = read_regular(cfg_path, CFG_MAX_BYTES)
            if data is None:
                result.environments.append(Environment(
                    Path(env_dir), kind, None, None, "broken",
                    error="pyvenv.cfg is not a readable regular file"))
                continue
            fields = parse_pyvenv_cfg(data)
        cfg_cache[env_dir] = (ident, fields)
        result.environments.append(resolver.resolve_venv(env_dir, kind, fields))
    return cfg_cache


def _resolve_pins(result: ScanResult, pin_files: Sequence[str], stored_pins: Mapping,
                  install_root: Path, installed: Sequence[Installation] | None, host,
                  env: Mapping[str, str]) -> dict:
    """Read (or reuse) each .python-version and find the install uv would choose for it."""
    pin_cache: dict = {}
    if not pin_files:
        return pin_cache
    if installed is None:
        from pytui.core.installed import list_installed

        installed = list_installed(Path(install_root))
    if host is None:
        from pytui.core.platform_detect import detect_host

        host = detect_host(env)
    choices: dict[str, tuple[str | None, str | None]] = {}
    for pin in pin_files:
        ident = file_ident(pin)
        stored = stored_pins.get(pin)
        if ident is not None and stored is not None and stored[0] == ident:
            text = stored[1]
            pin_cache[pin] = stored
        else:
            data = read_regular(pin, PIN_MAX_BYTES) if ident is not None else None
            text = None if data is None else parse_pin(data)
            if ident is not None and data is not None:
                pin_cache[pin] = (ident, text)
        if text is None:
            result.environments.append(Environment(Path(pin), "pin", None, None, "broken",
                                                   error="empty or unreadable .python-version"))
            continue
        if text not in choices:
            choices[text] = pin_choice(text, installed, host)
        key, error = choices[text]
        status = "broken" if error else "ok"
        result.environments.append(Environment(Path(pin), "pin", key, None, status, request=text,
                                               error=error))
    return pin_cache


def scan_for_settings(settings, *, roots: Sequence[str] | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      installed: Sequence[Installation] | None = None) -> ScanResult:
    """`scan` with the paths of a `Settings` (install root, archive cache, state dir, env)."""
    env = settings.env
    paths = None
    warnings: list[str] = []
    if roots:
        paths, warnings = scan_paths(env, roots)
    result = scan(settings.install_root, settings.state_dir, env, roots=paths,
                  extra_skip=[settings.cache_dir], cancelled=cancelled, installed=installed)
    result.warnings[:0] = warnings
    return result
