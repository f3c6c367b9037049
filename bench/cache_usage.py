"""The cache's size on disk (the TUI header's "incl. trees", `pytui cache list`'s total) with
pristine trees kept, beside `du -sb` of the same directory.

    python bench/cache_usage.py [--trees 5] [--rounds 9] [--workdir DIR]

Builds a cache of `--trees` pristine trees of a real CPython tree (this interpreter's prefix in
PBS layout with its test suite, about 2,600 files each, every tree its own inodes) plus their
archive, then times `ArchiveCache.disk_usage()` (the manifests, walking only what has none;
its first call in a process reads and checks each manifest, later ones only stat them),
`root_tree.tree_size` over the same directory (a walk of every file: what the size cost before
the manifests were used) and `du -sb`. Medians of `--rounds`, wall and CPU time; the page cache is warm (as in the
TUI, which measures after every job). State the machine's load (`uptime`) beside any figure.
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

from fixtures_archives import make_prefix_archive  # noqa: E402
from pytui.core import tree_sizes, tree_store  # noqa: E402
from pytui.core.cache import ArchiveCache  # noqa: E402
from pytui.core.extract import extract_archive  # noqa: E402
from pytui.core.root_tree import tree_size  # noqa: E402


def build_cache(workdir: Path, trees: int) -> Path:
    cache_dir = workdir / "cache"
    if cache_dir.is_dir():
        shutil.rmtree(cache_dir)
    made = make_prefix_archive(workdir, with_tests=True)
    cache_dir.mkdir()
    shutil.copy(made.path, cache_dir / made.build.cache_filename)
    cache = ArchiveCache(cache_dir)
    for index in range(trees):
        stage = workdir / f"stage-{index}"
        if stage.exists():
            shutil.rmtree(stage)
        prefix = extract_archive(made.path, stage)
        sha = f"{index:02x}" + made.build.sha256[2:]
        if not cache.trees.keep(sha, prefix, archive=made.build.cache_filename, key=made.build.key):
            raise SystemExit(f"could not keep tree {index}")
        shutil.rmtree(stage)  # the tree's inodes are its own, as after an uninstall
    return cache_dir


def own_dir_bytes_outside_trees(cache_dir: Path) -> int:
    """The directories' own bytes outside the kept trees (`trees/<sha256>/`): the cache dir and
    `trees/`. The cache total leaves them out (an empty cache is 0 B), `du -sb` and the walk count
    them, so they are taken off those two before comparing."""
    holders = [cache_dir]
    for top, dirs, _files in os.walk(cache_dir):
        inside = Path(top).relative_to(cache_dir).parts
        dirs[:] = [d for d in dirs if not (inside == ("trees",) and tree_store.is_sha256(d))]
        holders += [Path(top) / d for d in dirs]
    return sum(path.lstat().st_size for path in holders)


def du_sb(path: Path) -> int:
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (`du`)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(func: Callable[[], int], rounds: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of `rounds` calls, and the last value."""
    walls, cpus = [], []
    value = 0
    for _ in range(rounds):
        cpu, start = _cpu(), time.perf_counter()
        value = func()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pytui-bench-usage-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir = build_cache(workdir, args.trees)
    files = sum(len(names) for _dirpath, _dirs, names in os.walk(cache_dir))
    cache = ArchiveCache(cache_dir)

    def first_call() -> int:
        tree_sizes._SIZES_READ.clear()  # as in a fresh process: every manifest read and checked
        return ArchiveCache(cache_dir).disk_usage()

    outside = own_dir_bytes_outside_trees(cache_dir)
    rows = {
        "disk_usage, first call": timed(first_call, args.rounds),
        "disk_usage, later calls": timed(cache.disk_usage, args.rounds),
        "tree_size (walk)": timed(lambda: tree_size(cache_dir) - outside, args.rounds),
        "du -sb": timed(lambda: du_sb(cache_dir) - outside, args.rounds),
    }
    print(f"{args.trees} trees, {files} files in {cache_dir}; load {os.getloadavg()[0]:.1f}")
    print(f"  (the walk and du less the {outside} bytes of the directories outside the trees, which the"
          " cache total leaves out)")
    wall_floor, cpu_floor, _ = rows["tree_size (walk)"]
    print(f"  {'':<26} {'wall':>9}  {'vs walk':>7}  {'CPU':>9}  {'vs walk':>7}")
    for name, (wall, cpu, value) in rows.items():
        print(f"  {name:<26} {wall * 1000:6.1f} ms  {wall / wall_floor:6.2f}x  {cpu * 1000:6.1f} ms"
              f"  {cpu / cpu_floor:6.2f}x  {value} bytes")
    values = {value for _wall, _cpu, value in rows.values()}
    print("  all agree" if len(values) == 1 else f"  DISAGREE: {sorted(values)}")
    if args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
