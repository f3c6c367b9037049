"""`pytui uninstall` of the Python pytui itself runs on (pytui installed with `uv tool install`
or `pipx install` on a managed Python, as `uv tool install .` does when uv's newest Python is
one pytui installed): it listed the tool's environment among those that would break and
`--force` removed it, after which `pytui` ended in the shell's `cannot execute: required file
not found` (seen following the README: `uv tool install /clone`, then `pytui uninstall 3.11
--force`). Now it refuses, --force or not, naming the tool and the command that moves pytui to
another Python. Real parts: the install is the running interpreter's prefix as a PBS archive
served over loopback, the tool's venv is made by `python -m venv` from the bin dir's link, and
pytui runs in it (its own source put on the venv's path by a .pth file)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from cli_harness import Pytui, Result, assert_clean_failure
from fixtures_archives import MadeArchive

MINOR = f"{sys.version_info.major}.{sys.version_info.minor}"


def _tool_on_the_install(pytui: Pytui, made: MadeArchive, kind: str) -> Path:
    """A uv tool (or pipx app) named pytui-pbs made on the install's minor-version link."""
    pytui.serve(made)
    assert pytui.call("install", MINOR).returncode == 0
    tools = pytui.tmp / ("uv-tools" if kind == "uv" else "pipx" / Path("venvs"))
    venv = tools / "pytui-pbs"
    subprocess.run([str(pytui.bin / f"python{MINOR}"), "-m", "venv", "--without-pip", str(venv)], check=True)
    [site] = (venv / "lib").glob("python*/site-packages")
    here = sysconfig.get_paths()["purelib"]  # this venv's: pytui (editable) and its dependencies
    (site / "pytui_source.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    return venv


def _run_in(pytui: Pytui, venv: Path, kind: str, *args: str) -> Result:
    where = {"UV_TOOL_DIR": str(venv.parent)} if kind == "uv" else {"PIPX_HOME": str(venv.parent.parent)}
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pytui.app.cli", *args], capture_output=True,
                          text=True, env=pytui.env(**where), cwd=pytui.tmp, timeout=120)
    return Result(list(args), done.returncode, done.stdout, done.stderr)


def test_uninstalling_the_python_of_pytuis_own_uv_tool_is_refused_even_forced(
        pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    venv = _tool_on_the_install(pytui, base_prefix_archive, "uv")
    key = base_prefix_archive.build.key
    for forced in ((), ("--force",)):
        line = assert_clean_failure(_run_in(pytui, venv, "uv", "uninstall", MINOR, *forced))
        assert line.startswith(f"error: uninstalling {key} would remove the Python this pytui runs on "
                               f"(uv tool pytui-pbs, {venv}), and `pytui` would not start again; "
                               "nothing was removed, --force or not"), line
        assert "install another Python (`pytui install`), then `uv tool upgrade --python X.Y pytui-pbs`" in line
        assert (pytui.root / key / "bin").is_dir()
    assert _run_in(pytui, venv, "uv", "--version").returncode == 0  # pytui still starts
    dry = _run_in(pytui, venv, "uv", "uninstall", MINOR, "--dry-run")
    assert dry.returncode == 0 and "without --dry-run this refuses, --force or not" in dry.stderr, dry


def test_pytuis_own_pipx_app_is_named_with_pipxs_command(pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    venv = _tool_on_the_install(pytui, base_prefix_archive, "pipx")
    line = assert_clean_failure(_run_in(pytui, venv, "pipx", "uninstall", MINOR, "--force"))
    assert f"(pipx app pytui-pbs, {venv})" in line and "`pipx reinstall --python" in line, line
    assert (pytui.root / base_prefix_archive.build.key / "bin").is_dir()


def test_another_tool_on_that_python_is_still_forced_away(pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    """Only pytui's own environment is refused by name: run from elsewhere, --force removes."""
    venv = _tool_on_the_install(pytui, base_prefix_archive, "uv")
    done = pytui.run("uninstall", MINOR, "--force", UV_TOOL_DIR=str(venv.parent))
    assert done.returncode == 0 and "breaks 1 environment (--force)" in done.stderr, done
    assert "this pytui runs on" not in done.stderr
