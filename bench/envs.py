"""Environment scan speed: a synthetic home of 100,000 directories holding 500 environments,
scanned cold (no state file), warm (the whole stored walk checked, as uninstall's check does
in a new process, as the TUI's refresh in the same process does, and after one venv was added
deep) and quick (only the known environments and the watched directories near the root, as
`pytui envs` does while the whole tree was checked recently, in this process and as the
command; and after one venv was added in a new project near the root),
beside `find HOME -name pyvenv.cfg` over the same tree as the floor, and the floors of any
check by mtime, each a bare C-level loop over the recorded directories: one `lstat` by path from
the root (what pytui does), one `lstat` by name relative to its opened parent (fstatat: one path
component per lookup, the parents opened with O_NOFOLLOW), the same `lstat`s spread over two
threads (os.lstat releases the GIL during the syscall), and one `os.access` by path (the same
lookup and syscall without building a stat result), and the state file's read and check alone.

    python bench/envs.py [--rounds 5] [--workdir DIR] [--dirs 100000] [--envs 500] [--only ROWS]

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
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


class Bench:
    """The methods measured, over one synthetic home; each returns its wall time."""

    def __init__(self, work: Path) -> None:
        from pytui.core import env_state
        from pytui.core.envs import FULL, QUICK, STATE_FILE, scan

        self.env_state, self.scan_fn, self.state_file = env_state, scan, STATE_FILE
        self.full, self.quick = FULL, QUICK
        self.home, self.root, self.state = work / "home", work / "root", work / "state"
        self.env = {**os.environ, "HOME": str(self.home), "XDG_DATA_HOME": str(work / "data"),
                    "PIPX_HOME": str(work / "pipx"), "WORKON_HOME": str(work / "workon"),
                    "UV_TOOL_DIR": str(work / "tools")}
        # Bytecode is written and reused, as an installed pytui has it, even where
        # PYTHONDONTWRITEBYTECODE is set (here it made every run compile 27 modules, ~0.1 s).
        self.cli_env = {**{k: v for k, v in self.env.items() if k != "PYTHONDONTWRITEBYTECODE"},
                        "UV_PYTHON_INSTALL_DIR": str(self.root), "PYTUI_STATE_DIR": str(work / "state-cli")}
        self.added = self.home / "p0" / "p0" / "p0" / "bench-added"
        # A new project two levels down: a quick scan sees it at once.
        self.added_near = self.home / "p0" / "bench-near"
        self.found: dict[str, int] = {}

    def rows(self) -> tuple[tuple[str, str, Callable[[], float]], ...]:
        return (("find", "find HOME -name pyvenv.cfg (the floor)", self.run_find),
                ("cold", "pytui scan, cold (no state file)", lambda: self.run_scan("cold")),
                ("warm", "pytui scan, warm (new process)", lambda: self.run_scan("warm")),
                ("refresh", "pytui scan, warm (same process)", lambda: self.run_scan("refresh")),
                ("quick", "pytui quick scan (in process)", lambda: self.run_scan("quick")),
                ("cli", "pytui envs --json (command, quick)", lambda: self.run_cli(rescan=False)),
                ("cli-full", "pytui envs --json --rescan (command)", lambda: self.run_cli(rescan=True)),
                ("load", "state file read and checked, alone", self.run_load),
                ("lstat", "floor: lstat by path from the root", self.run_lstat),
                ("fstatat", "floor: lstat by name from parent fd", self.run_fstatat),
                ("threads", "floor: lstat by path, 2 threads", self.run_threads),
                ("access", "floor: access() by path, no result", self.run_access),
                ("changed", "pytui scan, warm, one venv added", lambda: self.run_scan("changed")),
                ("quick-new", "pytui quick scan, one project added", lambda: self.run_scan("quick-new")))

    def run_find(self) -> float:
        t = time.perf_counter()
        subprocess.run(["find", str(self.home), "-name", "pyvenv.cfg"], stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t

    def _scan(self, mode: str | None = None):
        return self.scan_fn(self.root, self.state, self.env, roots=[self.home], budget=600.0,
                            mode=mode or self.full)

    def run_scan(self, kind: str) -> float:
        if kind == "cold":
            (self.state / self.state_file).unlink(missing_ok=True)
        if kind == "changed":  # one venv added deep; taken away again after
            (self.added / ".venv").mkdir(parents=True)
            (self.added / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        if kind == "quick-new":  # one venv added in a new project near the root
            (self.added_near / ".venv").mkdir(parents=True)
            (self.added_near / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        if kind != "refresh":
            self.env_state.forget()  # as a new process (`pytui envs`) finds the state file
        quick = kind.startswith("quick")
        t = time.perf_counter()
        result = self._scan(self.quick if quick else self.full)
        elapsed = time.perf_counter() - t
        self.found[kind] = sum(1 for e in result.environments if e.kind == "venv")
        assert not result.partial and result.quick == quick, (kind, result.quick)
        return elapsed

    def after(self, name: str) -> None:
        """Undo what a row changed, outside its timing: the added venv goes, and the state is
        written again without it (the floors read the stored paths)."""
        if name == "changed":
            shutil.rmtree(self.added)
            self._scan()
        if name == "quick-new":
            shutil.rmtree(self.added_near)
            self._scan()

    def run_cli(self, *, rescan: bool) -> float:
        """The command itself: a new Python process, its imports, the scan (quick, or the whole
        tree warm with --rescan), the JSON."""
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "envs", "--json", "--scan",
                               str(self.home), *(["--rescan"] if rescan else [])],
                              env=self.cli_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              check=True)
        elapsed = time.perf_counter() - t
        rows = json.loads(done.stdout)
        assert {row["scan"] for row in rows} == {"full" if rescan else "quick"}
        self.found["cli-full" if rescan else "cli"] = sum(1 for row in rows if row["kind"] == "venv")
        return elapsed

    def run_load(self) -> float:
        """The state file read and checked, as a new process does before its lstats."""
        self.env_state.forget()
        t = time.perf_counter()
        self.env_state.load_state(self.state / self.state_file)
        return time.perf_counter() - t

    # -- floors: bare loops over the recorded directories ---------------------------------------

    def _stored_paths(self) -> list[str]:
        walk = self.env_state.load_state(self.state / self.state_file).walks[str(self.home)]
        return walk.tree.paths[1:]

    def _from_root(self, measure: Callable[[int, list[str]], object]) -> float:
        paths = self._stored_paths()
        fd = os.open(self.home, os.O_RDONLY | os.O_DIRECTORY)
        try:
            t = time.perf_counter()
            measure(fd, paths)
            return time.perf_counter() - t
        finally:
            os.close(fd)

    def run_lstat(self) -> float:
        """One lstat per recorded directory by path from the root, in one C loop (what pytui does)."""
        return self._from_root(lambda fd, paths: list(map(functools.partial(os.lstat, dir_fd=fd), paths)))

    def run_access(self) -> float:
        """The same lookups with os.access: the syscall without building a stat result."""
        return self._from_root(lambda fd, paths: list(map(functools.partial(
            os.access, mode=os.F_OK, dir_fd=fd, follow_symlinks=False), paths)))

    def run_threads(self) -> float:
        """The lstats of run_lstat in batches of 4,096 over two threads."""
        def measure(fd: int, paths: list[str]) -> None:
            lstat = functools.partial(os.lstat, dir_fd=fd)
            batches = [paths[i:i + 4096] for i in range(0, len(paths), 4096)]
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda batch: list(map(lstat, batch)), batches))
        return self._from_root(measure)

    def run_fstatat(self) -> float:
        """One lstat per directory by name relative to its parent, each parent opened (O_NOFOLLOW)
        by name relative to its own; each run of siblings in one C loop."""
        paths = self._stored_paths()
        parents = [path.rpartition("/")[0] for path in paths]
        names = [path.rpartition("/")[2] for path in paths]
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        opened = {"": os.open(self.home, os.O_RDONLY | os.O_DIRECTORY)}
        t = time.perf_counter()
        try:
            for parent, run in itertools.groupby(range(len(paths)), parents.__getitem__):
                fd = opened.get(parent)
                if fd is None:
                    head, _, name = parent.rpartition("/")
                    fd = opened[parent] = os.open(name, flags, dir_fd=opened[head])
                list(map(functools.partial(os.lstat, dir_fd=fd), [names[i] for i in run]))
            return time.perf_counter() - t
        finally:
            for fd in opened.values():
                os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pytui-bench-envs"))
    parser.add_argument("--dirs", type=int, default=100_000)
    parser.add_argument("--envs", type=int, default=500)
    parser.add_argument("--only", default="", help="comma-separated row names (find always runs: "
                        "the ratios are to it): cold, warm, refresh, quick, cli, cli-full, load, "
                        "lstat, fstatat, threads, access, changed, quick-new")
    args = parser.parse_args()

    bench = Bench(args.workdir)
    fake_root(bench.root)
    started = time.monotonic()
    build_tree(bench.home, args.dirs, args.envs, bench.root)
    print(f"tree: {args.dirs} directories, {args.envs} environments under {bench.home} "
          f"(ready in {time.monotonic() - started:.1f} s)")
    rows = bench.rows()
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {name for name, _, _ in rows}
        if unknown:
            parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
        rows = tuple(row for row in rows if row[0] in wanted or row[0] == "find")
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    bench.run_scan("cold")  # imports and the first state files out of the way
    if "cli" in times or "cli-full" in times:
        bench.run_cli(rescan=True)  # the command's first full check, so the next may be quick
    for _ in range(args.rounds):
        for name, _, measure in rows:
            before = cpu_seconds()
            times[name].append(measure())
            cpu[name].append(cpu_seconds() - before)
            bench.after(name)
    load_after = os.getloadavg()
    report(bench, rows, times, cpu, args)
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"on {os.cpu_count()} cores; {args.rounds} rounds, each method in turn")
    return 0


def report(bench: Bench, rows, times: dict[str, list[float]], cpu: dict[str, list[float]], args) -> None:
    floor = statistics.median(times["find"])
    cpu_floor = statistics.median(cpu["find"])
    print("venvs found: " + ", ".join(f"{k} {v}" for k, v in bench.found.items())
          + f" (of {args.envs}, +1 added)")
    print(f"  {'':<40} {'wall median':>12} {'(min)':>8} {'vs find':>8}   {'CPU median':>10} {'vs find':>8}")
    for name, label, _ in rows:
        median, cpu_median = statistics.median(times[name]), statistics.median(cpu[name])
        print(f"  {label:<40} {median:10.3f} s {min(times[name]):8.3f} {median / floor:7.2f}x   "
              f"{cpu_median:8.3f} s {cpu_median / cpu_floor:7.2f}x")
    print(f"state file: {(bench.state / bench.state_file).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
