"""Install speed: `pytui install` vs `uv python install`, cold and warm, on a real CPython tree.

    python bench/install.py [--rounds 7] [--workdir DIR] [--kinds tar.gz,tar.zst] [--methods A,B] [--baseline CHECKOUT] [--no-tests]

One archive per kind is made from this interpreter's prefix (`sys.base_prefix`, PBS layout, with
its test suite: about 2,700 files) and served by the loopback `FaultyHTTPServer` (no faults;
the kernel sends the file). A uv catalog whose url is the loopback url is given to both tools
through UV_PYTHON_DOWNLOADS_JSON_URL. Every run installs into a fresh root (and fresh bin dir):

- cold: nothing cached. uv without UV_PYTHON_CACHE_DIR streams download -> extract in one pass;
  `pytui install --no-cache` does the same. With a fresh, empty cache dir both download into
  the cache first, then extract from it.
- warm: the archive is already in the cache dir (the same file serves both: uv's names).
  `pytui warm` extracts it (`PYTUI_NO_TREES=1`); `pytui tree` hard-links the pristine tree kept
  beside it in the cache (made by the untimed first run), the floor for which is `cp -al` of
  that tree. `pytui tree (uv's launcher)` is the same install started through the console
  script uv writes (`uv tool install`), which, unlike pip's, does not import `re` first.
  `pytui reinstall (tree)` / `uv reinstall` run `install --reinstall` over an existing
  install of the key. pytui deletes the replaced tree in a detached process after
  it exits; the bench waits for that deleter before the next run and prints the wall time
  until the old tree is gone as well (its CPU is not counted in `cpu s`).
- `--baseline CHECKOUT` adds `baseline tree` and `baseline reinstall (tree)`: the same two runs
  with another checkout of pytui (e.g. `git archive main core app widgets pytui_pkg` unpacked),
  so that a change is measured before and after in one run.

pytui runs as a regular install would (see `installed_layout`). Every table gives the load
average before and after it, and beside each median wall time the median CPU time (user +
system) of the run's processes.

Nothing is deleted before or between the timed runs (a reused work dir's previous archives and
warm cache are renamed into the trash, deleted after the suite), and a run started within
`DELETION_QUIET` seconds of the last one's deletions waits out the rest: this disk's ext4 has no
journal, and there the kernel's inode allocator skips, one inode-table lookup each, every inode
freed in the last 60 s (360 s while its inode-table block is unwritten), so deletions just before
a run tax every file uv's extraction creates and none that a hard link makes (pytui's tree and
`cp -al` make only directories). `sys s` beside `cpu s` shows that tax (docs/performance.md,
4 Dec).

Floors: `tar -xzf` / `tar --zstd -xf` of the file, and `curl -s URL | tar -x...` from the server.
Each round runs every method once, in alternating order; the reinstall methods run in a second
phase after all the others (see `main`). Finished trees are renamed aside and deleted after the
suite (creating files right after a large `rm -rf` is slow on these machines). Medians are
printed with pytui/uv ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fixtures_archives import MadeArchive, make_prefix_archive, write_uv_catalog  # noqa: E402
from fixtures_http import FaultyHTTPServer  # noqa: E402
from pytui.core.root_tree import wait_for_removals  # noqa: E402

UV = Path(sys.executable).parent / "uv"


def installed_layout(work: Path, repo: Path = REPO, name: str = "installed-venv") -> list[str]:
    """The command that runs this checkout as a regular (not editable) install.

    An editable install's import hook (setuptools' `__editable___*_finder`, run from a .pth at
    every start) imports pathlib, fnmatch, urllib.parse and importlib.util, 15-30 ms that an
    installed pytui does not pay. So a venv is made in the work dir with the package laid out
    in its site-packages as `pytui/{core,app,widgets}` symlinks into the checkout, and a .pth
    that only names this venv's site-packages (for httpx and friends: a path line, so none of
    the .pth files there, the editable hook included, is run). It is started through the
    console script pip writes for it.
    """
    venv = work / name
    python = venv / "bin" / "python"
    if not python.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    package = site / "pytui"
    package.mkdir(parents=True, exist_ok=True)
    for part, source in (("__init__.py", repo / "pytui_pkg" / "__init__.py"), ("core", repo / "core"),
                         ("app", repo / "app"), ("widgets", repo / "widgets")):
        link = package / part
        # A work dir made by another checkout points at that checkout: re-pointed, or this run
        # would measure the other one's code.
        if link.is_symlink() and os.readlink(link) != str(source):
            link.unlink()
        if not link.is_symlink():
            link.symlink_to(source)
    ours = next(p for p in sys.path if p.endswith("site-packages") and p.startswith(sys.prefix))
    (site / "pytui-deps.pth").write_text(ours + "\n")
    # Compile once, as an installer does; the timed runs then only read bytecode.
    subprocess.run([str(python), "-m", "compileall", "-q", str(package)], check=True)
    # The console script pip writes for `pytui = pytui.app.cli:main` (not `python -m`, whose
    # runpy and importlib.util an installed `pytui` does not import).
    script = venv / "bin" / "pytui"
    script.write_text(f"#!{python}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n"
                      "from pytui.app.cli import main\nif __name__ == '__main__':\n"
                      "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                      "    sys.exit(main())\n")
    script.chmod(0o755)
    # The one uv writes (`uv tool install pytui`, uv 0.13): no `import re`, which pip's imports
    # first (re and the enum it imports: ~11.6 M instructions, which pytui itself avoids).
    uv_script = venv / "bin" / "pytui-uv-launcher"
    uv_script.write_text(f"#!{python}\n# -*- coding: utf-8 -*-\nimport sys\n"
                         "from pytui.app.cli import main\nif __name__ == \"__main__\":\n"
                         "    if sys.argv[0].endswith(\"-script.pyw\"):\n        sys.argv[0] = sys.argv[0][:-11]\n"
                         "    elif sys.argv[0].endswith(\".exe\"):\n        sys.argv[0] = sys.argv[0][:-4]\n"
                         "    sys.exit(main())\n")
    uv_script.chmod(0o755)
    return [str(script)]


PYTUI: list[str] = []
# `--baseline DIR`: the same layout for another checkout (e.g. a worktree of main), so a change
# is measured before/after in one run.
BASELINE: list[str] = []

# (pytui method, uv method) pairs whose ratio is the point of the benchmark.
PAIRS = [
    ("pytui warm", "uv warm"),
    ("pytui tree", "uv warm"),
    ("pytui tree (uv's launcher)", "uv warm"),
    ("pytui tree (uv's launcher)", "pytui tree"),
    ("pytui reinstall (tree)", "uv reinstall"),
    ("pytui tree", "cp -al (tree)"),
    ("pytui tree", "baseline tree"),
    ("pytui reinstall (tree)", "baseline reinstall (tree)"),
    ("pytui cold --no-cache", "uv cold"),
    ("pytui cold --no-cache", "curl | tar"),
    ("pytui cold (cache)", "uv cold (cache)"),
]


class Bench:
    def __init__(self, work: Path, made: MadeArchive, url: str, catalog: Path, warm_cache: Path) -> None:
        self.work = work
        self.made = made
        self.url = url
        self.catalog = catalog
        self.warm_cache = warm_cache
        self.trash = work / "trash"
        self.trash.mkdir(parents=True, exist_ok=True)
        self.counter = 0
        self.key = made.build.key
        self.kind = made.kind
        self.settled: dict[str, list[float]] = {}  # reinstall: wall time until .temp/ is empty

    def fresh(self, name: str) -> Path:
        """A path that does not exist yet (the previous one was moved aside)."""
        self.counter += 1
        return self.work / f"{name}-{self.kind}-{os.getpid()}-{self.counter}"

    def aside(self, *paths: Path) -> None:
        for path in paths:
            if os.path.lexists(path):
                path.rename(self.trash / path.name)

    def env(self, root: Path, bin_dir: Path, cache: Path | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PYTUI_"))}
        # An installed pytui has its bytecode compiled; let this checkout's be cached too.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update({
            "HOME": str(self.work / "home"), "XDG_STATE_HOME": str(self.work / "state"),
            "XDG_CACHE_HOME": str(self.work / "xdg-cache"),
            "UV_NO_CONFIG": "1", "UV_NO_PROGRESS": "1", "UV_CACHE_DIR": str(self.work / "uv-cache"),
            "UV_PYTHON_INSTALL_DIR": str(root), "UV_PYTHON_BIN_DIR": str(bin_dir),
            "UV_PYTHON_DOWNLOADS_JSON_URL": str(self.catalog),
        })
        if cache is not None:
            env["UV_PYTHON_CACHE_DIR"] = str(cache)
        return env

    def _install(self, argv: list[str], cache: Path | None, *, fresh_cache: bool,
                 **extra_env: str) -> float:
        root, bin_dir = self.fresh("root"), self.fresh("bin")
        if fresh_cache:
            cache = self.fresh("cache")
        env = self.env(root, bin_dir, cache)
        env.update(extra_env)
        t0 = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0 or not (root / self.key).is_dir():
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
        self.aside(root, bin_dir, *([cache] if fresh_cache and cache is not None else []))
        return elapsed

    def _reinstall(self, argv: list[str], name: str = "reinstall", **extra_env: str) -> float:
        """`install --reinstall` over a root that already holds the key (made once, kept)."""
        root, bin_dir = self.work / f"{name}-root-{self.kind}", self.work / f"{name}-bin-{self.kind}"
        env = self.env(root, bin_dir, self.warm_cache)
        env.update(extra_env)
        if not (root / self.key).is_dir():
            subprocess.run(argv[:-1], env=env, check=True, capture_output=True)
        t0 = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0 or not (root / self.key).is_dir():
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
        # pytui leaves the replaced tree to a detached deleter (core/root_tree.remove_later):
        # the time until it is gone is recorded too, so that the deletion is not hidden.
        wait_for_removals(root / ".temp")
        tool = "uv" if argv[0] == str(UV) else "pytui" if name == "reinstall" else name
        self.settled.setdefault(tool, []).append(time.perf_counter() - t0)
        return elapsed

    def _copy_tree(self) -> float:
        from pytui.core.tree_store import TREE_NAME, TREES_DIR

        tree = self.warm_cache / TREES_DIR / self.made.build.sha256 / TREE_NAME
        if not tree.is_dir():
            raise SystemExit(f"no pristine tree at {tree}: run 'pytui tree' first")
        out = self.fresh("cp-al")
        t0 = time.perf_counter()
        subprocess.run(["cp", "-al", str(tree), str(out)], check=True)
        elapsed = time.perf_counter() - t0
        self.aside(out)
        return elapsed

    def methods(self, kind: str) -> dict[str, Callable[[], float]]:
        tar_x = ["-xzf"] if kind == "tar.gz" else ["--zstd", "-xf"]
        tar_stream = ["-xz"] if kind == "tar.gz" else ["--zstd", "-x"]

        def floor(command: str) -> float:
            out = self.fresh("floor")
            out.mkdir()
            t0 = time.perf_counter()
            subprocess.run(command, shell=True, check=True, cwd=out)
            elapsed = time.perf_counter() - t0
            self.aside(out)
            return elapsed

        uv = [str(UV), "python", "install", self.key]
        pytui = [*PYTUI, "install", self.key]
        baseline = [*BASELINE, "install", self.key]
        # The baseline keeps its own state dir, as a user has one pytui: the two checkouts'
        # parsed-catalog entries have different code stamps (their modules' mtimes), and in one
        # state dir each run pruned the other's, so both parsed and wrote the catalog every run.
        baseline_state = str(self.work / "baseline-state")
        methods = {
            "pytui warm": lambda: self._install(pytui, self.warm_cache, fresh_cache=False,
                                                PYTUI_NO_TREES="1"),
            "uv warm": lambda: self._install(uv, self.warm_cache, fresh_cache=False),
            "pytui tree": lambda: self._install(pytui, self.warm_cache, fresh_cache=False),
            "pytui tree (uv's launcher)": lambda: self._install(
                [f"{PYTUI[0]}-uv-launcher", *pytui[1:]], self.warm_cache, fresh_cache=False),
            "cp -al (tree)": self._copy_tree,
            "pytui reinstall (tree)": lambda: self._reinstall([*pytui, "--reinstall"]),
            "uv reinstall": lambda: self._reinstall([*uv, "--reinstall"]),
            "baseline tree": lambda: self._install(baseline, self.warm_cache, fresh_cache=False,
                                                   XDG_STATE_HOME=baseline_state),
            "baseline reinstall (tree)": lambda: self._reinstall([*baseline, "--reinstall"], "baseline",
                                                                 XDG_STATE_HOME=baseline_state),
            "pytui cold --no-cache": lambda: self._install([*pytui, "--no-cache"], None, fresh_cache=False),
            "uv cold": lambda: self._install(uv, None, fresh_cache=False),
            "pytui cold (cache)": lambda: self._install(pytui, None, fresh_cache=True),
            "uv cold (cache)": lambda: self._install(uv, None, fresh_cache=True),
            "tar (file)": lambda: floor(f"tar {' '.join(tar_x)} {self.made.path}"),
            "curl | tar": lambda: floor(f"curl -s {self.url} | tar {' '.join(tar_stream)}"),
        }
        # With no --baseline those would run `install` from PATH (GNU install's usage error).
        return methods if BASELINE else {name: run for name, run in methods.items()
                                         if not name.startswith("baseline")}


# How long after the bench's last deletions a timed run waits: the inode allocator's 60 s plus
# the ~30 s the kernel's flusher takes to write the inode-table blocks (until then it is 360 s).
DELETION_QUIET = 90.0
# Written after the suite's deletions, beside every work dir (installs made in sibling dirs of
# /tmp take their inodes from the same block groups).
DELETED_STAMP = Path(tempfile.gettempdir()) / "pytui-bench-install.deleted"


def set_aside(trash: Path, *paths: Path) -> None:
    """Move what a previous run left (archives, warm cache with its tree) into the trash,
    which is deleted after the suite: deleted now it would slow every file uv creates in
    the next minute."""
    trash.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if os.path.lexists(path):
            path.rename(trash / f"{path.name}-{time.time_ns()}")


def quiet_wait(stamp: Path, now: float) -> float:
    """Seconds to wait until `DELETION_QUIET` has passed since the stamp's mtime (0 when
    there is no stamp or it is older)."""
    try:
        deleted = stamp.stat().st_mtime
    except FileNotFoundError:
        return 0.0
    return max(0.0, min(DELETION_QUIET, deleted + DELETION_QUIET - now))


def delete_trash(trash: Path, stamp: Path) -> None:
    shutil.rmtree(trash, ignore_errors=True)
    stamp.touch()
    os.utime(stamp)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children_sys() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime


def _load() -> str:
    """The 1, 5 and 15-minute load averages: the machine is shared, so every table says it."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pytui-bench-install"))
    parser.add_argument("--kinds", default="tar.gz,tar.zst")
    parser.add_argument("--methods", default="",
                        help="comma-separated method names to run (default: all), e.g. 'pytui warm,uv warm'")
    parser.add_argument("--baseline", type=Path, default=None, metavar="CHECKOUT",
                        help="another checkout of pytui (e.g. a git worktree of main) for the 'baseline "
                             "tree' and 'baseline reinstall (tree)' methods: before/after in one run")
    parser.add_argument("--no-tests", dest="with_tests", action="store_false",
                        help="leave the stdlib test suite out of the archive (about 1,100 files)")
    args = parser.parse_args()
    if not UV.exists():
        raise SystemExit(f"uv is not installed beside {sys.executable}")
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    global PYTUI, BASELINE
    PYTUI = installed_layout(work)
    if args.baseline is not None:
        BASELINE = installed_layout(work, args.baseline.resolve(), "baseline-venv")
    version = subprocess.run([str(UV), "--version"], capture_output=True, text=True).stdout.strip()
    from pytui.core.extract import _gzip_module

    print(f"{version}; {os.cpu_count()} CPUs; gzip inflate: {_gzip_module().__name__}; {args.rounds} rounds; "
          f"work dir {work}", flush=True)
    all_results: dict[str, dict[str, list[float]]] = {}
    with FaultyHTTPServer() as server:
        for kind in args.kinds.split(","):
            archives = work / f"archives-{kind}"
            warm_cache = work / f"warm-cache-{kind}"
            set_aside(work / "trash", archives, warm_cache)
            made = make_prefix_archive(archives, kind=kind, with_tests=args.with_tests,
                                       level=6 if kind == "tar.gz" else 3)
            made = made.serve(server)
            catalog = write_uv_catalog(work / f"catalog-{kind}.json", [made.build])
            warm_cache.mkdir()
            shutil.copy(made.path, warm_cache / made.build.cache_filename)
            bench = Bench(work, made, made.build.url, catalog, warm_cache)
            print(f"\n{kind}: {made.path.name}, {made.size / 1e6:.1f} MB, {made.members} members; "
                  f"key {made.build.key}; load average before: {_load()}", flush=True)
            table = bench.methods(kind)
            if args.methods:
                wanted = [m.strip() for m in args.methods.split(",")]
                unknown = [name for name in wanted if name not in table]
                if unknown:
                    raise SystemExit(f"--methods: no method {', '.join(map(repr, unknown))}; "
                                     f"the methods are {', '.join(map(repr, table))}")
                table = {name: table[name] for name in wanted}
            names = list(table)
            results: dict[str, list[float]] = {name: [] for name in names}
            # CPU seconds (user + system) of the child processes of each run: on a loaded
            # machine a run waits for a core, so wall time says as much about the neighbours.
            cpu: dict[str, list[float]] = {name: [] for name in names}
            system: dict[str, list[float]] = {name: [] for name in names}
            wait = quiet_wait(DELETED_STAMP, time.time())
            if wait:
                print(f"  waiting {wait:.0f} s: the last run's deletions end {DELETION_QUIET - wait:.0f} s ago "
                      f"(new inodes skip recently freed ones, which taxes uv's extraction)", flush=True)
                time.sleep(wait)
            # Two phases: every method that makes a fresh install, then the reinstalls. A
            # reinstall deletes the replaced install (uv within its run, pytui's detached
            # deleter after it), some 2,600 inodes a round; on an ext4 without a journal
            # every inode made within the next minute or so then costs more (the allocator
            # skips each recently deleted one), so interleaved they would tax the fresh
            # installs of both tools with deletions a user's install does not follow.
            phases = [[n for n in names if "reinstall" not in n], [n for n in names if "reinstall" in n]]
            for phase in phases:
                # One untimed run of each: page cache, uv's and pytui's parsed catalogs.
                for name in phase:
                    table[name]()
                bench.settled.clear()
                for round_no in range(args.rounds):
                    order = phase if round_no % 2 == 0 else list(reversed(phase))
                    for name in order:
                        before, before_sys = _children_cpu(), _children_sys()
                        results[name].append(table[name]())
                        cpu[name].append(_children_cpu() - before)
                        system[name].append(_children_sys() - before_sys)
            all_results[kind] = results
            medians = {name: statistics.median(times) for name, times in results.items()}
            cpu_medians = {name: statistics.median(times) for name, times in cpu.items()}
            print(f"  {'method':<28} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} {'sys s':>7}")
            for name in names:
                times = results[name]
                print(f"  {name:<28} {medians[name]:9.3f} {min(times):7.3f} {max(times):7.3f} "
                      f"{cpu_medians[name]:7.3f} {statistics.median(system[name]):7.3f}")
            for ours, theirs in PAIRS:
                if ours in medians and theirs in medians:
                    ratio = medians[ours] / medians[theirs]
                    cpu_ratio = cpu_medians[ours] / max(cpu_medians[theirs], 1e-9)
                    # Paired: each round's ratio (taken seconds apart), then their median.
                    paired = statistics.median(a / b for a, b in zip(results[ours], results[theirs], strict=True))
                    fastest = min(results[ours]) / min(results[theirs])
                    print(f"  ratio {ours} / {theirs}: {ratio:.2f} ({1 / ratio:.1f}x faster); "
                          f"paired {paired:.2f}; fastest runs {fastest:.2f}; cpu {cpu_ratio:.2f}")
            for tool, times in sorted(bench.settled.items()):
                print(f"  {tool} reinstall, until the replaced tree is deleted: median "
                      f"{statistics.median(times):.3f} s (the detached deleter's CPU is not in `cpu s`)")
            print(f"  load average after: {_load()}", flush=True)
    delete_trash(work / "trash", DELETED_STAMP)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
