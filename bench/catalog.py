"""Catalog benchmark: load and filter the real uv catalog, and `pytui list` beside `uv python list`.

Usage: python bench/catalog.py [--catalog PATH] [--runs N]

Prints, from one run:
- in-process medians: parsing uv's catalog (json + Builds + index), the embedded pbs-installer
  catalog, and filtering the host's rows as `pytui list` does;
- wall-clock medians of `pytui list --only-downloads` and `uv python list --only-downloads`
  (same catalog through UV_PYTHON_DOWNLOADS_JSON_URL, isolated dirs, offline), run
  alternately so both see the same machine load, and pytui's time as a multiple of uv's.

Bytecode is cached in a temporary PYTHONPYCACHEPREFIX (after a warm-up run) so the numbers
are what an installed pytui costs, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from uv_catalog import uv_catalog_path

REPO = Path(__file__).resolve().parent.parent


def find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file():
        return str(beside)
    return shutil.which("uv")


def pytui_command() -> list[str]:
    script = Path(sys.executable).parent / "pytui"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pytui.app"]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_in_process(catalog_path: Path, runs: int) -> None:
    from pytui.core.catalog import Catalog, parse_uv_json
    from pytui.core.embedded import load_embedded_catalog
    from pytui.core.listing import list_rows
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    data = catalog_path.read_bytes()
    parse, embedded, cached_t, rows_t = [], [], [], []
    settings = Settings.resolve(downloads_json=str(catalog_path), offline=True,
                                env={"PYTUI_STATE_DIR": tempfile.mkdtemp(prefix="pytui-bench-state-")},
                                install_dir=tempfile.mkdtemp(prefix="pytui-bench-root-"),
                                cache_dir=tempfile.mkdtemp(prefix="pytui-bench-cache-"))
    host = detect_host()
    catalog = None
    rows = []
    for _ in range(runs):
        start = time.perf_counter()
        builds, skipped = parse_uv_json(data, str(catalog_path))
        catalog = Catalog(builds, source=str(catalog_path), skipped=skipped)
        parse.append(time.perf_counter() - start)
        start = time.perf_counter()
        load_embedded_catalog()
        embedded.append(time.perf_counter() - start)
        start = time.perf_counter()
        load_catalog(settings)  # through the parsed-catalog cache (warm after the first run)
        cached_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = list_rows(catalog, settings, host=host, kind="downloads")
        rows_t.append(time.perf_counter() - start)
    assert catalog is not None
    print(f"catalog: {catalog_path} ({len(data) / 1e6:.1f} MB, {len(catalog)} builds)")
    print(f"  parse uv catalog (json + Builds + index): median {median_ms(parse):6.1f} ms")
    print(f"  load embedded pbs-installer catalog:      median {median_ms(embedded):6.1f} ms")
    print(f"  load_catalog() with the parsed cache:     median {median_ms(cached_t):6.1f} ms")
    print(f"  filter host rows ({len(rows)} rows):             median {median_ms(rows_t):6.1f} ms")


def time_commands(catalog_path: Path, runs: int, extra: list[str]) -> tuple[float, float] | None:
    uv = find_uv()
    if uv is None:
        print("uv not found (looked beside sys.executable and on PATH); skipping the CLI comparison")
        return None
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UV_", "PYTUI_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        HOME=str(work / "home"), XDG_DATA_HOME=str(work / "data"),
        XDG_CACHE_HOME=str(work / "cache"), XDG_STATE_HOME=str(work / "state"),
        UV_PYTHON_DOWNLOADS_JSON_URL=str(catalog_path), UV_NO_CONFIG="1", UV_OFFLINE="1",
        UV_PYTHON_INSTALL_DIR=str(work / "python"), UV_CACHE_DIR=str(work / "uv-cache"),
        UV_PYTHON_PREFERENCE="only-managed", PYTHONPYCACHEPREFIX=str(work / "pycache"),
    )
    commands = {
        "pytui": [*pytui_command(), "list", "--only-downloads", *extra],
        "uv": [uv, "python", "list", "--only-downloads", *extra],
    }
    outputs = {}
    for name, command in commands.items():  # warm-up: bytecode, page cache
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=work)
        if done.returncode != 0:
            print(f"{name} failed: {done.stderr.strip()}")
            return None
        outputs[name] = done.stdout.splitlines()
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           cwd=work, check=True)
            samples[name].append(time.perf_counter() - start)
    shutil.rmtree(work, ignore_errors=True)
    pytui_ms, uv_ms = median_ms(samples["pytui"]), median_ms(samples["uv"])
    label = " ".join(["list --only-downloads", *extra])
    same = "same rows" if outputs["pytui"] == outputs["uv"] else "ROWS DIFFER"
    print(f"`{label}` ({len(outputs['uv'])} rows, {same}), {runs} alternating runs each:")
    print(f"  pytui  median {pytui_ms:6.1f} ms  (min {min(samples['pytui']) * 1000:6.1f})")
    print(f"  uv     median {uv_ms:6.1f} ms  (min {min(samples['uv']) * 1000:6.1f})")
    print(f"  ratio  pytui / uv = {pytui_ms / uv_ms:.2f}x (aim: within 3x)")
    return pytui_ms, uv_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=None,
                        help="uv download-metadata.json (default: tests/data copy)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.catalog is None:
        args.catalog = uv_catalog_path()
    if not args.catalog.is_file():
        print(f"catalog not found: {args.catalog}")
        return 1
    time_in_process(args.catalog, max(3, args.runs // 3))
    time_commands(args.catalog, args.runs, [])
    time_commands(args.catalog, args.runs, ["--all-platforms", "--all-versions"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
