"""An install with no bin link no run meant to make: uv's `--no-bin`, a Python `uv run` or
`uv venv` downloaded, or a uv run killed between its commit and its bin link (uv records
nothing, so the three look the same on disk). `pytui list --only-installed` listed it as any
other and said nothing: now a note on stderr says there is no python3.12 in the bin dir, why
that may be right, and the command that makes it; stdout stays uv's. Against the real uv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui, key_of, minor_of
from fixtures_root import UV

pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")


def _uv(pytui: Pytui, *args: str) -> subprocess.CompletedProcess[str]:
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), HOME=str(pytui.tmp),
                    UV_PYTHON_PREFERENCE="only-managed", UV_NO_PROGRESS="1")
    done = subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("maker", ["pytui", "uv"])
def test_an_install_uv_made_without_its_bin_link_is_noted_with_the_command_that_makes_it(
        pytui: Pytui, maker: str) -> None:
    pytui.add("3.12.8")
    key = key_of("3.12.8")
    _uv(pytui, "python", "install", "--no-bin", "3.12")
    link = pytui.bin / "python3.12"
    assert (pytui.root / key).is_dir() and not os.path.lexists(link)
    listed = pytui.run("list", "--only-installed")
    assert listed.returncode == 0, str(listed)
    [line] = listed.stdout.splitlines()
    assert line.split()[0] == key, listed.stdout
    assert listed.stderr.splitlines() == [
        f"note: {key} has no python3.12 in {pytui.bin} (uv makes none for --no-bin or a Python "
        f"`uv run` downloaded; a uv run killed before its links leaves none); `pytui install {key}` "
        "makes it"], listed.stderr
    # What the note says makes it does; so does uv's own install of a request already installed.
    if maker == "pytui":
        made = pytui.run("install", key)
        assert made.returncode == 0 and f" + {key} (python3.12)" in made.stderr, str(made)
    else:
        _uv(pytui, "python", "install", "3.12")
    assert os.path.realpath(link) == str(pytui.root / key / "bin" / "python3.12")
    again = pytui.run("list", "--only-installed")
    assert again.returncode == 0 and again.stdout == listed.stdout and again.stderr == "", str(again)


def test_the_notes_are_bounded(pytui: Pytui) -> None:
    for version in ("3.10.16", "3.11.11", "3.12.8", "3.13.1"):
        pytui.add(version)
    pytui.call("install", "--no-bin", "3.10", "3.11", "3.12", "3.13")
    listed = pytui.run("list", "--only-installed")
    lines = listed.stderr.splitlines()
    assert len(lines) == 4 and lines[-1] == "note: and 1 more like these (the terminal UI's Details names each)", lines
    assert all(" has no python3." in line for line in lines[:3]), lines


def _links_left_on_older_patch(pytui: Pytui, left: str) -> tuple[str, str, Path, Path]:
    """3.12.7 installed by uv with its links, 3.12.8 with --no-bin: python3.12 still runs
    3.12.7, and with `left` "minor-version link" that link too (as a uv run killed before its
    links leaves it). (old key, new key, the bin link, the minor-version link)."""
    pytui.add("3.12.7")
    pytui.add("3.12.8")
    old, new = key_of("3.12.7"), key_of("3.12.8")
    _uv(pytui, "python", "install", "3.12.7")
    _uv(pytui, "python", "install", "--no-bin", "3.12.8")
    link, minor = pytui.bin / "python3.12", pytui.root / minor_of("3.12.8")
    if left == "minor-version link":
        minor.unlink()
        minor.symlink_to(pytui.root / old)
        link.unlink()
        link.symlink_to(minor / "bin" / "python3.12")
    return old, new, link, minor


@pytest.mark.parametrize("maker", ["pytui", "uv"])
@pytest.mark.parametrize("left", ["bin link", "minor-version link"])
def test_links_into_an_older_patch_of_the_newest_install_are_noted_and_repointed(
        pytui: Pytui, maker: str, left: str) -> None:
    """uv links a patch request to that patch (`python3.12 -> cpython-3.12.7/bin/python3.12`);
    3.12.8 installed with --no-bin leaves it there, and a uv run killed between its commit and
    its links leaves the minor-version link at 3.12.7 too. `uv python install 3.12.8` then
    re-points both; `pytui install 3.12.8` said "already installed" and left them."""
    old, new, link, minor = _links_left_on_older_patch(pytui, left)
    assert os.path.realpath(link) == str(pytui.root / old / "bin" / "python3.12")
    listed = pytui.run("list", "--only-installed")
    said = ("python3.12 runs " + old if left == "bin link"
            else f"{minor.name} runs {old}, python3.12 runs {old}")
    them = "it" if left == "bin link" else "them"
    assert listed.stderr.splitlines() == [
        f"note: {new} is the newest patch installed, but {said}; `pytui install {new}` points "
        f"{them} at it, as uv's does"], listed.stderr
    if maker == "pytui":
        made = pytui.run("install", new)
        assert made.returncode == 0, str(made)
        if left == "bin link":  # (through the minor-version link, python3.12 follows it)
            assert f" + {new} (python3.12)" in made.stderr.splitlines(), made.stderr
    else:
        _uv(pytui, "python", "install", new)
    assert os.path.realpath(link) == str(pytui.root / new / "bin" / "python3.12")
    assert os.path.realpath(minor) == str(pytui.root / new)
    assert pytui.run("list", "--only-installed").stderr == ""


def test_only_the_newest_patch_is_noted_for_a_bin_link_no_run_made(pytui: Pytui) -> None:
    """3.12.7 and 3.12.8 installed with --no-bin (by uv): both were noted `has no python3.12 …;
    pytui install KEY makes it`, and the older one's command points python3.12 at 3.12.7 (as
    uv's does), which the newest's `python3.12 runs cpython-3.12.7…` note then undoes. The
    name is the newest patch's: it alone is noted."""
    pytui.add("3.12.7")
    pytui.add("3.12.8")
    new = key_of("3.12.8")
    _uv(pytui, "python", "install", "--no-bin", "3.12.7", "3.12.8")
    assert not os.path.lexists(pytui.bin / "python3.12")
    listed = pytui.run("list", "--only-installed")
    assert listed.returncode == 0, str(listed)
    assert listed.stderr.splitlines() == [
        f"note: {new} has no python3.12 in {pytui.bin} (uv makes none for --no-bin or a Python "
        f"`uv run` downloaded; a uv run killed before its links leaves none); `pytui install {new}` "
        "makes it"], listed.stderr
    # The TUI's Details say the same: the older patch's install has no `bin` line.
    from pytui.app.gateway import UNLINKED, CoreGateway
    from pytui.core.settings import Settings

    settings = Settings.resolve(env=pytui.env())
    marked = {i.key: i.extra.get(UNLINKED) for i in CoreGateway().list_installed(settings)}
    assert marked == {new: "python3.12", key_of("3.12.7"): None}, marked


@pytest.mark.parametrize("maker", ["pytui", "uv"])
@pytest.mark.parametrize("request_text", ["3.12", ""], ids=["minor", "none"])
@pytest.mark.parametrize("left", ["bin link", "minor-version link"])
def test_a_minor_request_already_installed_repoints_links_behind_as_uv_does(
        pytui: Pytui, maker: str, request_text: str, left: str) -> None:
    """The last session's note said `uv python install 3.12` "seemed not to" re-point links
    behind the newest patch (only the patch request above was checked). It does (uv 0.13.9):
    with 3.12.8 installed by `--no-bin` and python3.12 (or the minor-version link too) still
    on 3.12.7, `uv python install 3.12` (or no request) points both at 3.12.8 without
    reinstalling it, and says `Installed Python 3.12.8 … + key (python3.12)`; `pytui install`
    re-points the same links and says it found the request installed and what it re-pointed
    (nothing was installed). Run again, both say it is installed and change nothing."""
    old, new, link, minor = _links_left_on_older_patch(pytui, left)
    tree = os.stat(pytui.root / new).st_ino
    args = [request_text] if request_text else []
    if maker == "pytui":
        made = pytui.run("install", *args)
        assert made.returncode == 0, str(made)
        said = made.stderr.splitlines()
        assert said[0].startswith(f"Python {request_text + ' ' if request_text else ''}is already "
                                  f"installed ({new})"), said
        assert said[-1].startswith(f"{new}: ") and "re-pointed to it (it ran " + old in said[-1], said
    else:
        said = _uv(pytui, "python", "install", *args).stderr.splitlines()
        assert said[:2] == [said[0], f" + {new} (python3.12)"] and \
            said[0].startswith("Installed Python 3.12.8 in "), said
    assert os.readlink(link) == str(minor / "bin" / "python3.12")  # through the link, both
    assert os.path.realpath(minor) == str(pytui.root / new)
    assert os.stat(pytui.root / new).st_ino == tree  # re-pointed, not reinstalled
    links = (os.readlink(link), os.readlink(minor))
    if maker == "pytui":
        again = pytui.run("install", *args)
        assert again.returncode == 0 and len(again.stderr.splitlines()) == 1, str(again)
    else:
        again_said = _uv(pytui, "python", "install", *args).stderr
        assert again_said.startswith("Python ") and "is already installed" in again_said, again_said
    assert (os.readlink(link), os.readlink(minor)) == links
