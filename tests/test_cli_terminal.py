"""The CLI's terminal manners: --version, no TUI without a terminal, colour as uv decides it,
sizes in one unit (MiB), uv's PATH warning."""

from __future__ import annotations

import importlib.metadata
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from pytui import __version__
from pytui.app.cli import NO_TERMINAL_EXIT, main
from pytui.app.path_hint import path_warning, prepend_command
from pytui.app.style import Style, color_enabled
from pytui.core.units import format_bytes

CLI = [sys.executable, "-m", "pytui.app.cli"]
# Bounds a hang; never an assertion about speed.
HANG_GUARD = 120


class FakeStream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"pytui {__version__}\n"
    # The distribution (named pytui-pbs on PyPI) carries the same version.
    assert importlib.metadata.version("pytui-pbs") == __version__


def _no_terminal_run(tmp_path: Path, stdin, stdout) -> tuple[int, str]:
    err = tmp_path / "err.txt"
    with open(err, "wb") as err_file:
        done = subprocess.run(CLI, stdin=stdin, stdout=stdout, stderr=err_file, timeout=HANG_GUARD)
    return done.returncode, err.read_text()


def test_no_terminal_stdin_from_dev_null_output_to_a_file(tmp_path: Path) -> None:
    # `pytui < /dev/null > out.txt`: one line pointing to `pytui list`, no escape codes, exit 2.
    out = tmp_path / "out.txt"
    with open(os.devnull, "rb") as devnull, open(out, "wb") as out_file:
        code, err = _no_terminal_run(tmp_path, devnull, out_file)
    assert code == NO_TERMINAL_EXIT == 2
    assert out.read_bytes() == b""
    assert err.count("\n") == 1 and "`pytui list`" in err and "stdin is not one" in err
    assert "\x1b" not in err


def test_no_terminal_when_only_output_is_redirected(tmp_path: Path) -> None:
    # stdin is a real terminal (a pty), stdout a file: still refused, naming stdout.
    primary, secondary = pty.openpty()
    try:
        out = tmp_path / "out.txt"
        with open(out, "wb") as out_file:
            code, err = _no_terminal_run(tmp_path, secondary, out_file)
    finally:
        os.close(primary)
        os.close(secondary)
    assert code == 2 and out.read_bytes() == b""
    assert "stdout is not one" in err and err.count("\n") == 1 and "\x1b" not in err


@pytest.mark.parametrize(("choice", "env", "tty", "expected"), [
    (None, {}, True, True),
    (None, {}, False, False),                                   # a pipe or a file
    (None, {"TERM": "dumb"}, True, False),
    (None, {"NO_COLOR": "1"}, True, False),
    (None, {"NO_COLOR": ""}, True, True),                       # empty means unset, as uv
    (None, {"FORCE_COLOR": "1"}, False, True),
    (None, {"CLICOLOR_FORCE": "1"}, False, True),
    (None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),  # NO_COLOR first, as uv
    ("always", {"NO_COLOR": "1"}, False, True),                 # the flag wins, as uv
    ("never", {"FORCE_COLOR": "1"}, True, False),
    ("auto", {"FORCE_COLOR": "1"}, False, False),               # explicit auto: the stream decides
])
def test_color_is_decided_as_uv_decides(choice, env, tty, expected) -> None:
    assert color_enabled(choice, FakeStream(tty), env) is expected  # type: ignore[arg-type]


def test_errors_are_red_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "UV_PYTHON_INSTALL_DIR": str(tmp_path / "root")}
    plain = subprocess.run([*CLI, "uninstall", "3.12"], capture_output=True, text=True, env=env,
                           timeout=HANG_GUARD)
    assert plain.returncode == 1 and plain.stderr.startswith("error: ") and "\x1b" not in plain.stderr
    for extra, argv in (({}, ["--color", "always"]), ({"FORCE_COLOR": "1"}, [])):
        coloured = subprocess.run([*CLI, *argv, "uninstall", "3.12"], capture_output=True, text=True,
                                  env={**env, **extra}, timeout=HANG_GUARD)
        assert coloured.stderr.startswith("\x1b[31;1merror\x1b[0m"), coloured.stderr
    never = subprocess.run([*CLI, "uninstall", "--color=never", "3.12"], capture_output=True,
                           text=True, env={**env, "FORCE_COLOR": "1"}, timeout=HANG_GUARD)
    assert never.stderr.startswith("error: ") and "\x1b" not in never.stderr


def test_style_is_identity_when_disabled() -> None:
    assert Style(False).error("x") == "error: x"
    assert Style(False).warning("w") == "warning: w"
    assert Style(True).green("+") == "\x1b[32m+\x1b[0m"


@pytest.mark.parametrize(("size", "text"), [
    (None, "?"), (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
    (65_325_875, "62.3 MiB"), (3 * 1024**3, "3.0 GiB"), (5 * 1024**5, "5120.0 TiB"),
])
def test_one_unit_for_sizes(size, text) -> None:
    assert format_bytes(size) == text


def test_path_warning_uses_uvs_words(tmp_path: Path) -> None:
    bin_dir = tmp_path / "my bin"
    bin_dir.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    env = {"PATH": f"{other}{os.pathsep}/usr/bin", "SHELL": "/bin/bash", "HOME": str(tmp_path)}
    assert path_warning(bin_dir, env) == (
        f"`{bin_dir}` is not on your PATH. To use installed Python executables, run "
        f"`export PATH=\"{bin_dir}:$PATH\"`.")
    assert path_warning(bin_dir, {**env, "FISH_VERSION": "3.7"}).endswith(f'`fish_add_path "{bin_dir}"`.')
    assert path_warning(bin_dir, {**env, "SHELL": "/bin/sh"}).endswith(
        "To use installed Python executables, add the directory to your PATH.")
    # On PATH (also through `~` or another spelling of the same directory): no warning.
    assert path_warning(bin_dir, {**env, "PATH": f"/usr/bin{os.pathsep}{bin_dir}"}) is None
    assert path_warning(bin_dir, {**env, "PATH": "~/my bin"}) is None
    assert path_warning(bin_dir, {**env, "PATH": f"{other}/../my bin/"}) is None
    assert prepend_command(Path('/a"b'), {"SHELL": "/usr/bin/zsh"}) == 'export PATH="/a\\"b:$PATH"'


def test_the_path_line_pasted_into_bash_adds_the_dir_as_written_and_runs_nothing(tmp_path: Path) -> None:
    # A bin dir holding `$(…)` or a backquote printed `export PATH="…/b$(touch x)`id`/bin:$PATH"`
    # (as uv 0.13.9 does), which a paste ran; now `$` and the backquote are escaped.
    import subprocess

    ran = tmp_path / "ran"
    bin_dir = Path(f'{tmp_path}/b$(touch {ran})`touch {ran}` \\ "q" $HOME/bin')
    command = prepend_command(bin_dir, {"SHELL": "/bin/bash"})
    assert command is not None
    done = subprocess.run(["bash", "-c", f'{command}; printf %s "${{PATH%%:*}}"'], capture_output=True,
                          text=True, timeout=HANG_GUARD, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == str(bin_dir), done.stdout
    assert not ran.exists()


def test_install_output_names_links_and_warns_when_bin_dir_is_not_on_path(tmp_path: Path,
                                                                         http_server) -> None:
    from cli_harness import Pytui

    archives = tmp_path / "archives"
    archives.mkdir()
    world = Pytui(tmp_path, http_server, archives)
    made = world.add("3.12.8")
    env = {"PATH": f"/usr/bin{os.pathsep}/bin", "SHELL": "/bin/bash"}
    first = world.run("install", "3.12", **env)
    assert first.returncode == 0, str(first)
    assert f" + {made.build.key} (python3.12)\n" in first.stderr
    assert (f"warning: `{world.bin}` is not on your PATH. To use installed Python executables, "
            f"run `export PATH=\"{world.bin}:$PATH\"`.") in first.stderr
    assert "\x1b" not in first.stderr
    # With the bin dir on PATH, no warning; coloured on request, as uv colours it.
    again = world.run("install", "--reinstall", "--color", "always", "3.12",
                      **{**env, "PATH": f"{world.bin}{os.pathsep}/usr/bin"})
    assert again.returncode == 0, str(again)
    assert "not on your PATH" not in again.stderr
    assert f" \x1b[33m~\x1b[0m \x1b[1m{made.build.key}\x1b[0m (python3.12)" in again.stderr
    gone = world.run("uninstall", "3.12")
    # As uv: the bin link removed is named; the install's files linked from the kept tree stay.
    assert gone.returncode == 0 and f" - {made.build.key} (python3.12)\n" in gone.stderr
    assert " freed; " in gone.stderr and " stay in the cache's kept tree)" in gone.stderr


def test_list_colour_follows_the_same_rules(uv_catalog_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(uv_catalog_path))

    def listing(*argv: str) -> str:
        assert main([*argv, "list", "--show-urls", "--no-support"]) == 0
        return capsys.readouterr().out

    assert "\x1b[" not in listing()  # captured stdout is not a terminal
    assert "\x1b[2mhttps://" in listing("--color", "always")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[2mhttps://" in listing()
    assert "\x1b[" not in listing("--color", "never")


def test_path_warning_in_colour_prints_its_colours_and_escapes_the_directory(tmp_path: Path) -> None:
    # On a colour terminal the warning showed `\x1b[36m…\x1b[0m` as text: the line was escaped
    # after it was painted. The directory (from the environment) is escaped, the colours are not.
    style = Style(True)
    bin_dir = tmp_path / "bin\x1b]52;c;eA==\x07"
    env = {"PATH": "/usr/bin", "SHELL": "/bin/bash", "HOME": str(tmp_path)}
    line = style.warning(path_warning(bin_dir, env, style), painted=True)
    assert "\\x1b[" not in line
    assert f"\x1b[36m{tmp_path}/bin\\x1b]52;c;eA==\\x07\x1b[0m" in line
    assert "\x1b]" not in line and "\x07" not in line
    assert line.count("\x1b[32m") == 1
