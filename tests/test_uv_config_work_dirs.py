"""uv's global `--directory` (UV_WORKING_DIR) and `--project` (UV_PROJECT), which `uv python
install` and `uv python list` take (app/work_dirs.py): the same command lines run pytui and the
real uv 0.13.9 from another directory; the mirror each shows in a build's URL says which
configuration file was read, and a version file's request which one was. pytui had neither
option (`pytui list --project P` was a usage error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_archives import write_uv_catalog
from test_uv_config_cli import PBS, _pytui, _uv
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

KEY = "cpython-3.12.8-linux-x86_64-gnu"
ASSET = "20250115/cpython-3.12.8+20250115-x86_64-unknown-linux-gnu-install_only.tar.gz"


def _scene(pytui: Pytui) -> tuple[Path, Path]:
    """`elsewhere` (the working directory, its own uv.toml) and `proj` (another uv.toml)."""
    base = pytui.server.base_url
    elsewhere, project = pytui.tmp / "elsewhere", pytui.tmp / "proj"
    for directory in (elsewhere, project / "sub"):
        directory.mkdir(parents=True)
    (elsewhere / "uv.toml").write_text(f'python-install-mirror = "{base}/elsewhere"\n')
    (project / "uv.toml").write_text(f'python-install-mirror = "{base}/proj"\n')
    (project / "catalog.json").write_text(json.dumps({KEY: {
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
        "libc": "gnu", "major": 3, "minor": 12, "patch": 8, "prerelease": "", "variant": None,
        "url": PBS + ASSET, "sha256": None, "build": "20250115"}}))
    return elsewhere, project


def _mirrors(pytui: Pytui, cwd: Path, *options: str, **env: str) -> list[str]:
    shown = []
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", *options, "--only-downloads", "--show-urls", KEY, **env)
        assert done.returncode == 0, (run.__name__, done.stderr)
        shown.append(done.stdout.split()[-1][len(pytui.server.base_url) + 1:].split("/")[0])
    return shown


@pytest.mark.parametrize(("options", "env"), [
    (("--project", "../proj/sub"), {}),
    ((), {"UV_PROJECT": "../proj/sub"}),
    (("--directory", "../proj/sub"), {}),
    ((), {"UV_WORKING_DIR": "../proj/sub"}),
    (("--directory", "..", "--project", "proj"), {}),  # --project from the --directory
], ids=["project", "UV_PROJECT", "directory", "UV_WORKING_DIR", "both"])
def test_the_configuration_is_looked_for_from_the_named_directory(
        pytui: Pytui, options: tuple[str, ...], env: dict[str, str]) -> None:
    elsewhere, project = _scene(pytui)
    catalog = {"UV_PYTHON_DOWNLOADS_JSON_URL": str(project / "catalog.json")}
    assert _mirrors(pytui, elsewhere, **catalog) == ["elsewhere", "elsewhere"]
    assert _mirrors(pytui, elsewhere, *options, **catalog, **env) == ["proj", "proj"]


def test_a_relative_path_is_from_the_directory_and_not_from_the_project(pytui: Pytui) -> None:
    """`--directory` changes the working directory (a relative catalog is read there);
    `--project` does not (both tools fail to open it)."""
    elsewhere, _ = _scene(pytui)
    relative = {"UV_PYTHON_DOWNLOADS_JSON_URL": "catalog.json"}
    assert _mirrors(pytui, elsewhere, "--directory", "../proj", **relative) == ["proj", "proj"]
    for run in (_pytui, _uv):
        done = run(pytui, elsewhere, "list", "--project", "../proj", "--only-downloads", **relative)
        assert done.returncode != 0 and "catalog.json" in done.stderr, (run.__name__, done.stderr)


def test_install_reads_the_projects_version_file(pytui: Pytui) -> None:
    """With no request, both read the `.python-version` of the `--project` directory (3.99,
    which has no download: both stop, exit 2, naming it), not the working directory's."""
    elsewhere, project = _scene(pytui)
    (elsewhere / ".python-version").write_text("3.12\n")
    (project / ".python-version").write_text("3.99\n")
    catalog = {"UV_PYTHON_DOWNLOADS_JSON_URL": str(project / "catalog.json")}
    for run in (_pytui, _uv):
        done = run(pytui, elsewhere, "install", "--project", "../proj", **catalog)
        assert done.returncode == 2 and "3.99" in done.stderr, (run.__name__, done.stderr)


@pytest.mark.parametrize(("options", "env", "says"), [
    (("--project", "../nowhere"), {}, "project directory ../nowhere does not exist"),
    (("--project", "../proj/uv.toml"), {}, "project path ../proj/uv.toml is not a directory"),
    (("--directory", "../nowhere"), {}, "--directory ../nowhere: "),
    ((), {"UV_PROJECT": ""}, "UV_PROJECT is set but empty"),
    ((), {"UV_WORKING_DIR": ""}, "UV_WORKING_DIR is set but empty"),
], ids=["project-not-there", "project-a-file", "directory-not-there", "empty-UV_PROJECT",
        "empty-UV_WORKING_DIR"])
def test_a_directory_that_is_not_there_stops_both(pytui: Pytui, options: tuple[str, ...],
                                                  env: dict[str, str], says: str) -> None:
    elsewhere, project = _scene(pytui)
    catalog = {"UV_PYTHON_DOWNLOADS_JSON_URL": str(project / "catalog.json")}
    theirs = _uv(pytui, elsewhere, "list", *options, **catalog, **env)
    ours = _pytui(pytui, elsewhere, "list", *options, **catalog, **env)
    assert theirs.returncode == 2, theirs.stderr
    lines = ours.stderr.splitlines()
    assert ours.returncode == 2 and len(lines) == 1 and says in lines[0], ours.stderr
    assert "Traceback" not in ours.stderr


@pytest.mark.parametrize(("options", "under"), [
    (("--directory", "../proj"), "proj"), (("--project", "../proj"), "elsewhere"),
], ids=["directory", "project"])
def test_a_relative_install_dir_is_from_the_directory(
        pytui: Pytui, options: tuple[str, ...], under: str) -> None:
    """`--install-dir rel` beside `--directory DIR` installs into DIR/rel with both tools (uv
    changes to DIR first); beside `--project DIR`, into the working directory's rel."""
    elsewhere, _ = _scene(pytui)
    made = pytui.make("3.12.8", "20250115")  # served under the loopback /mirror/
    pytui.server.add_file("/mirror/" + made.build.url[len(PBS):], made.path)
    write_uv_catalog(pytui.catalog, [made.build])
    env = {"UV_PYTHON_DOWNLOADS_JSON_URL": str(pytui.catalog),
           "UV_PYTHON_INSTALL_MIRROR": f"{pytui.server.base_url}/mirror"}
    for run, rel in ((_pytui, "rel-pytui"), (_uv, "rel-uv")):
        done = run(pytui, elsewhere, "install", *options, "--install-dir", rel, "3.12.8", **env)
        assert done.returncode == 0, (run.__name__, done.stderr)
        assert (pytui.tmp / under / rel / made.build.key).is_dir(), (run.__name__, done.stderr)
    assert sorted(path.name for path in (pytui.tmp / under).glob("rel-*")) == ["rel-pytui", "rel-uv"]


@pytest.mark.parametrize(("argv", "read", "root"), [
    (["--project", "../proj"], "proj", None),
    (["--directory", "../proj", "--install-dir", "rel"], "proj", "proj"),
    (["--project", "../proj", "--install-dir", "rel"], "proj", "elsewhere"),
    ([], "elsewhere", None),
], ids=["project", "directory-relative-root", "project-relative-root", "neither"])
def test_the_terminal_ui_starts_with_the_named_directories(
        pytui: Pytui, monkeypatch: pytest.MonkeyPatch, argv: list[str], read: str, root: str | None) -> None:
    """`pytui --project DIR` (no command: the terminal UI) starts with DIR's settings, as
    `pytui list --project DIR` does, and a relative `--install-dir` is from `--directory`.
    The UI itself is not started: the settings it is given are looked at."""
    import os

    from pytui.app import cli, tui

    elsewhere, project = _scene(pytui)
    given: list = []
    monkeypatch.setattr(cli, "not_a_terminal", lambda: None)
    monkeypatch.setattr(tui, "run_tui", lambda args: given.append(args.settings) or 0)
    for name, value in pytui.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("UV_PYTHON_INSTALL_DIR", raising=False)
    monkeypatch.chdir(elsewhere)
    assert cli._main(argv) == 0 and os.getcwd() == str(elsewhere)
    settings, = given
    assert settings.uv_config.source("python-install-mirror") == pytui.tmp / read / "uv.toml"
    assert settings.mirror == f"{pytui.server.base_url}/{read}"
    if root is not None:  # --install-dir rel
        assert settings.install_root == pytui.tmp / root / "rel"
