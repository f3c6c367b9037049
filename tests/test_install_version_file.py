"""`pytui install` with no request reads the version file `uv python install` reads (uv 0.13.9,
the real one beside, each on its own root from one catalog on the loopback server): the
nearest `.python-versions` or `.python-version` from the working directory up, else the one in
uv's config dir; none under UV_NO_CONFIG. pytui installed the latest stable CPython whatever a
project pinned (found driving a `.python-version` of 3.12.3 against uv: uv installed 3.12.3,
pytui 3.13.1)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import Pytui, drop_dac_override
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


def _keys(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if not p.is_symlink() and p.name.startswith("cpython-3.")) \
        if root.is_dir() else []


def _both(pytui: Pytui, cwd: Path, *args: str, preexec_fn: Callable[[], None] | None = None,
          **extra: str) -> tuple[subprocess.CompletedProcess[str], ...]:
    """`pytui install ARGS` on pytui's root and `uv python install ARGS` on uv's, from `cwd`,
    neither with UV_NO_CONFIG unless `extra` sets it (`preexec_fn` run in both children)."""
    env = pytui.env(**extra)
    ours = subprocess.run(pytui.argv("install", *args), env=env, capture_output=True, text=True,
                          timeout=120, cwd=cwd, preexec_fn=preexec_fn)
    uv_env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_PYTHON_PREFERENCE="only-managed",
                       UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "uv-root"),
                       UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"), **extra)
    uv_env.pop("UV_PYTHON_CACHE_DIR")
    theirs = subprocess.run([str(UV), "python", "install", *args], env=uv_env, capture_output=True,
                            text=True, timeout=120, cwd=cwd, preexec_fn=preexec_fn)
    return ours, theirs


@pytest.fixture
def project(pytui: Pytui) -> Path:
    pytui.add("3.12.3", "20240415")
    pytui.add("3.13.1", "20241206")
    (pytui.tmp / "project" / "src").mkdir(parents=True)
    return pytui.tmp / "project"


@pytest.mark.parametrize(("files", "installed"), [
    ({".python-version": "3.12.3\n"}, ["3.12.3"]),
    ({".python-version": "# pinned\n\n 3.12 \n"}, ["3.12.3"]),
    ({".python-versions": "3.12.3\n3.13\n"}, ["3.12.3", "3.13.1"]),
    ({".python-versions": "3.12.3\n", ".python-version": "3.13\n"}, ["3.12.3"]),  # plural first
    ({".python-version": "not a python\n3.12.3\n"}, ["3.12.3"]),
    # Past 4 KiB, the request straddling byte 4096 (pytui read 4 KiB: "3" installed 3.13.1).
    ({".python-versions": "#" + "x" * 4093 + "\n3.12.3\n"}, ["3.12.3"]),
    ({".python-version": "\n" * 5000 + "3.12.3\r\n"}, ["3.12.3"]),
    # Lines as uv splits them, at \n only: a form feed or NEL is no line end.
    ({".python-versions": "3.12.3\n3.13\x0c3.12\n"}, ["3.12.3"]),
], ids=["patch", "comment-and-spaces", "versions", "versions-first", "unsupported-line",
        "past-4-kib", "after-5000-blank-lines", "form-feed-in-a-line"])
def test_no_request_installs_what_the_nearest_version_file_asks_as_uv(
        pytui: Pytui, project: Path, files: dict[str, str], installed: list[str]) -> None:
    for name, text in files.items():
        (project / name).write_text(text)
    ours, theirs = _both(pytui, project / "src")  # found in a parent
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    want = [f"cpython-{v}-linux-x86_64-gnu" for v in installed]
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == want, (ours.stderr, theirs.stderr)
    if "not a python" in files.get(".python-version", ""):
        assert "Ignoring unsupported Python request `not a python`" in theirs.stderr, theirs.stderr
        assert (f"warning: ignoring unsupported Python request `not a python` in version file: "
                f"{project / '.python-version'}") in ours.stderr, ours.stderr
    # Installed now: said per request, as for one given on the command line.
    again, _ = _both(pytui, project / "src")
    assert again.returncode == 0 and "Use `pytui install <request>`" not in again.stderr, again.stderr
    assert again.stderr.count(" is already installed (") == len(installed), again.stderr


def test_the_config_dirs_file_and_uv_no_config(pytui: Pytui, project: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "uv"
    config.mkdir(parents=True)
    (config / ".python-version").write_text("3.12.3\n")
    ours, theirs = _both(pytui, project, UV_NO_CONFIG="1")  # none read: the latest
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == ["cpython-3.13.1-linux-x86_64-gnu"]
    ours, theirs = _both(pytui, project)  # no local file: the config dir's
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == [
        "cpython-3.12.3-linux-x86_64-gnu", "cpython-3.13.1-linux-x86_64-gnu"]


def test_a_config_dir_this_user_may_not_read_holds_no_version_file(pytui: Pytui, project: Path) -> None:
    """uv's config dir left unreadable (a `sudo uv …` makes ~/.config/uv root's, 0700): uv's
    install goes on as if it held no version file; pytui's failed, `error: …/uv/.python-versions:
    permission denied; check that path …` (Path.is_file raises on EACCES). Run as a user would
    (root without CAP_DAC_OVERRIDE, so the mode applies)."""
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "uv"
    config.mkdir(parents=True)
    (config / ".python-version").write_text("3.12.3\n")
    os.chmod(config, 0)
    drop = drop_dac_override if os.geteuid() == 0 else None
    try:
        probe = subprocess.run([sys.executable, "-c", f"import os; os.listdir({str(config)!r})"],
                               capture_output=True, preexec_fn=drop)
        if probe.returncode == 0:
            pytest.skip("directory permissions are not enforced for this process")
        ours, theirs = _both(pytui, project, preexec_fn=drop)
    finally:
        os.chmod(config, 0o755)
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == ["cpython-3.13.1-linux-x86_64-gnu"]


def test_a_version_file_past_its_bound_is_refused_not_cut(pytui: Pytui, project: Path) -> None:
    """A version file past 64 KiB (uv reads any size): one line naming it, nothing installed,
    where pytui read its first 4 KiB and installed what they asked (none here: the latest)."""
    (project / ".python-version").write_text("#" + "x" * (64 * 1024) + "\n3.12.3\n")
    result = subprocess.run(pytui.argv("install"), env=pytui.env(), capture_output=True, text=True,
                            timeout=120, cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"error: the version file {project / '.python-version'} is too large to read "
        f"({64 * 1024 + 9} bytes, more than the {64 * 1024} read): it should list Python requests, "
        "one a line; shorten it, or name the request (`pytui install 3.13`)"], result.stderr
    assert _keys(pytui.root) == []
