"""Environment scan speed: a synthetic home of 100,000 directories holding 500 environments,
scanned cold (no state file) and warm (the stored walk checked, as a new `pytui envs` process
does, as the TUI's refresh in the same process does, and after one venv was added deep),
beside `find HOME -name pyvenv.cfg` over the same tree as the floor, and a bare C loop of one
`lstat` per directory (what any check by mtime costs).

    python bench/envs.py [--rounds 5] [--workdir DIR] [--dirs 100000] [--envs 500]

The tree is built once into the workdir (kept between runs): a balanced tree, ten
subdirectories per level down to five levels, with `.venv` directories (each a `pyvenv.cfg`)
spread over the deepest level and a `.python-version` in every tenth project. Caches of the
kernel are warm for every method alike (each round runs find, cold and warm in turn; nothing
drops the page cache on a shared machine). Medians of wall time and of CPU time (user + system,
of this process and of find's or the command's process) are printed with ratios against find,
and the load average before and after: on a busy machine wall time is mostly waiting for a
core, and CPU time says what each method costs.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MARKER = ".pytui-bench-tree"


def build_tree(home: Path, dirs: int, envs: int, root: Path) -> None:
    """`dirs` directories (the environments' own included) under `home`, `envs` of them venvs."""
    marker = home / MARKER
    if marker.is_file() and marker.read_text() == f"{dirs} {envs}":
        return
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    random.seed(7)
    budget = dirs - envs
    level = [home]
    count = 0
    leaves: list[Path] = []
    while count < budget:
        following: list[Path] = []
        for parent in level:
            for i in range(10):
                if count >= budget:
                    break
                child = parent / f"p{i}"
                child.mkdir()
                following.append(child)
                count += 1
        leaves = following
        level = following
    minor = root / "cpython-3.12-linux-x86_64-gnu" / "bin"
    patch = root / "cpython-3.12.8-linux-x86_64-gnu" / "bin"
    for index, project in enumerate(random.sample(leaves, envs)):
        venv = project / ".venv"
        venv.mkdir()
        home_line = minor if index % 2 else patch
        (venv / "pyvenv.cfg").write_text(f"home = {home_line}\nversion_info = 3.12.8\n")
        if index % 10 == 0:
            (project / ".python-version").write_text("3.12\n")
    marker.write_text(f"{dirs} {envs}")


def fake_root(root: Path) -> None:
    patch = root / "cpython-3.12.8-linux-x86_64-gnu"
    (patch / "bin").mkdir(parents=True, exist_ok=True)
    exe = patch / "bin" / "python3.12"
    if not exe.exists():
        exe.write_text("#!/bin/sh\necho Python 3.12.8\n")
        exe.chmod(0o755)
    link = root / "cpython-3.12-linux-x86_64-gnu"
    if not os.path.lexists(link):
        link.symlink_to(patch)


def cpu_seconds() -> float:
    """User + system time of this process and its finished children: under load, wall time
    mostly measures the wait for a core, CPU time what the work itself cost."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pytui-bench-envs"))
    parser.add_argument("--dirs", type=int, default=100_000)
    parser.add_argument("--envs", type=int, default=500)
    args = parser.parse_args()

    from pytui.core import env_state
    from pytui.core.envs import STATE_FILE, scan

    work = args.workdir
    home, root, state = work / "home", work / "root", work / "state"
    fake_root(root)
    started = time.monotonic()
    build_tree(home, args.dirs, args.envs, root)
    print(f"tree: {args.dirs} directories, {args.envs} environments under {home} "
          f"(ready in {time.monotonic() - started:.1f} s)")
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(work / "data"),
           "PIPX_HOME": str(work / "pipx"), "WORKON_HOME": str(work / "workon"),
           "UV_TOOL_DIR": str(work / "tools")}
    load_before = os.getloadavg()

    def run_find() -> float:
        t = time.perf_counter()
        subprocess.run(["find", str(home), "-name", "pyvenv.cfg"], stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t

    found: dict[str, int] = {}
    added = home / "p0" / "p0" / "p0" / "bench-added"

    def run_scan(kind: str) -> float:
        if kind == "cold":
            (state / STATE_FILE).unlink(missing_ok=True)
        if kind == "changed":  # one venv added deep; taken away again after
            (added / ".venv").mkdir(parents=True)
            (added / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        if kind != "refresh":
            env_state.forget()  # as a new process (`pytui envs`) finds the state file
        t = time.perf_counter()
        result = scan(root, state, env, roots=[home], budget=600.0)
        elapsed = time.perf_counter() - t
        found[kind] = sum(1 for e in result.environments if e.kind == "venv")
        assert not result.partial
        if kind == "changed":
            shutil.rmtree(added)
        return elapsed

    def run_lstat() -> float:
        """One lstat per recorded directory, in one C loop: what any mtime check costs."""
        tree = env_state.load_state(state / STATE_FILE).walks[str(home)].tree
        fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
        try:
            t = time.perf_counter()
            list(map(functools.partial(os.lstat, dir_fd=fd), tree.paths[1:]))
            return time.perf_counter() - t
        finally:
            os.close(fd)

    cli_env = {**env, "UV_PYTHON_INSTALL_DIR": str(root), "PYTUI_STATE_DIR": str(work / "state-cli")}

    def run_cli() -> float:
        """The command itself, warm: a new Python process, its imports, the scan, the JSON."""
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "envs", "--json", "--scan", str(home)],
                              env=cli_env, stdout=subprocess.PIPE, check=True)
        elapsed = time.perf_counter() - t
        found["cli"] = sum(1 for row in json.loads(done.stdout) if row["kind"] == "venv")
        return elapsed

    rows = (("find", "find HOME -name pyvenv.cfg (the floor)", run_find),
            ("cold", "pytui scan, cold (no state file)", lambda: run_scan("cold")),
            ("warm", "pytui scan, warm (new process)", lambda: run_scan("warm")),
            ("refresh", "pytui scan, warm (same process)", lambda: run_scan("refresh")),
            ("cli", "pytui envs --json (command, warm)", run_cli),
            ("lstat", "lstat of every directory, bare", run_lstat),
            ("changed", "pytui scan, warm, one venv added", lambda: run_scan("changed")))
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    run_scan("cold")  # imports and the first state files out of the way
    run_cli()
    for _ in range(args.rounds):
        for name, _, measure in rows:
            before = cpu_seconds()
            times[name].append(measure())
            cpu[name].append(cpu_seconds() - before)
    load_after = os.getloadavg()
    floor = statistics.median(times["find"])
    cpu_floor = statistics.median(cpu["find"])
    print("venvs found: " + ", ".join(f"{k} {v}" for k, v in found.items()) + f" (of {args.envs}, +1 added)")
    print(f"  {'':<40} {'wall median':>12} {'(min)':>8} {'vs find':>8}   {'CPU median':>10} {'vs find':>8}")
    for name, label, _ in rows:
        median, cpu_median = statistics.median(times[name]), statistics.median(cpu[name])
        print(f"  {label:<40} {median:10.3f} s {min(times[name]):8.3f} {median / floor:7.2f}x   "
              f"{cpu_median:8.3f} s {cpu_median / cpu_floor:7.2f}x")
    print(f"state file: {(state / STATE_FILE).stat().st_size / 1e6:.1f} MB")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"on {os.cpu_count()} cores; {args.rounds} rounds, each method in turn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
