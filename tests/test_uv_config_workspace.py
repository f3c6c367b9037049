"""A workspace whose members are not all there (core/uv_workspace.py): uv 0.13.9's discovery
fails without a word and uv reads its configuration from the working directory up, so a
member's own [tool.uv] (or a uv.toml below the root) is read, not the root's. pytui did not
look at the members and read the root's. Each layout runs the real uv beside pytui; the mirror
each shows in a build's URL says which file was read."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_fs import make_nested
from test_uv_config_cli import PBS, _pytui, _uv
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

KEY = "cpython-3.12.8-linux-x86_64-gnu"
ASSET = "20250115/cpython-3.12.8+20250115-x86_64-unknown-linux-gnu-install_only.tar.gz"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _project(name: str, extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "1"\n{extra}'


def _git_ignoring_pycache(ws: Path) -> None:
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    _write(ws / ".gitignore", "__pycache__/\n")
    _write(ws / "packages" / "b" / "__pycache__" / "m.pyc", "x")


def _excluded(ws: Path) -> None:
    _write(ws / "packages" / "b" / "README", "x")
    text = (ws / "pyproject.toml").read_text()
    _write(ws / "pyproject.toml", text.replace('["packages/*"]\n', '["packages/*"]\nexclude = ["packages/b"]\n'))


LAYOUTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "all-there": (lambda ws: None, "root"),
    "a-literal-member-not-there": (lambda ws: _write(ws / "pyproject.toml", (ws / "pyproject.toml")
                                                     .read_text().replace('"packages/*"]', '"packages/*", "gone"]')), "root"),
    "no-pyproject-a-file": (lambda ws: _write(ws / "packages" / "b" / "README", "x"), "member"),
    "no-pyproject-a-file-1100-levels-down": (lambda ws: make_nested(ws / "packages" / "b", 1_100, name="d", file="README"), "member"),
    "no-pyproject-empty": (lambda ws: (ws / "packages" / "b" / "sub").mkdir(parents=True), "root"),
    "no-pyproject-hidden": (lambda ws: _write(ws / "packages" / ".b" / "README", "x"), "root"),
    "only-pycache-outside-git": (lambda ws: _write(ws / "packages" / "b" / "__pycache__" / "m.pyc", "x"),
                                 "member"),
    "only-git-ignored-files": (_git_ignoring_pycache, "root"),
    "no-project-table": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml", "x = 1\n"), "member"),
    "not-toml": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml", "[project\n"), "member"),
    "no-version": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml", '[project]\nname = "b"\n'),
                   "member"),
    "dynamic-version": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml",
                                          '[project]\nname = "b"\ndynamic = ["version"]\n'), "root"),
    "same-name": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml", _project("A")), "member"),
    "nested-workspace": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml",
                                           _project("b", "[tool.uv.workspace]\nmembers = []\n")), "member"),
    "unmanaged": (lambda ws: _write(ws / "packages" / "b" / "pyproject.toml", "[tool.uv]\nmanaged = false\n"),
                  "root"),
    "a-file-not-a-directory": (lambda ws: _write(ws / "packages" / "b", "x"), "root"),
    "excluded": (_excluded, "root"),
    # uv walks the directory with the `ignore` crate, hidden files and `.ignore` files included:
    # a member's own `.ignore` is a file, a `.gitignore` outside git is not read.
    "dot-ignore-inside": (lambda ws: [_write(ws / "packages" / "b" / "x", "x"),
                                      _write(ws / "packages" / "b" / ".ignore", "x\n")], "member"),
    "gitignore-outside-git": (lambda ws: [_write(ws / "packages" / "b" / "x", "x"),
                                          _write(ws / ".gitignore", "x\n")], "member"),
    "only-a-hidden-file": (lambda ws: _write(ws / "packages" / "b" / ".hidden", "x"), "member"),
    # A `.ignore` line that names the member directory itself (`b/`, `/b`) does not pass it over:
    # uv's walk starts inside it, and its start is never matched (config40). A leading space is
    # part of the name. A `.rgignore` is ripgrep's, not read by uv's walk.
    "dot-ignore-naming-the-directory": (lambda ws: [_write(ws / "packages" / "b" / "x", "x"),
                                                    _write(ws / "packages" / ".ignore", "b/\n/b\n")], "member"),
    "dot-ignore-leading-space": (lambda ws: [_write(ws / "packages" / "b" / "x", "x"),
                                             _write(ws / ".ignore", " x\n")], "member"),
    "rgignore": (lambda ws: [_write(ws / "packages" / "b" / "x", "x"), _write(ws / ".rgignore", "x\n")],
                 "member"),
}


def _workspace(pytui: Pytui) -> Path:
    ws = pytui.tmp / "ws"
    base = pytui.server.base_url
    _write(ws / "pyproject.toml", _project("root", '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
                                           f'[tool.uv]\npython-install-mirror = "{base}/root"\n'))
    _write(ws / "packages" / "a" / "pyproject.toml",
           _project("a", f'[tool.uv]\npython-install-mirror = "{base}/member"\n'))
    _write(ws / "src" / "uv.toml", f'python-install-mirror = "{base}/cwd"\n')
    pytui.catalog.write_text(json.dumps({KEY: {
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
        "libc": "gnu", "major": 3, "minor": 12, "patch": 8, "prerelease": "", "variant": None,
        "url": PBS + ASSET, "sha256": None, "build": "20250115"}}))
    return ws


def _mirrors(pytui: Pytui, cwd: Path) -> list[str]:
    shown = []
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "--only-downloads", "--show-urls", "--all-versions", KEY,
                    UV_PYTHON_DOWNLOADS_JSON_URL=str(pytui.catalog))
        assert done.returncode == 0 and done.stdout.strip(), (run.__name__, done.stderr)
        shown.append(done.stdout.split()[-1][len(pytui.server.base_url) + 1:].split("/")[0])
    return shown


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_members_settings_come_from_where_uv_reads_them(pytui: Pytui, layout: str,
                                                         removed_at_end: list[Path]) -> None:
    make, expected = LAYOUTS[layout]
    if layout == "only-git-ignored-files" and shutil.which("git") is None:
        pytest.skip("git is not installed")
    ws = _workspace(pytui)
    removed_at_end.append(ws)  # (one layout is 1,100 levels deep)
    make(ws)
    ours, theirs = _mirrors(pytui, ws / "packages" / "a")
    assert theirs == expected, f"uv 0.13.9 read the {theirs}'s settings"
    assert ours == theirs


@pytest.mark.parametrize(("make", "expected"), [
    (lambda ws: None, "root"),
    (lambda ws: _write(ws / "packages" / "b" / "README", "x"), "cwd"),
    (lambda ws: _write(ws / "pyproject.toml", (ws / "pyproject.toml").read_text().replace(
        '"packages/*"]', '"packages/[a"]')), "cwd"),  # a glob uv cannot read
], ids=["all-there", "member-not-there", "bad-glob"])
def test_below_a_workspace_root_a_missing_member_starts_the_search_here(
        pytui: Pytui, make: Callable[[Path], object], expected: str) -> None:
    """From `ws/src` (no pyproject.toml of its own) uv starts at the workspace root, and its
    `src/uv.toml` is not read, unless a member is missing: then it is."""
    ws = _workspace(pytui)
    make(ws)
    assert _mirrors(pytui, ws / "src") == [expected, expected]


@pytest.mark.parametrize(("own", "looked"), [(False, False), (True, True)], ids=["root-file", "own-file"])
def test_the_members_are_looked_at_only_when_the_answer_depends_on_them(
        pytui: Pytui, monkeypatch: pytest.MonkeyPatch, own: bool, looked: bool) -> None:
    """From a member with no [tool.uv] of its own, the walk finds the root's file, which a
    failed discovery would find too: the members (a TOML parse each, ~20 ms for 50) are not
    read. They were, on every `pytui list` in a workspace member."""
    from pytui.core import uv_config, uv_workspace

    ws = _workspace(pytui)
    if not own:
        _write(ws / "packages" / "a" / "pyproject.toml", _project("a"))
    calls: list[Path] = []

    def counted(root: Path, workspace: dict, project: object, warnings: object = None) -> bool:
        calls.append(root)
        return True

    monkeypatch.setattr(uv_workspace, "members_all_there", counted)
    env = {"HOME": str(pytui.tmp / "home"), "XDG_CONFIG_DIRS": str(pytui.tmp / "xdg")}
    config = uv_config.load(env, ws / "packages" / "a")
    assert config.source("python-install-mirror") == ws / "pyproject.toml"
    assert bool(calls) is looked, calls


@pytest.mark.parametrize(("where", "text", "file"), [
    ("packages/.ignore", "x\n", "x"), (".ignore", "x\n", "x"),
    ("../.ignore", "x\n", "x"),  # above the workspace's root: outside the project, as ~/.ignore is
    (".ignore", "packages/b/x \n", "x"),  # a path, anchored at the .ignore's directory; trailing space
    (".ignore", "*\n", "x"),  # a glob
    (".ignore", "x\n", "sub/x"),  # a plain name at any depth
], ids=["packages", "root", "above-the-root", "anchored-path", "glob", "nested"])
def test_a_dot_ignore_above_a_member_is_uvs_only(pytui: Pytui, where: str, text: str, file: str) -> None:
    """uv 0.13.9 also passes over a member directory (no pyproject.toml) whose files all match
    a `.ignore` file in a directory above it (in git or not, gitignore syntax, up to `/`, the
    project's own directories or not), and reads the root's settings; pytui does not read
    `.ignore` files (docs/uv-compat.md: not even a subset of plain names, config40), so it reads
    the member's. Kept here so that a change on either side is seen."""
    ws = _workspace(pytui)
    _write(ws / "packages" / "b" / file, "x")
    _write(ws / where, text)
    assert _mirrors(pytui, ws / "packages" / "a") == ["member", "root"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_dot_ignore_negation_over_a_gitignore_is_uvs_only(pytui: Pytui) -> None:
    """The other way round (config40): in a git repository whose `.gitignore` names a member
    directory's only file, a `.ignore` line `!x` takes it back for uv (a `.ignore` goes before a
    `.gitignore`), so uv finds a file there, gives up on the workspace and reads the member's
    settings; pytui asks git, which says the file is ignored, and reads the root's."""
    ws = _workspace(pytui)
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    _write(ws / "packages" / "b" / "x", "x")
    _write(ws / ".gitignore", "x\n")
    _write(ws / ".ignore", "!x\n")
    assert _mirrors(pytui, ws / "packages" / "a") == ["root", "member"]
