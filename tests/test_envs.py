"""`pytui envs` on real environments in a private HOME, and uninstall's safety check.

A real interpreter (this one's prefix, packed in the PBS layout and installed through the loopback
server) gets environments made the ways people make them: `python -m venv` from the patch dir
and from the minor-version link, `uv venv -p 3.x` with the real uv, uv tool / pipx /
virtualenvwrapper layouts, a broken one, `.python-version` pins, and noise around them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, drop_dac_override, minor_of
from envs_helpers import UV, InstalledPython, PackedPrefixes, settle, uv_venv, venv

needs_uv = pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")


def envs_json(pytui: Pytui, *args: str, **env: str) -> dict[str, dict]:
    result = pytui.run("envs", "--json", *args, **env)
    assert result.returncode == 0, str(result)
    rows = json.loads(result.stdout)
    for row in rows:
        assert list(row)[:5] == ["path", "kind", "key", "link", "status"]
        assert os.path.isabs(row["path"])
    return {row["path"]: row for row in rows}


@pytest.mark.slow
@needs_uv
def test_envs_finds_each_kind_with_key_link_and_status(pytui: Pytui, packed_prefixes: PackedPrefixes) -> None:
    home = Path(os.environ["HOME"])
    python = InstalledPython(pytui, packed_prefixes)
    made, key, mm = python.made, python.key, python.mm
    patch_python, minor_python = python.patch_python, python.minor_python

    code = home / "code"
    venv(patch_python, code / "pinned" / ".venv")
    venv(minor_python, code / "follows" / ".venv")
    made_by_uv = uv_venv(pytui.env(), pytui.tmp, code / "uvproj" / ".venv", mm)
    assert made_by_uv.returncode == 0, made_by_uv.stderr
    # uv tool, pipx and virtualenvwrapper layouts, in their default places.
    tools = home / ".local" / "share" / "uv" / "tools"
    assert uv_venv(pytui.env(), pytui.tmp, tools / "ruff", mm).returncode == 0
    (tools / "ruff" / "uv-receipt.toml").write_text('[tool]\nrequirements = ["ruff"]\n')
    venv(minor_python, home / ".local" / "share" / "pipx" / "venvs" / "httpie")
    venv(patch_python, home / ".virtualenvs" / "work")
    # External: made from the running interpreter, outside the root.
    venv(Path(sys.base_prefix) / "bin" / f"python{mm}", code / "outside" / "env")
    # Broken: a venv whose interpreter goes away.
    venv(patch_python, code / "broken" / ".venv")
    cfg = code / "broken" / ".venv" / "pyvenv.cfg"
    # A patch that does not exist (not .0: on Python 3.x.0 that is the real install).
    gone = pytui.root / key.replace(made.build.version, f"{mm}.99")
    cfg.write_text(cfg.read_text().replace(str(pytui.root / key), str(gone)))
    # Pins.
    (code / "pinned" / ".python-version").write_text(f"# the project's Python\n{mm}\n")
    (code / "unsatisfied").mkdir()
    (code / "unsatisfied" / ".python-version").write_text("3.9\n")
    # Noise: too deep, a symlink loop, a symlink out of the tree, a venv behind a symlink.
    deep = code.joinpath(*[f"d{i}" for i in range(8)])
    venv(patch_python, deep / ".venv")
    (code / "loop").mkdir()
    (code / "loop" / "again").symlink_to(code)
    (code / "elsewhere").symlink_to(pytui.tmp / "archives")
    (pytui.tmp / "outside-home").mkdir()
    venv(patch_python, pytui.tmp / "outside-home" / ".venv")
    (code / "linked-venv").symlink_to(pytui.tmp / "outside-home")

    rows = envs_json(pytui)
    expect = {
        code / "pinned" / ".venv": ("venv", key, "patch", "ok"),
        code / "follows" / ".venv": ("venv", key, "minor", "ok"),
        code / "uvproj" / ".venv": ("venv", key, "minor", "ok"),
        tools / "ruff": ("uv-tool", key, "minor", "ok"),
        home / ".local" / "share" / "pipx" / "venvs" / "httpie": ("pipx", key, "minor", "ok"),
        home / ".virtualenvs" / "work": ("virtualenvwrapper", key, "patch", "ok"),
        code / "outside" / "env": ("venv", None, "external", "ok"),
        code / "broken" / ".venv": ("venv", None, "patch", "broken"),
        code / "pinned" / ".python-version": ("pin", key, None, "ok"),
        code / "unsatisfied" / ".python-version": ("pin", None, None, "ok"),
    }
    got = {Path(p): (r["kind"], r["key"], r["link"], r["status"]) for p, r in rows.items()}
    assert got == expect
    assert rows[str(code / "broken" / ".venv")]["wanted"] == gone.name
    assert rows[str(code / "unsatisfied" / ".python-version")]["request"] == "3.9"

    text = pytui.run("envs")
    assert text.returncode == 0, str(text)
    line = {ln.split()[0]: ln for ln in text.stdout.splitlines()}
    assert f"follows {mm}" in line[str(code / "uvproj" / ".venv")]
    assert f"pinned to {made.build.version}" in line[str(code / "pinned" / ".venv")]
    assert "missing" in line[str(code / "broken" / ".venv")] and gone.name in line[str(code / "broken" / ".venv")]
    assert "external" in line[str(code / "outside" / "env")]
    # The Key column says what each keyless one is, as the TUI's does: `missing` only for a
    # managed Python that is gone (an outside one said `missing` too, beside `ok` rows).
    keys = {path: line[str(path)].split()[2] for path in (code / "outside" / "env", code / "broken" / ".venv",
                                                         code / "unsatisfied" / ".python-version")}
    assert keys == {code / "outside" / "env": "outside", code / "broken" / ".venv": "missing",
                    code / "unsatisfied" / ".python-version": "none"}, keys
    # The last line counts the broken ones, as the TUI's Environments view does (it said only
    # `N environments`, under rows whose Key column said `missing`).
    broken = sum(1 for v in expect.values() if v[3] == "broken")
    assert broken == 1 and f" environments, {broken} broken (" in text.stderr.splitlines()[-1], \
        text.stderr

    # A request filters by the install used (the broken one wanted a 3.x.99 that matches too).
    assert set(envs_json(pytui, mm)) == {str(p) for p, v in expect.items() if v[1] == key} | {
        str(code / "broken" / ".venv")}
    assert envs_json(pytui, "3.9") == {}
    # --scan replaces the default roots; tool dirs are always looked at.
    only = envs_json(pytui, "--scan", str(code / "follows"))
    assert set(only) == {str(code / "follows" / ".venv"), str(tools / "ruff"),
                         str(home / ".local" / "share" / "pipx" / "venvs" / "httpie"),
                         str(home / ".virtualenvs" / "work")}
    # PYTUI_SCAN_PATHS, and the environment variables for the tool dirs.
    moved = pytui.tmp / "tools"
    tools.rename(moved)
    rows = envs_json(pytui, PYTUI_SCAN_PATHS=f"{code / 'uvproj'}:relative", UV_TOOL_DIR=str(moved))
    assert {Path(p) for p, r in rows.items() if r["kind"] in ("venv", "uv-tool")} == {
        code / "uvproj" / ".venv", moved / "ruff"}


def test_second_scan_reuses_the_walk_and_sees_changes(tmp_path: Path) -> None:
    from pytui.core.envs import scan

    home = Path(os.environ["HOME"])
    for i in range(30):
        (home / "p" / f"d{i}" / "sub").mkdir(parents=True)
    (home / "p" / "d3" / ".venv").mkdir()
    (home / "p" / "d3" / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    root, state = tmp_path / "root", tmp_path / "state"
    settle()
    first = scan(root, state, os.environ, roots=[home])
    assert [str(e.path) for e in first.environments] == [str(home / "p" / "d3" / ".venv")]
    assert first.reused == 0 and first.listed > 60
    second = scan(root, state, os.environ, roots=[home])
    assert second.listed == 0 and second.reused == first.listed
    assert second.environments == first.environments
    # A new venv deep inside: only its parent is listed again.
    (home / "p" / "d7" / "sub" / "env").mkdir()
    (home / "p" / "d7" / "sub" / "env" / "pyvenv.cfg").write_text("home = /nonexistent/bin\n")
    third = scan(root, state, os.environ, roots=[home])
    assert third.listed == 2  # d7/sub and the new env
    assert {e.path.name: e.status for e in third.environments} == {".venv": "ok", "env": "broken"}
    # pyvenv.cfg rewritten in place (no directory changes): re-read.
    (home / "p" / "d3" / ".venv" / "pyvenv.cfg").write_text("home = /elsewhere/bin\n")
    assert {e.path.name: e.status for e in scan(root, state, os.environ, roots=[home]).environments} == {
        ".venv": "broken", "env": "broken"}


def test_time_budget_makes_a_partial_scan_that_the_next_one_continues(tmp_path: Path) -> None:
    from pytui.core.envs import scan

    home = Path(os.environ["HOME"])
    for i in range(600):
        (home / f"d{i:03}").mkdir()
    (home / "d599" / "v").mkdir()
    (home / "d599" / "v" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    partial = scan(tmp_path / "r", tmp_path / "s", os.environ, roots=[home], budget=1e-9)
    assert partial.partial and "time budget" in (partial.reason or "")
    assert partial.environments == []
    done = scan(tmp_path / "r", tmp_path / "s", os.environ, roots=[home])
    assert not done.partial and [e.path.name for e in done.environments] == ["v"]


def test_partial_and_bad_scan_paths_are_said_in_one_line_each(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    for i in range(600):
        (home / f"d{i:03}").mkdir()
    result = pytui.run("envs", PYTUI_SCAN_BUDGET="0.000001")
    assert result.returncode == 0, str(result)
    assert "warning: the scan is partial: stopped after the 1e-06 s time budget" in result.stderr
    missing = pytui.run("envs", "--scan", str(home / "nope"))
    assert f"warning: scan path {home / 'nope'} is not a directory; skipped" in missing.stderr


def test_an_unreadable_directory_is_named_and_skipped(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    (home / "ok" / ".venv").mkdir(parents=True)
    (home / "ok" / ".venv" / "pyvenv.cfg").write_text(f"home = {Path(sys.base_prefix) / 'bin'}\n")
    (home / "secret" / ".venv").mkdir(parents=True)
    (home / "secret" / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    os.chmod(home / "secret", 0)
    try:
        argv = pytui.argv("envs", "--json")
        if os.geteuid() == 0:
            try:
                done = subprocess.run(argv, env=pytui.env(), capture_output=True, text=True, timeout=60,
                                      preexec_fn=drop_dac_override)
            except subprocess.SubprocessError as err:
                pytest.skip(f"cannot drop CAP_DAC_OVERRIDE as root here: {err}")
        else:
            done = subprocess.run(argv, env=pytui.env(), capture_output=True, text=True, timeout=60)
        if done.returncode == 0 and str(home / "secret" / ".venv") in done.stdout:
            pytest.skip("directory permissions are not enforced for this process")
        assert done.returncode == 0, done.stderr
        assert [row["path"] for row in json.loads(done.stdout)] == [str(home / "ok" / ".venv")]
        assert f"warning: could not read 1 directory ({home / 'secret'})" in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        os.chmod(home / "secret", 0o755)


# -- uninstall safety ---------------------------------------------------------------------------------


def _fake_venv(path: Path, home: Path) -> None:
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.12.8\n")


def test_uninstall_refuses_when_an_environment_would_break_and_force_removes(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    old, new = pytui.add("3.12.7"), pytui.add("3.12.8")
    pytui.call("install", "3.12.7", "3.12.8")
    for i in range(5):
        _fake_venv(home / f"p{i}" / ".venv", pytui.root / old.build.key / "bin")
    _fake_venv(home / "follower" / ".venv", pytui.root / minor_of("3.12.8") / "bin")
    before = pytui.state()
    refused = pytui.run("uninstall", "3.12.7")
    line = assert_clean_failure(refused)
    assert f"uninstalling {old.build.key} would break 5 environments: " in line
    assert f"{home / 'p0' / '.venv'}, {home / 'p1' / '.venv'}, {home / 'p2' / '.venv'} and 2 more" in line
    assert "--force" in line and "nothing was removed" in line
    assert pytui.state() == before
    # The follower alone would not break when 3.12.8 goes: the link moves to 3.12.7.
    ok = pytui.run("uninstall", "3.12.8")
    assert ok.returncode == 0, str(ok)
    assert os.readlink(pytui.root / minor_of("3.12.8")) == str(pytui.root / old.build.key)
    rows = envs_json(pytui)
    assert rows[str(home / "follower" / ".venv")]["key"] == old.build.key
    assert rows[str(home / "follower" / ".venv")]["status"] == "ok"
    # Now the follower would break too (no other 3.12 left); --force removes anyway.
    refused = pytui.run("uninstall", "3.12")
    assert "would break 6 environments" in assert_clean_failure(refused)
    forced = pytui.run("uninstall", "--force", "3.12")
    assert forced.returncode == 0, str(forced)
    assert "warning: uninstalling" in forced.stderr and f" - {old.build.key}" in forced.stderr
    rows = envs_json(pytui)
    assert {r["status"] for r in rows.values()} == {"broken"}
    assert rows[str(home / "p0" / ".venv")]["wanted"] == old.build.key
    assert rows[str(home / "follower" / ".venv")]["wanted"] == minor_of("3.12.8")
    del new


def test_uninstall_notes_pins_that_will_need_a_download(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    (home / "proj").mkdir()
    (home / "proj" / ".python-version").write_text("3.12\n")
    removed = pytui.run("uninstall", "3.12")
    assert removed.returncode == 0, str(removed)
    assert f"note: 1 project pin will need another install (uv would download one): " \
           f"{home / 'proj' / '.python-version'}" in removed.stderr


def test_fifos_and_devices_where_files_belong_do_not_block_the_scan(tmp_path: Path) -> None:
    from pytui.core.envs import STATE_FILE, scan

    home = Path(os.environ["HOME"])
    (home / "a" / ".venv").mkdir(parents=True)
    os.mkfifo(home / "a" / ".venv" / "pyvenv.cfg")
    (home / "b").mkdir()
    os.mkfifo(home / "b" / ".python-version")
    (home / "c" / ".venv").mkdir(parents=True)
    (home / "c" / ".venv" / "pyvenv.cfg").symlink_to("/dev/zero")
    (home / "d" / ".venv").mkdir(parents=True)
    (home / "d" / ".venv" / "pyvenv.cfg").write_bytes(b"home = /nowhere-pytui\x00/x\nexecutable = /usr/bin/py\x00\n")
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / STATE_FILE)
    result = scan(tmp_path / "root", state, os.environ, roots=[home])
    assert {(str(e.path.relative_to(home)), e.status) for e in result.environments} == {
        ("a/.venv", "broken"), ("b/.python-version", "broken"), ("c/.venv", "broken"), ("d/.venv", "broken")}


def test_the_refusal_names_commands_listing_what_would_break(pytui: Pytui) -> None:
    """Both an environment pinned to the patch and one following the minor link break; the
    `pytui envs KEY` the refusal names lists exactly those two. A dry run with --force says
    "would break"."""
    home = Path(os.environ["HOME"])
    old = pytui.add("3.11.7")
    pytui.call("install", "3.11.7")
    _fake_venv(home / "app" / ".venv", pytui.root / old.build.key / "bin")
    _fake_venv(home / "follow" / ".venv", pytui.root / minor_of("3.11.7") / "bin")
    _fake_venv(home / "other" / ".venv", home / "elsewhere" / "bin")  # external: not listed
    line = assert_clean_failure(pytui.run("uninstall", "3.11"))
    assert "would break 2 environments" in line
    command = line.split("see `", 1)[1].split("`", 1)[0]
    assert command == f"pytui envs {old.build.key}"
    listed = envs_json(pytui, *command.split()[2:])
    assert set(listed) == {str(home / "app" / ".venv"), str(home / "follow" / ".venv")}
    dry = pytui.run("uninstall", "3.11.7", "--force", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f"warning: uninstalling {old.build.key} would break 2 environments (--force)" \
        in dry.stderr
    assert (pytui.root / old.build.key).is_dir()


def test_the_refusal_names_one_envs_command_per_install() -> None:
    from pytui.app.uninstall_safety import see_envs

    assert see_envs(["a"]) == "`pytui envs a`"
    assert see_envs(["a", "b"]) == "`pytui envs a` and `pytui envs b`"
    assert see_envs(list("abcde")).endswith("`pytui envs c` and 2 more keys")
