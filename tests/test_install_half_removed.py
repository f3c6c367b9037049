"""An install that a killed run left half removed: uv's `python install --reinstall` and
`python uninstall` delete the old tree in place (a reinstall renames the new one in after),
so uv killed there (SIGKILL at the N-th unlink, crash29's strace drive of the real uv) leaves
`<root>/<key>` with part of its files, its interpreter among those gone, and the bin link
dangling. uv then says the request is satisfied (and `uv python install` fails writing into
it); `pytui install` said "already installed" and nothing else, exit 0. It still does (the key
is there, as uv reads it), and says in one warning that the install has no interpreter and
which command installs it again; that command repairs it.

The state is made directly (the interpreter removed from a real install) rather than by
killing uv: the same bytes on disk, with no uv or strace in the suite's time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_installed
from fixtures_archives import MadeArchive


def test_an_install_without_its_interpreter_is_said_and_reinstall_repairs_it(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    key = made.build.key
    os.unlink(pytui.root / key / "bin" / "python3.12")  # as uv's killed deleter left it
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert f"Python 3.12 is already installed ({key})" in result.stderr, str(result)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any(f"{key} in {pytui.root} has no interpreter (bin/python3.12)" in line
               and f"`pytui install --reinstall {key}` installs it again" in line for line in warnings), str(result)
    repaired = pytui.run("install", "--reinstall", key)
    assert repaired.returncode == 0, str(repaired)
    assert_installed(pytui, made)
    again = pytui.run("install", "3.12")
    assert "no interpreter" not in again.stderr, str(again)


# -- the interpreter still there, part of what it needs gone ---------------------------------
UV = Path(sys.executable).parent / "uv"


def _uv(pytui: Pytui, *args: str, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real uv on pytui's root, offline, with a new query cache each time: uv keeps what it
    learnt running an interpreter (keyed by the file's mtime), and lists a broken install it
    queried before it broke."""
    cache = tempfile.mkdtemp(dir=pytui.tmp, prefix="uv-cache-")
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=cache, UV_PYTHON_PREFERENCE="only-managed",
                    UV_OFFLINE="1", UV_NO_PROGRESS="1")
    if root is not None:
        env["UV_PYTHON_INSTALL_DIR"] = str(root)
    return subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd=pytui.tmp)


def _uv_lists(pytui: Pytui, key: str) -> bool:
    listed = _uv(pytui, "python", "list", "--only-installed", "--output-format", "json")
    assert listed.returncode == 0, listed.stderr
    return key in [row["key"] for row in json.loads(listed.stdout)]


def _start_warnings(result: object, key: str) -> list[str]:
    return [line for line in str(getattr(result, "stderr", "")).splitlines()
            if line.startswith("warning:") and f"{key} in " in line and "does not start" in line]


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists() or shutil.which("strace") is None,
                    reason="needs uv beside the interpreter and strace")
def test_uv_killed_uninstalling_leaves_an_interpreter_that_does_not_start(
        pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    """`uv python uninstall` SIGKILLed at the unlink after json/__init__.py's (strace's inject:
    the point is found by counting the same uninstall on a copy of the root, so whatever order
    this filesystem lists the files in): the interpreter is there, json/ an empty namespace.
    uv's list and find (querying it afresh) drop the install, while `uv python install` finds it
    installed (its -v: "Found `KEY` for request");
    `pytui install` said only 'already installed'. Now it warns once that it does not start,
    with the way out, and that way repairs it (uv lists it again)."""
    made = pytui.serve(base_prefix_archive)
    key, mm = made.build.key, f"{made.build.major}.{made.build.minor}"
    assert pytui.run("install", mm).returncode == 0
    twin = pytui.tmp / "twin-root"
    shutil.copytree(pytui.root, twin, symlinks=True)
    trace = pytui.tmp / "trace"
    counted = subprocess.run(["strace", "-f", "-qq", "-y", "-o", str(trace), "-e", "trace=unlinkat",
                              str(UV), "python", "uninstall", key],
                             env=_uv_env(pytui, twin), capture_output=True, text=True, timeout=300)
    assert counted.returncode == 0, counted.stderr
    calls = [line for line in trace.read_text().splitlines() if "resumed>" not in line]
    json_init = next(i for i, line in enumerate(calls, 1)
                     if f"/lib/python{mm}/json>" in line and '"__init__.py"' in line)
    killed = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=unlinkat",
                             "-e", f"inject=unlinkat:signal=SIGKILL:when={json_init + 1}",
                             str(UV), "python", "uninstall", key],
                            env=_uv_env(pytui, pytui.root), capture_output=True, text=True, timeout=300)
    assert killed.returncode in (137, -9), killed.stderr
    prefix = pytui.root / key
    executable = prefix / "bin" / f"python{mm}"
    assert executable.is_file() and not (prefix / f"lib/python{mm}/json/__init__.py").exists()
    assert not _uv_lists(pytui, key)  # uv's list: not installed
    found = _uv(pytui, "python", "find", mm)
    assert found.returncode != 0 and "Failed to inspect Python interpreter" in found.stderr, found.stderr

    result = pytui.run("install", mm)
    assert result.returncode == 0 and f"Python {mm} is already installed ({key})" in result.stderr, str(result)
    warned = _start_warnings(result, key)
    assert len(warned) == 1, str(result)
    # What failed depends on the order this filesystem listed the files in, and on the
    # version (3.13's sysconfig is a package): json's __init__.py or a module before it.
    assert re.fullmatch(
        rf"warning: {re.escape(key)} in {re.escape(str(pytui.root))} does not start "
        rf"\(bin/python{re.escape(mm)}: \w+Error: .+ \(exit status 1\)\), so uv does not list it: part "
        rf"of it is gone or damaged, as a run killed while removing or replacing it leaves it; "
        rf"`pytui install --reinstall "
        rf"{re.escape(key)}` installs it again", warned[0]), warned[0]
    repaired = pytui.run("install", "--reinstall", key)
    assert repaired.returncode == 0, str(repaired)
    assert _uv_lists(pytui, key)
    again = pytui.run("install", mm)
    assert again.returncode == 0 and _start_warnings(again, key) == [], str(again)


def _uv_env(pytui: Pytui, root: Path) -> dict[str, str]:
    return pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_OFFLINE="1",
                     UV_PYTHON_PREFERENCE="only-managed", UV_PYTHON_INSTALL_DIR=str(root))


def test_an_install_for_another_platform_is_not_started(pytui: Pytui) -> None:
    """An aarch64 build installed by its key on this x86-64 host (for an image of that arch, as
    uv installs one when asked): its interpreter cannot start here (`exec format error`), and
    uv never queries it. `pytui install` of it said it did not start because a killed run left
    part of it, and that `--reinstall` would repair it (it could not: said again each time)."""
    from fixtures_archives import make_pbs_archive

    if os.uname().machine != "x86_64":
        pytest.skip("the foreign build is aarch64: the host must be another arch")
    made = pytui.serve(make_pbs_archive(pytui.archives / "aarch64", version="3.12.8",
                                        build_date="20250115", os_name="linux", arch="aarch64",
                                        libc="gnu"))
    key = made.build.key
    assert pytui.run("install", "--no-bin", key).returncode == 0
    interpreter = pytui.root / key / "bin" / "python3.12"
    # What an aarch64 executable is to this kernel: an ELF header for another machine.
    interpreter.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\xb7\x00" + bytes(44))
    result = pytui.run("install", "--no-bin", key)
    assert result.returncode == 0 and f"is already installed ({key})" in result.stderr, str(result)
    assert "does not start" not in result.stderr and "warning:" not in result.stderr, str(result)
