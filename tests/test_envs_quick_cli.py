"""`pytui envs` shows a quick scan while the whole tree was checked recently, says so, and
everything that could break an environment checks the whole tree: on real environments
(`python -m venv` from a pytui-installed interpreter, `uv venv` with the real uv).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure
from envs_helpers import UV, InstalledPython, PackedPrefixes, uv_venv, venv

needs_uv = pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")


def envs(pytui: Pytui, *args: str) -> tuple[dict[str, dict], str]:
    result = pytui.run("envs", "--json", *args)
    assert result.returncode == 0, str(result)
    rows = json.loads(result.stdout)
    for row in rows:
        assert list(row)[:5] == ["path", "kind", "key", "link", "status"]
        assert list(row)[-2:] == ["scan", "tree_checked_at"]
    return {row["path"]: row for row in rows}, result.stderr


@pytest.mark.slow
@needs_uv
def test_a_deep_venv_is_missed_by_the_quick_scan_and_found_by_uninstall_at_once(
        pytui: Pytui, packed_prefixes: PackedPrefixes) -> None:
    home = Path(os.environ["HOME"])
    installed = InstalledPython(pytui, packed_prefixes)
    key, mm, python = installed.key, installed.mm, installed.patch_python
    code = home / "code"
    venv(python, code / "proj" / ".venv")
    (code / "org" / "team").mkdir(parents=True)

    first, said = envs(pytui)
    assert set(first) == {str(code / "proj" / ".venv")}
    assert {row["scan"] for row in first.values()} == {"full"}
    assert "1 environment (the whole tree checked: " in said

    # Quick: a venv made by uv in a new project under ~/code (two levels down) appears at once;
    # one made three levels further down does not, and the output says what was checked.
    assert uv_venv(pytui.env(), pytui.tmp, code / "newproj" / ".venv", mm).returncode == 0
    deep = code / "org" / "team" / "deep" / ".venv"
    venv(python, deep)
    quick, said = envs(pytui)
    assert set(quick) == {str(code / "proj" / ".venv"), str(code / "newproj" / ".venv")}
    assert quick[str(code / "newproj" / ".venv")]["link"] == "minor"
    assert {row["scan"] for row in quick.values()} == {"quick"}
    assert "2 environments (quick check: the known environments and " in said
    assert " directories watched for new ones; the whole tree, " in said
    assert " directories, was checked " in said and "; --rescan checks it all now)" in said
    text = pytui.run("envs")
    assert str(deep) not in text.stdout and "quick check" in text.stderr
    # An empty answer on a quick check says what was checked, not "looked in ~".
    none = pytui.run("envs", "3.8")
    assert none.returncode == 0 and none.stdout == ""
    # One line: no "0 environments" line after it saying the same again.
    [line] = none.stderr.splitlines()
    assert line.startswith("No known environment uses 3.8 (quick check: the known environments ")
    assert line.endswith(" ago; --rescan checks it all now)")
    none = pytui.run("envs", "3.8", "--rescan")
    [line] = none.stderr.splitlines()
    assert line.startswith("No environments using 3.8 found (looked in ")
    assert "virtualenvwrapper dirs; the whole tree checked: " in line and line.endswith(" directories)")

    # Uninstall's check walks the whole tree: the deep venv is among those it would break.
    refused = pytui.run("uninstall", mm)
    line = assert_clean_failure(refused)
    assert f"would break 3 environments: {code / 'newproj' / '.venv'}, {deep}, " in line
    assert (pytui.root / key).is_dir()
    # ...and the quick scan knows it from then on; --rescan checks the whole tree.
    again, _said = envs(pytui)
    assert str(deep) in again and {row["scan"] for row in again.values()} == {"quick"}
    rescanned, said = envs(pytui, "--rescan")
    assert set(rescanned) == set(again) and "the whole tree checked" in said


def test_the_max_age_comes_from_the_config_file(pytui: Pytui) -> None:
    from pytui.app.config import config_path

    home = Path(os.environ["HOME"])
    (home / "code" / "p" / ".venv").mkdir(parents=True)
    (home / "code" / "p" / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    envs(pytui)
    _rows, said = envs(pytui)
    assert "quick check" in said
    config = config_path(pytui.env())
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('scan-max-age = "0"\n')
    _rows, said = envs(pytui)
    assert "quick check" not in said and "the whole tree checked" in said
    config.write_text('scan-max-age = "soon"\n')
    _rows, said = envs(pytui)
    assert f"warning: {config}: ignored scan-max-age 'soon' on line 1: not a duration" in said
    assert "quick check" in said  # the default, 10 minutes
