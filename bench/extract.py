"""Extraction speed: pytui's extractor vs GNU tar and Python's tarfile, on a real CPython tree.

    python bench/extract.py [--rounds 7] [--workdir DIR] [--kinds tar.gz,tar.zst]

The archive is this interpreter's prefix in PBS layout with its test suite (about 2,600 files;
built once into the workdir). Each round runs every method once, in alternating order, into
a fresh directory; finished trees are renamed aside and deleted after the suite (creating
files right after a large `rm -rf` is slow on these machines). Medians are printed with
ratios against `tar` (`tarfile` is `tarfile.extractall(filter="data")`), and the median of
the per-round ratios, which load moves less. `pytui` is the default
(decompression on its own thread, small files created by writer threads); `pytui-1thread`
decompresses on the loop's thread; `pytui-serial` has the loop write every file itself.
State the machine's load beside any number taken from here (`uptime`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import pytui.core.extract as extract_module  # noqa: E402
from fixtures_archives import make_prefix_archive  # noqa: E402
from pytui.core.extract import _gzip_module, extract_archive  # noqa: E402


def _decompress_only(path: Path, kind: str) -> None:
    with open(path, "rb", buffering=0) as f:
        if kind == "tar.gz":
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            for chunk in iter(lambda: f.read(256 * 1024), b""):
                d.decompress(chunk)
        else:
            import zstandard

            d = zstandard.ZstdDecompressor().decompressobj()
            for chunk in iter(lambda: f.read(256 * 1024), b""):
                d.decompress(chunk)


def methods(kind: str) -> dict[str, Callable[[Path, Path], None]]:
    tar_flag = ["-xzf"] if kind == "tar.gz" else ["--zstd", "-xf"]

    def pytui(archive: Path, out: Path) -> None:
        extract_archive(archive, out)

    def pytui_1thread(archive: Path, out: Path) -> None:
        extract_archive(archive, out, threaded=False, zstd_process=False)

    def pytui_in_process(archive: Path, out: Path) -> None:
        extract_archive(archive, out, zstd_process=False)

    def pytui_serial_writes(archive: Path, out: Path) -> None:
        saved = extract_module.WRITER_THREADS
        extract_module.WRITER_THREADS = 0
        try:
            extract_archive(archive, out)
        finally:
            extract_module.WRITER_THREADS = saved

    def gnu_tar(archive: Path, out: Path) -> None:
        out.mkdir()
        subprocess.run(["tar", *tar_flag, str(archive), "-C", str(out)], check=True)

    def py_tarfile(archive: Path, out: Path) -> None:
        if kind == "tar.gz":
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(out, filter="data")
        else:
            import zstandard

            with open(archive, "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as reader, \
                    tarfile.open(fileobj=reader, mode="r|") as tar:
                tar.extractall(out, filter="data")

    def decompress_only(archive: Path, _out: Path) -> None:  # same signature as the others
        _decompress_only(archive, kind)

    extra = {"pytui-in-process": pytui_in_process} if kind == "tar.zst" else {}
    return {"pytui": pytui, **extra, "pytui-1thread": pytui_1thread, "pytui-serial": pytui_serial_writes,
            "tar": gnu_tar, "tarfile": py_tarfile, "decompress-only": decompress_only}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pytui-bench-extract"))
    parser.add_argument("--kinds", default="tar.gz,tar.zst")
    parser.add_argument("--methods", default="all",
                        help="comma-separated subset of: " + ", ".join(methods("tar.gz")) + " (tar is always run)")
    args = parser.parse_args()
    work: Path = args.workdir
    archives = work / "archives"
    trash = work / "trash"
    trash.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str], list[float]] = {}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"gzip inflate: {_gzip_module().__name__}; {os.cpu_count()} CPUs; load average {load:.1f} "
          "at start", flush=True)
    for kind in args.kinds.split(","):
        existing = sorted(archives.glob(f"*.{kind}")) if archives.is_dir() else []
        if existing:
            archive = existing[0]
        else:
            made = make_prefix_archive(archives, kind=kind, with_tests=True,
                                       level=6 if kind == "tar.gz" else 3)
            archive = made.path
        files = None
        if kind == "tar.gz":
            with tarfile.open(archive) as tar:
                files = sum(1 for _ in tar)
        print(f"{kind}: {archive.name} {archive.stat().st_size / 1e6:.1f} MB"
              + (f", {files} members" if files else ""), flush=True)
        table = methods(kind)
        if args.methods != "all":
            wanted = set(args.methods.split(",")) | {"tar"}
            table = {name: run for name, run in table.items() if name in wanted}
        names = list(table)
        for round_no in range(args.rounds):
            order = names if round_no % 2 == 0 else list(reversed(names))
            for name in order:
                out = work / f"out-{kind}-{name}"
                t0 = time.perf_counter()
                table[name](archive, out)
                elapsed = time.perf_counter() - t0
                results.setdefault((kind, name), []).append(elapsed)
                if out.exists():
                    # Unique: a trash dir left by an interrupted earlier run may hold the name.
                    out.rename(trash / f"{out.name}-{os.getpid()}-{round_no}")
        # On a loaded machine the paired ratio (each round's time over that round's tar time,
        # taken seconds apart) is steadier than the ratio of medians.
        load_now = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"  load average {load_now:.1f} after the {kind} rounds")
        tar_times = results[(kind, "tar")]
        tar_median = statistics.median(tar_times)
        print(f"  {'method':<16} {'median s':>9} {'min s':>7} {'vs tar':>7} {'paired vs tar':>14}")
        for name in names:
            times = results[(kind, name)]
            median = statistics.median(times)
            paired = statistics.median(t / base for t, base in zip(times, tar_times, strict=True))
            print(f"  {name:<16} {median:9.3f} {min(times):7.3f} {median / tar_median:7.2f} {paired:14.2f}",
                  flush=True)
    shutil.rmtree(trash, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
