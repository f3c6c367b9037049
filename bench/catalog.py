"""Catalog benchmark: `pytui list` beside `uv python list`, and both at 5k / 50k / 200k entries.

Usage: python bench/catalog.py [--runs N] [--sizes 5000,50000,200000] [--scale-runs N]
                               [--skip-list] [--skip-scale] [--skip-steps]
                               [--embedded-sizes 200000]

Prints, from one run:
- steps: in-process medians of what `pytui list` does with uv's catalog (JSON parse into
  builds, load through the parsed-catalog cache, the host's rows, every platform's rows);
- list: wall-clock medians of `pytui list` and `uv python list`, plain and with
  `--all-platforms --all-versions`, on each tool's embedded default catalog and on uv's
  5530-build catalog (tests/data) given to both through UV_PYTHON_DOWNLOADS_JSON_URL, run
  alternately so both see the same load, with pytui's time as a multiple of uv's. pytui's
  first run (no parsed-catalog cache yet) is timed separately;
- scale: catalogs of N entries made from uv's (each copy of the catalog under another major
  version, so every key is distinct), `list` with each tool: wall time and peak memory
  (ru_maxrss of the child, from wait4) beside uv's, pytui both on its first run (parsing the
  JSON) and on a later one (parsed cache), with the growth per entry between sizes;
- with --embedded-sizes: pytui's `list` with the embedded default (pbs-installer's file, its
  CPython versions repeated under other majors) of about N builds, first and later runs.

Both tools run isolated (fresh HOME, XDG dirs, install and cache dirs, UV_OFFLINE, no config,
an empty PATH so uv inspects no system interpreter; pytui lists managed installs only).
pytui runs as an installed copy would: a throwaway venv whose site-packages holds this
checkout (not the editable-install finder, which imports pathlib and re at every start) and
a console script like pip's, with bytecode cached (PYTHONPYCACHEPREFIX, after a warm-up run).
The machine's load average is printed with the results: say it beside any figure you copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

from scaled_catalogs import scaled_catalog, scaled_versions_json
from uv_catalog import uv_catalog_path

REPO = Path(__file__).resolve().parent.parent
AIM = 1.5


def find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file():
        return str(beside)
    return shutil.which("uv")


def load_average() -> str:
    try:
        return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


# --- an installed-like pytui ----------------------------------------------------------------


def make_pytui(work: Path) -> list[str]:
    """A venv whose site-packages has this checkout as `pytui`, and its console script."""
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir),
                                                          "platbase": str(env_dir)}))
    packages = work / "packages"
    package = packages / "pytui"
    package.mkdir(parents=True)
    # pyproject's package-dir layout: pytui is pytui_pkg/, pytui.core is core/, and so on.
    for name, source in (("__init__.py", "pytui_pkg/__init__.py"), ("core", "core"),
                         ("app", "app"), ("widgets", "widgets")):
        (package / name).symlink_to(REPO / source)
    # Path lines only: the dependencies' directory is searched, its .pth files are not run.
    dependencies = sysconfig.get_path("purelib")
    (purelib / "pytui_bench.pth").write_text(f"{packages}\n{dependencies}\n")
    script = env_dir / "bin" / "pytui"
    script.write_text(
        f"#!{env_dir / 'bin' / 'python'}\n"
        "import re\nimport sys\nfrom pytui.app.cli import main\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        "    sys.exit(main())\n")
    script.chmod(0o755)
    return [str(script)]


def isolated_env(work: Path, catalog: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UV_", "PYTUI_", "XDG_")) and k not in {
               "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    empty_path = work / "empty-path"
    empty_path.mkdir(exist_ok=True)
    env.update(
        HOME=str(work / "home"), XDG_DATA_HOME=str(work / "data"),
        XDG_CACHE_HOME=str(work / "cache"), XDG_STATE_HOME=str(work / "state"),
        XDG_CONFIG_HOME=str(work / "config"), PATH=str(empty_path),
        UV_NO_CONFIG="1", UV_OFFLINE="1", UV_PYTHON_INSTALL_DIR=str(work / "python"),
        UV_CACHE_DIR=str(work / "uv-cache"), UV_PYTHON_CACHE_DIR=str(work / "py-cache"),
        PYTUI_STATE_DIR=str(work / "pytui-state"), PYTHONPYCACHEPREFIX=str(work / "pycache"),
    )
    if catalog is not None:
        env["UV_PYTHON_DOWNLOADS_JSON_URL"] = str(catalog)
    return env


# Runs each command from a small process: Linux carries the parent's peak RSS into a child's
# ru_maxrss across fork and exec, so children of this (large) process would all report its size.
_SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    argv, env, cwd, out, err = json.loads(line)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    print(json.dumps([elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), flush=True)
"""


class Spawner:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-S", "-c", _SPAWNER], text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, bytes]:
        """(seconds, peak RSS in MB, stdout) of one run; raises if the command fails."""
        out, err = cwd / ".bench-stdout", cwd / ".bench-stderr"
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([command, env, str(cwd), str(out), str(err)]) + "\n")
        self.process.stdin.flush()
        elapsed, maxrss_kb, code = json.loads(self.process.stdout.readline())
        if code != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({code}): "
                               f"{err.read_text(errors='replace').strip()[:500]}")
        return elapsed, maxrss_kb / 1024, out.read_bytes()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


SPAWNER: Spawner | None = None


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, bytes]:
    assert SPAWNER is not None
    return SPAWNER.run(command, env, cwd)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# --- steps, in process ----------------------------------------------------------------------


def time_steps(catalog_path: Path, runs: int) -> None:
    from pytui.core.catalog import Catalog, parse_uv_json
    from pytui.core.listing import list_rows
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    data = catalog_path.read_bytes()
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-steps-"))
    settings = Settings.resolve(downloads_json=str(catalog_path), offline=True,
                                env={"PYTUI_STATE_DIR": str(work / "state")},
                                install_dir=work / "root", cache_dir=work / "cache")
    host = detect_host(cpu_level=False)
    samples: dict[str, list[float]] = {"parse": [], "cached": [], "host": [], "all": []}
    catalog = Catalog([])
    rows: list = []
    every: list = []
    for _ in range(runs):
        start = time.perf_counter()
        builds, skipped = parse_uv_json(data, str(catalog_path))
        catalog = Catalog(builds, source=str(catalog_path), skipped=skipped)
        samples["parse"].append(time.perf_counter() - start)
        start = time.perf_counter()
        load_catalog(settings)  # through the parsed-catalog cache (warm after the first run)
        samples["cached"].append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = list_rows(catalog, settings, host=host)
        samples["host"].append(time.perf_counter() - start)
        start = time.perf_counter()
        every = list_rows(catalog, settings, host=host, all_platforms=True, all_versions=True)
        samples["all"].append(time.perf_counter() - start)
    shutil.rmtree(work, ignore_errors=True)
    print(f"steps, in process ({len(catalog)} builds, {len(data) / 1e6:.1f} MB of JSON), "
          f"median of {runs}:")
    print(f"  parse uv's JSON into builds:             {median_ms(samples['parse']):7.1f} ms")
    print(f"  load_catalog() through the parsed cache: {median_ms(samples['cached']):7.1f} ms")
    print(f"  list_rows, this host ({len(rows)} rows):          {median_ms(samples['host']):7.1f} ms")
    print(f"  list_rows, every platform and version ({len(every)} rows): "
          f"{median_ms(samples['all']):7.1f} ms")


# --- pytui list beside uv python list -------------------------------------------------------


def compare_list(pytui: list[str], uv: str, catalog: Path | None, extra: list[str],
                 runs: int) -> tuple[float, float] | None:
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-list-"))
    try:
        env = isolated_env(work, catalog)
        commands = {"pytui": [*pytui, "list", *extra], "uv": [uv, "python", "list", *extra]}
        # pytui's first run parses the catalog and keeps the parse in its state dir.
        first, _, _ = timed(commands["pytui"], env, work)
        cold = [first]
        outputs = {name: timed(command, env, work)[2] for name, command in commands.items()}
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for round_number in range(runs):
            order = list(commands) if round_number % 2 == 0 else list(reversed(commands))
            for name in order:
                samples[name].append(timed(commands[name], env, work)[0])
        for _ in range(max(1, runs // 5)):
            shutil.rmtree(work / "pytui-state", ignore_errors=True)
            cold.append(timed(commands["pytui"], env, work)[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pytui_ms, uv_ms = median_ms(samples["pytui"]), median_ms(samples["uv"])
    rows = {name: len(out.splitlines()) for name, out in outputs.items()}
    if catalog is None:
        same = f"pytui {rows['pytui']} rows from pbs-installer's list, uv {rows['uv']} from its own"
    else:
        same = (f"{rows['uv']} rows, " +
                ("same rows" if outputs["pytui"] == outputs["uv"] else "ROWS DIFFER"))
    label = " ".join(["list", *extra])
    source = "embedded default" if catalog is None else "uv's catalog (--downloads-json)"
    ratio = pytui_ms / uv_ms
    print(f"`{label}`, {source} ({same}), {runs} alternating runs:")
    print(f"  pytui  median {pytui_ms:6.1f} ms  (min {min(samples['pytui']) * 1000:6.1f})   "
          f"first run, no parsed cache: median {median_ms(cold):6.1f} ms")
    print(f"  uv     median {uv_ms:6.1f} ms  (min {min(samples['uv']) * 1000:6.1f})")
    print(f"  ratio  pytui / uv = {ratio:.2f}x  (aim: within {AIM}x{'' if ratio <= AIM else ' — MISSED'})")
    return pytui_ms, uv_ms


# --- scale ----------------------------------------------------------------------------------


def embedded_scale(pytui: list[str], sizes: list[int], runs: int) -> None:
    """`pytui list` with the embedded default made N builds large (`scaled_versions_json`)."""
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-embedded-"))
    try:
        print(f"scale, embedded default (pbs-installer's file repeated), `list`, median of {runs} "
              "(time s / peak RSS MB):")
        for size in sizes:
            fake = work / f"fake-{size}"
            count, size_bytes = scaled_versions_json(size, fake)
            env = isolated_env(work, None)
            env["PYTHONPATH"] = str(fake)
            command = [*pytui, "list"]
            timed(command, env, work)
            cold, warm = [], []
            for _ in range(runs):
                shutil.rmtree(work / "pytui-state", ignore_errors=True)
                cold.append(timed(command, env, work))
                warm.append(timed(command, env, work))
            shutil.rmtree(fake)
            print(f"  {count:8d} builds ({size_bytes / 1e6:5.1f} MB of JSON) | first run "
                  f"{statistics.median(c[0] for c in cold):6.2f} s "
                  f"{statistics.median(c[1] for c in cold):5.0f} MB | later "
                  f"{statistics.median(w[0] for w in warm):5.2f} s "
                  f"{statistics.median(w[1] for w in warm):5.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def screen_steps(catalog_path: Path, work: Path) -> dict[str, float]:
    """Seconds of each step between a catalog file and the TUI's first screen, in process (the
    parsed cache warm): what must grow no faster than the catalog."""
    from pytui.app.state import AppState
    from pytui.app.view_model import ViewModel
    from pytui.core.gc_pause import gc_paused
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    settings = Settings.resolve(downloads_json=str(catalog_path), offline=True,
                                env={"PYTUI_STATE_DIR": str(work / "steps-state")},
                                install_dir=work / "steps-root", cache_dir=work / "steps-cache")
    load_catalog(settings)  # the first run's parse, kept
    steps: dict[str, float] = {}
    host = detect_host(cpu_level=False)
    # What the TUI does before its first frame (app/tui.py): the catalog loaded lazily, and
    # only the Available rows this host shows made.
    start = time.perf_counter()
    catalog = load_catalog(settings, lazy=True)
    steps["load (parsed cache), builds made on demand"] = time.perf_counter() - start
    state = AppState(settings=settings, host=host, home=work, catalog=catalog)
    start = time.perf_counter()
    ViewModel().available_rows(state)
    steps["Available rows, this host (first frame)"] = time.perf_counter() - start
    # After the first frame the TUI makes the rest (startup.py), which a filter and the
    # every-platform view need.
    start = time.perf_counter()
    with gc_paused():
        catalog.builds  # noqa: B018 - made now, as the TUI does 0.3 s after the first frame
    steps["every build made (after the first frame)"] = time.perf_counter() - start
    state.view = state.view.replace(all_platforms=True, all_versions=True)
    start = time.perf_counter()
    ViewModel().available_rows(state)
    steps["Available rows, every platform+version"] = time.perf_counter() - start
    start = time.perf_counter()
    catalog.by_cache_filename()
    steps["cache-file index (Cached pane)"] = time.perf_counter() - start
    shutil.rmtree(work / "steps-state", ignore_errors=True)
    return steps


def scale(pytui: list[str], uv: str, sizes: list[int], runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-scale-"))
    results = []
    steps: list[tuple[int, dict[str, float]]] = []
    try:
        for size in sizes:
            catalog = work / f"catalog-{size}.json"
            count = scaled_catalog(uv_catalog_path(), size, catalog)
            env = isolated_env(work, catalog)
            pytui_cmd, uv_cmd = [*pytui, "list"], [uv, "python", "list"]
            cold, warm, uvs = [], [], []
            outputs = {}
            timed(pytui_cmd, env, work)  # bytecode for this venv, page cache for the catalog
            for _ in range(runs):
                shutil.rmtree(work / "pytui-state", ignore_errors=True)
                cold.append(timed(pytui_cmd, env, work))
                warm.append(timed(pytui_cmd, env, work))
                uvs.append(timed(uv_cmd, env, work))
                outputs = {"pytui": warm[-1][2], "uv": uvs[-1][2]}
            results.append((count, catalog.stat().st_size / 1e6, cold, warm, uvs,
                            outputs["pytui"] == outputs["uv"]))
            steps.append((count, screen_steps(catalog, work)))
            catalog.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(samples: list[tuple[float, float, bytes]], index: int) -> float:
        return statistics.median(sample[index] for sample in samples)

    print(f"scale: `list` on N-entry catalogs, median of {runs} (time s / peak RSS MB):")
    print(f"  {'entries':>8} {'JSON MB':>8} | {'pytui first run':>17} | {'pytui later':>15} | "
          f"{'uv':>15} | later/uv time, mem | first/uv mem | rows")
    for count, mb, cold, warm, uvs, same in results:
        print(f"  {count:8d} {mb:8.1f} | {med(cold, 0):6.2f} s {med(cold, 1):6.0f} MB | "
              f"{med(warm, 0):5.2f} s {med(warm, 1):5.0f} MB | "
              f"{med(uvs, 0):5.2f} s {med(uvs, 1):5.0f} MB | "
              f"{med(warm, 0) / med(uvs, 0):5.2f}x {med(warm, 1) / med(uvs, 1):5.2f}x | "
              f"{med(cold, 1) / med(uvs, 1):5.2f}x | {'same' if same else 'DIFFER'}")
    if len(results) >= 2:
        print("  growth per added entry between sizes (µs / entry, KB / entry):")
        for (n0, _, c0, w0, u0, _s0), (n1, _, c1, w1, u1, _s1) in zip(results, results[1:],
                                                                      strict=False):
            def per(a: list, b: list, index: int, scale_to: float, added: int = n1 - n0) -> float:
                return (med(b, index) - med(a, index)) * scale_to / added
            print(f"    {n0:>7} -> {n1:<7} pytui first {per(c0, c1, 0, 1e6):6.1f} µs "
                  f"{per(c0, c1, 1, 1024):5.2f} KB | later {per(w0, w1, 0, 1e6):6.1f} µs "
                  f"{per(w0, w1, 1, 1024):5.2f} KB | uv {per(u0, u1, 0, 1e6):6.1f} µs "
                  f"{per(u0, u1, 1, 1024):5.2f} KB")
    if steps:
        print("  TUI first-screen steps, in process (µs per catalog entry; a step that grows "
              "faster than the catalog shows a rising figure):")
        for name in steps[0][1]:
            figures = "  ".join(f"{count:>7}: {step[name] / count * 1e6:6.2f}"
                                for count, step in steps if name in step)
            print(f"    {name:42s} {figures}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="alternating runs per list row")
    parser.add_argument("--sizes", default="5000,50000,200000",
                        help="catalog sizes for the scaling table")
    parser.add_argument("--scale-runs", type=int, default=3)
    parser.add_argument("--skip-steps", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--embedded-sizes", default="",
                        help="also list with the embedded default made this many builds large "
                             "(e.g. 200000; compare with the scale table's uv at that size)")
    args = parser.parse_args()
    global SPAWNER
    SPAWNER = Spawner()  # first, while this process is small
    catalog = uv_catalog_path()
    uv = find_uv()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {load_average()} at start")
    if not args.skip_steps:
        time_steps(catalog, max(3, args.runs // 3))
    if uv is None:
        print("uv not found (looked beside sys.executable and on PATH); no comparison")
        return 0
    version = subprocess.run([uv, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}; pytui from {REPO}")
    work = Path(tempfile.mkdtemp(prefix="pytui-bench-venv-"))
    try:
        pytui = make_pytui(work)
        if not args.skip_list:
            for source in (None, catalog):
                compare_list(pytui, uv, source, [], args.runs)
                compare_list(pytui, uv, source, ["--all-platforms", "--all-versions"], args.runs)
        if not args.skip_scale:
            scale(pytui, uv, [int(size) for size in args.sizes.split(",")], args.scale_runs)
        if args.embedded_sizes:
            embedded_scale(pytui, [int(size) for size in args.embedded_sizes.split(",")],
                           args.scale_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        SPAWNER.close()
    print(f"{load_average()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
