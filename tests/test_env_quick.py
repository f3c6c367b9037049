"""The quick scan (core/env_quick.py, core/env_quick_state.py): while the last full walk is
younger than the max age, only the known environments and the watched directories (each root
down to two levels, every directory holding an environment or a pin) are checked.

What it must see at once (a new project near the root, a venv made in a known project, a
known environment edited, removed or left without its interpreter), what it must not claim to
have seen (a venv made deep, found by the next full walk), and its file, which is input like
any other.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from envs_helpers import make_venv, settle
from pytui.core import env_quick_state
from pytui.core.env_quick_state import QUICK_FILE
from pytui.core.envs import FULL, QUICK, quick_scan, scan
from pytui.core.sealed import seal, unseal


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    """code/a{0..2}/b{0..2}/c/d, a venv at code/a1/b1/.venv, one deeper at a2/b2/c/.venv and a
    pin in code/a0; the first full scan done."""
    root = tmp_path / "code"
    for a in range(3):
        for b in range(3):
            (root / f"a{a}" / f"b{b}" / "c" / "d").mkdir(parents=True)
    make_venv(root / "a1" / "b1" / ".venv")
    make_venv(root / "a2" / "b2" / "c" / ".venv")
    (root / "a0" / ".python-version").write_text("3.12\n")
    settle()
    first = run(tmp_path, root, mode=FULL)
    assert not first.quick
    return root


def run(tmp_path: Path, root: Path, **options):
    options.setdefault("mode", QUICK)
    return scan(tmp_path / "install", tmp_path / "state", os.environ, roots=[root], installed=[],
                **options)


def found(result) -> dict[str, str]:
    return {str(e.path): e.status for e in result.environments}


def test_a_quick_scan_checks_the_known_environments_only(tmp_path: Path, projects: Path) -> None:
    quick = run(tmp_path, projects)
    full = run(tmp_path, projects, mode=FULL)
    assert quick.quick and not full.quick
    assert found(quick) == found(full)
    assert quick.listed == 0 and quick.reused == 0
    # Watched: the root, a0..a2, the nine a*/b*, and the two directories holding the venvs.
    assert quick.watched == 1 + 3 + 9 + 1
    assert quick.tree_dirs == full.tree_dirs and quick.tree_checked_at <= full.tree_checked_at


def test_a_venv_made_under_a_watched_directory_appears_at_once(tmp_path: Path, projects: Path) -> None:
    make_venv(projects / "a0" / "newproj" / ".venv")                 # a new project, level 2
    make_venv(projects / "a2" / "b2" / "c" / "d" / "tools" / ".venv")  # under nothing watched
    make_venv(projects / "a1" / "b1" / "venv2")                      # beside a known venv
    quick = run(tmp_path, projects)
    assert quick.quick
    assert str(projects / "a0" / "newproj" / ".venv") in found(quick)
    assert str(projects / "a1" / "b1" / "venv2") in found(quick)
    assert str(projects / "a2" / "b2" / "c" / "d" / "tools" / ".venv") not in found(quick)
    # The new project is watched from now on: a venv made in it later is seen too.
    settle()
    make_venv(projects / "a0" / "newproj" / "other")
    assert str(projects / "a0" / "newproj" / "other") in found(run(tmp_path, projects))


def test_a_venv_made_deep_appears_after_the_max_age_or_a_full_scan(tmp_path: Path, projects: Path) -> None:
    deep = projects / "a2" / "b0" / "c" / "d" / "e" / ".venv"
    make_venv(deep)
    assert str(deep) not in found(run(tmp_path, projects))
    # The last full walk is older than the max age (a clock moved on, not a wait): a full one.
    later = time.time() + 601
    old = run(tmp_path, projects, clock=lambda: later)
    assert not old.quick and str(deep) in found(old)
    make_venv(projects / "a2" / "b1" / "c" / "d" / ".venv")
    assert str(projects / "a2" / "b1" / "c" / "d" / ".venv") in found(run(tmp_path, projects, mode=FULL))
    # A max age of 0: never quick.
    assert not run(tmp_path, projects, max_age=0).quick
    # And after a full scan the quick one knows what it found.
    assert str(deep) in found(run(tmp_path, projects))


def test_known_environments_are_checked_again(tmp_path: Path, projects: Path) -> None:
    venv = projects / "a1" / "b1" / ".venv"
    # pyvenv.cfg edited in place: read again (its interpreter is gone: broken).
    (venv / "pyvenv.cfg").write_text("home = /nonexistent/bin\n")
    assert found(run(tmp_path, projects))[str(venv)] == "broken"
    # Its interpreter back: resolved again on every quick scan, no file changed.
    fake_bin = tmp_path / "fakebin"
    fake_bin.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = {fake_bin}\n")
    assert found(run(tmp_path, projects))[str(venv)] == "broken"
    (fake_bin / "python3").write_text("#!/bin/sh\n")
    assert found(run(tmp_path, projects))[str(venv)] == "ok"
    (fake_bin / "python3").unlink()
    assert found(run(tmp_path, projects))[str(venv)] == "broken"
    # Removed, deep ones included: gone.
    shutil.rmtree(venv)
    shutil.rmtree(projects / "a2" / "b2" / "c" / ".venv")
    quick = run(tmp_path, projects)
    assert quick.quick and set(found(quick)) == {str(projects / "a0" / ".python-version")}


def test_a_pin_is_read_again_when_it_changes(tmp_path: Path, projects: Path) -> None:
    pin = projects / "a0" / ".python-version"
    pin.write_text("3.13\n")
    quick = run(tmp_path, projects)
    assert {e.request for e in quick.environments if e.kind == "pin"} == {"3.13"}
    pin.unlink()
    assert not [e for e in run(tmp_path, projects).environments if e.kind == "pin"]
    (projects / "a1" / "b1" / ".python-version").write_text("3.11\n")  # in a watched project
    assert {e.request for e in run(tmp_path, projects).environments if e.kind == "pin"} == {"3.11"}


def test_a_watched_directory_swapped_for_a_symlink_is_not_followed(tmp_path: Path, projects: Path) -> None:
    outside = tmp_path / "outside"
    make_venv(outside / "b1" / ".venv")
    shutil.rmtree(projects / "a1")
    (projects / "a1").symlink_to(outside)
    quick = run(tmp_path, projects)
    assert quick.quick
    assert not any("outside" in path or "/a1/" in path for path in found(quick))


def test_a_partial_full_scan_leaves_no_quick_scan(tmp_path: Path, projects: Path) -> None:
    (projects / "a0" / "b0" / "c" / "d" / "new").mkdir()
    partial = run(tmp_path, projects, mode=FULL, budget=1e-9)
    assert partial.partial
    assert not (tmp_path / "state" / QUICK_FILE).exists()
    assert quick_scan(tmp_path / "install", tmp_path / "state", os.environ, roots=[projects],
                      installed=[]) is None
    again = run(tmp_path, projects)
    assert not again.quick and not again.partial
    assert run(tmp_path, projects).quick


def test_a_quick_scan_stopped_by_its_budget_says_so_and_the_next_one_continues(
        tmp_path: Path, projects: Path) -> None:
    for i in range(600):
        (projects / "a0" / "new" / f"d{i:03}").mkdir(parents=True)
    make_venv(projects / "a0" / "new" / "d599" / ".venv")
    stopped = run(tmp_path, projects, budget=1e-9)
    assert stopped.quick and stopped.partial and "time budget" in (stopped.reason or "")
    assert str(projects / "a0" / "new" / "d599" / ".venv") not in found(stopped)
    assert set(found(stopped)) >= {str(projects / "a1" / "b1" / ".venv")}  # the known ones stay
    again = run(tmp_path, projects)
    assert again.quick and not again.partial
    assert str(projects / "a0" / "new" / "d599" / ".venv") in found(again)


def test_a_quick_scan_is_used_only_with_the_settings_it_was_made_with(tmp_path: Path, projects: Path) -> None:
    assert not run(tmp_path, projects / "a1").quick            # another root
    assert not run(tmp_path, projects, max_depth=3).quick      # another depth
    (tmp_path / "cache").mkdir()
    assert not scan(tmp_path / "install", tmp_path / "state", os.environ, roots=[projects],
                    installed=[], mode=QUICK, extra_skip=[tmp_path / "cache"]).quick


def test_an_unchanged_quick_scan_does_not_rewrite_its_file(tmp_path: Path, projects: Path) -> None:
    run(tmp_path, projects)
    path = tmp_path / "state" / QUICK_FILE
    before = path.stat()
    assert run(tmp_path, projects).quick
    after = path.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


# -- the quick file, hostile ---------------------------------------------------------------------


def _edit(change: Callable[[dict], None]) -> Callable[[bytes], bytes]:
    # As a forger who knows the format would (the CRC line made again), so that what is
    # checked is each value, not the CRC (tests/test_env_quick_hostile.py flips bits).
    def damage(data: bytes) -> bytes:
        raw = json.loads(unseal(data) or b"")
        change(raw)
        return seal(json.dumps(raw).encode())
    return damage


def _first_root(raw: dict) -> dict:
    return raw["roots"][0]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda d: b"",
    "truncated": lambda d: d[:len(d) // 2],
    "not JSON": lambda d: b"\xff\xfe nope",
    "nested 100,000 deep": lambda d: b"[" * 100_000,
    "another format": _edit(lambda r: r.update(format="pytui-envs-quick-0")),
    "an unknown field": _edit(lambda r: r.update(extra=1)),
    "a time given as text": _edit(lambda r: r.update(full_at="1700000000")),
    "a time that is not finite": _edit(lambda r: r.update(full_at=float("inf"))),
    "a depth out of range": _edit(lambda r: r.update(depth=1000)),
    "a count that is a bool": _edit(lambda r: r.update(dirs=True)),
    "a relative root": _edit(lambda r: _first_root(r).update(root="code")),
    "a watched path with ..": _edit(lambda r: _first_root(r)["watched"].append(["a0/../../etc", 1, 1, 1, 0, []])),
    "an absolute watched path": _edit(lambda r: _first_root(r)["watched"].append(["/etc", 1, 1, 1, 0, []])),
    "a watched path deeper than the walk": _edit(lambda r: _first_root(r)["watched"].append(
        ["/".join("abcdefgh"), 1, 1, 1, 0, []])),
    "a skipped name": _edit(lambda r: _first_root(r)["watched"].append(["a0/node_modules", 1, 1, 1, 0, []])),
    "a name with a slash": _edit(lambda r: _first_root(r)["watched"][0][5].append("x/y")),
    "an unknown flag": _edit(lambda r: _first_root(r)["watched"][0].__setitem__(4, 99)),
    "a venv outside the watched directories": _edit(lambda r: _first_root(r)["venvs"].append(
        ["a0/b0/c/d/.venv", [1, 2, 3, 4], {}])),
    "a venv path leaving the root": _edit(lambda r: _first_root(r)["venvs"].append(["../x", [1, 2, 3, 4], {}])),
    "a pyvenv.cfg reading of the wrong type": _edit(lambda r: _first_root(r)["venvs"][0].__setitem__(
        2, {"home": 5})),
    "a file identity of the wrong length": _edit(lambda r: _first_root(r)["venvs"][0].__setitem__(1, [1, 2])),
    "a pin text too long": _edit(lambda r: _first_root(r)["pins"][0].__setitem__(2, "3" * 500)),
    "a relative tool environment": _edit(lambda r: r["tools"].append(["tools/x", [1, 2, 3, 4], {}])),
    "a root that is not watched": _edit(lambda r: _first_root(r).update(watched=[])),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_bad_quick_file_is_refused_in_one_line_and_rebuilt(tmp_path: Path, projects: Path,
                                                            damage: Callable[[bytes], bytes]) -> None:
    good = run(tmp_path, projects)
    path = tmp_path / "state" / QUICK_FILE
    path.write_bytes(damage(path.read_bytes()))
    again = run(tmp_path, projects)
    assert not again.quick and found(again) == found(good)
    assert len(again.warnings) == 1
    warning = again.warnings[0]
    assert warning.startswith(f"ignored {path}: ") and "the whole tree is checked instead" in warning
    assert "\n" not in warning and len(warning) < 300
    assert run(tmp_path, projects).quick  # ...and a good one was written


def test_a_quick_file_past_its_size_bound_is_not_read(tmp_path: Path, projects: Path) -> None:
    path = tmp_path / "state" / QUICK_FILE
    with open(path, "r+b") as f:
        f.truncate(env_quick_state.QUICK_MAX_BYTES + 1)  # sparse: cheap to make
    again = run(tmp_path, projects)
    assert not again.quick and "larger than 8 MiB" in again.warnings[0]


def test_a_symlinked_quick_file_is_not_followed(tmp_path: Path, projects: Path) -> None:
    path = tmp_path / "state" / QUICK_FILE
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    again = run(tmp_path, projects)
    assert not again.quick and again.warnings == [
        f"ignored {path}: it is a symlink; the whole tree is checked instead"]
    assert not path.is_symlink() and run(tmp_path, projects).quick
    assert json.loads(unseal(elsewhere.read_bytes()) or b"")["format"] == env_quick_state.FORMAT  # left alone


def test_a_last_full_walk_dated_in_the_future_is_not_trusted(tmp_path: Path, projects: Path) -> None:
    path = tmp_path / "state" / QUICK_FILE
    raw = json.loads(unseal(path.read_bytes()) or b"")
    raw["full_at"] = time.time() + 3600
    path.write_bytes(seal(json.dumps(raw).encode()))
    assert not run(tmp_path, projects).quick


def test_a_quick_file_of_the_wrong_kind_is_refused(tmp_path: Path, projects: Path) -> None:
    path = tmp_path / "state" / QUICK_FILE
    path.unlink()
    os.mkfifo(path)  # reading it would block
    again = run(tmp_path, projects)
    assert not again.quick and "not a regular file" in again.warnings[0]


@pytest.mark.parametrize(("text", "seconds"), [
    ("600", 600.0), ("600s", 600.0), ("10m", 600.0), ("10min", 600.0), ("1h", 3600.0),
    ("7d", 604800.0), ("0", 0.0), (" 5 m ", 300.0),
    ("8d", None), ("-1", None), ("1.5m", None), ("soon", None), ("", None), ("9" * 20, None),
    # ASCII digits only, as uv reads numbers: int() would take these.
    ("\uff11\uff10m", None), ("\u0661", None), ("1_0m", None), ("+5m", None), ("5\u3000m", None),
])
def test_scan_max_age_values(text: str, seconds: float | None) -> None:
    from pytui.app.config import parse_age

    assert parse_age(text) == seconds


def test_a_scan_max_age_over_the_maximum_is_named_as_such(tmp_path: Path) -> None:
    from pytui.app.config import read_config

    config = tmp_path / "pytui" / "config.toml"
    config.parent.mkdir()
    config.write_text('scan-max-age = "8d"\n')
    over = read_config({"XDG_CONFIG_HOME": str(tmp_path)})
    assert over.scan_max_age is None
    assert over.warnings == (f"{config}: ignored scan-max-age '8d' on line 1: more than the 7-day maximum",)
    config.write_text('scan-max-age = "soon"\n')
    assert "not a duration" in read_config({"XDG_CONFIG_HOME": str(tmp_path)}).warnings[0]
