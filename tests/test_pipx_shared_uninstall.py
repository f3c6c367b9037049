"""`pytui uninstall` of the Python only pipx's shared libraries venv uses warns instead of
refusing: pipx rebuilds that venv by itself. Checked with pipx 1.18.4 from PyPI in throwaway
PIPX_HOME / PIPX_BIN_DIR dirs, the shared venv on a pytui install, an app on another Python:
after `pytui uninstall --force` of it the app ran, `pipx list` worked, and the next `pipx
upgrade` rebuilt the shared venv on pipx's default Python (`creating shared libraries...`, exit
0 with a package index; with none, the rebuild was made but its pip upgrade to pip>=26.1 failed,
exit 1, and the command after it worked). It refused before, as for an app.

It still refuses when pipx's default Python (PIPX_DEFAULT_PYTHON, else the interpreter of the
`pipx` on PATH) is that install: pipx then has nothing to rebuild on ("No executable for the
provided Python version" for every command, seen with pipx 1.18.4), and so does any app venv."""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Pytui, assert_clean_failure
from pytui.core.env_places import pipx_default_python
from pytui.core.environment import key_under


def _venv(path: Path, home: Path) -> None:
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.12.8\n")


def _shared_on_an_install(pytui: Pytui) -> tuple[str, Path]:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12.8")
    pipx = pytui.tmp / "pipx"
    _venv(pipx / "shared", pytui.root / made.build.key / "bin")
    _venv(pipx / "venvs" / "black", pytui.tmp / "elsewhere" / "bin")  # an app on another Python
    return made.build.key, pipx


def test_uninstalling_the_python_of_pipxs_shared_venv_alone_warns(pytui: Pytui) -> None:
    key, pipx = _shared_on_an_install(pytui)
    done = pytui.run("uninstall", "3.12", PIPX_HOME=str(pipx), PIPX_DEFAULT_PYTHON="")
    assert done.returncode == 0, str(done)
    assert not (pytui.root / key).exists()
    assert f"warning: pipx's shared libraries venv {pipx / 'shared'} uses {key}: pipx rebuilds it on " \
           "its default Python at its next install or upgrade" in done.stderr, done.stderr
    assert "would break" not in done.stderr and "Traceback" not in done.stderr


def test_it_refuses_when_pipxs_default_python_is_that_install(pytui: Pytui) -> None:
    key, pipx = _shared_on_an_install(pytui)
    before = pytui.state()
    line = assert_clean_failure(pytui.run("uninstall", "3.12", PIPX_HOME=str(pipx),
                                          PIPX_DEFAULT_PYTHON=str(pytui.bin / "python3.12")))
    assert f"would break 1 environment: {pipx / 'shared'}" in line
    # pipx itself on that install (its script's `#!`), PIPX_DEFAULT_PYTHON unset: the same.
    tools = pytui.tmp / "tools"
    tools.mkdir()
    (tools / "pipx").write_text(f"#!{pytui.root / key / 'bin' / 'python3.12'}\nimport pipx\n")
    (tools / "pipx").chmod(0o755)
    line = assert_clean_failure(pytui.run("uninstall", "3.12", PIPX_HOME=str(pipx), PIPX_DEFAULT_PYTHON="",
                                          PATH=f"{tools}{os.pathsep}{os.environ['PATH']}"))
    assert f"would break 1 environment: {pipx / 'shared'}" in line
    assert pytui.state() == before


def test_an_app_venv_on_it_still_refuses(pytui: Pytui) -> None:
    key, pipx = _shared_on_an_install(pytui)
    _venv(pipx / "venvs" / "ruff", pytui.root / key / "bin")
    line = assert_clean_failure(pytui.run("uninstall", "3.12", PIPX_HOME=str(pipx), PIPX_DEFAULT_PYTHON=""))
    assert f"would break 1 environment: {pipx / 'venvs' / 'ruff'}" in line


def test_pipxs_default_python_and_the_install_it_lies_in(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "cpython-3.12.8-linux-x86_64-gnu" / "bin").mkdir(parents=True)
    exe = root / "cpython-3.12.8-linux-x86_64-gnu" / "bin" / "python3.12"
    exe.write_text("")
    exe.chmod(0o755)
    (root / "cpython-3.12-linux-x86_64-gnu").symlink_to("cpython-3.12.8-linux-x86_64-gnu")
    link = tmp_path / "bin" / "python3.12"
    link.parent.mkdir()
    link.symlink_to(root / "cpython-3.12-linux-x86_64-gnu" / "bin" / "python3.12")
    assert key_under(pipx_default_python({"PIPX_DEFAULT_PYTHON": str(link)}), root) \
        == "cpython-3.12.8-linux-x86_64-gnu"
    # A bare name is looked for on PATH, as pipx runs it.
    assert pipx_default_python({"PIPX_DEFAULT_PYTHON": "python3.12", "PATH": str(link.parent)}) == str(exe)
    # Unset: the `pipx` script's interpreter; no pipx on PATH, none.
    (tmp_path / "bin" / "pipx").write_text(f"#!{link} -E\n")
    (tmp_path / "bin" / "pipx").chmod(0o755)
    assert pipx_default_python({"PATH": str(link.parent)}) == str(exe)
    assert pipx_default_python({"PATH": str(tmp_path / "nothing")}) is None
    assert key_under("/usr/bin/python3", root) is None
    assert key_under(str(root), root) is None
    assert key_under(str(tmp_path / "root-other" / "x"), root) is None


def test_pipxs_interpreter_behind_env_or_pips_long_path_trampoline(tmp_path: Path) -> None:
    """The `pipx` script's `#!` line may name `env`, which runs the name after it from PATH
    (`#!/usr/bin/env python3.12`, `env -S python3.12 -E`), or, where the interpreter's path is
    too long for a `#!` line, be the `/bin/sh` trampoline pip and uv write (`'''exec' /path/python
    "$0" "$@"`): the Python is that name or path, not env or sh (it read /usr/bin/env and
    /bin/sh, so uninstalling the install pipx runs on was a warning, not a refusal)."""
    root = tmp_path / "root"
    key = "cpython-3.12.8-linux-x86_64-gnu"
    exe = root / key / "bin" / "python3.12"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    exe.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "python3.12").symlink_to(exe)
    spaced = tmp_path / "a dir"
    spaced.mkdir()
    (spaced / "python3.12").symlink_to(exe)
    heads = [b"#!/usr/bin/env python3.12\n", b"#!/usr/bin/env -S PYTHONSAFEPATH=1 python3.12 -E\n",
             b"#!/bin/sh\n'''exec' " + bytes(exe) + b' "$0" "$@"\n\' \'\'\'\nimport pipx\n',
             b"#!/bin/sh\n'''exec' '" + bytes(spaced / "python3.12") + b"' \"$0\" \"$@\"\n' '''\n"]
    for head in heads:
        (tools / "pipx").write_bytes(head)
        (tools / "pipx").chmod(0o755)
        found = pipx_default_python({"PATH": str(tools)})
        assert found == str(exe) and key_under(found, root) == key, (head, found)
    (tools / "pipx").write_bytes(b"#!/usr/bin/env\n")  # names nothing to run
    assert pipx_default_python({"PATH": str(tools)}) is None
