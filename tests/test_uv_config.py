"""core/uv_config.py: which of uv's configuration files are read, in uv's order, and a file as
hostile input (uv 0.13.9's behaviour, checked beside the real uv in test_uv_config_cli.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.core.errors import UsageError
from pytui.core.settings import Settings
from pytui.core.uv_config import MAX_CONFIG_BYTES, ConfigFileError, load


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    places = {"home": tmp_path / "home", "xdg": tmp_path / "xdg", "project": tmp_path / "w" / "p",
              "cwd": tmp_path / "w" / "p" / "src" / "deep"}
    for path in places.values():
        path.mkdir(parents=True, exist_ok=True)
    return places


def _env(world: dict[str, Path], **extra: str) -> dict[str, str]:
    return {"HOME": str(world["home"]), "XDG_CONFIG_HOME": str(world["home"] / ".config"),
            "XDG_CONFIG_DIRS": str(world["xdg"]), **extra}


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _user(world: dict[str, Path]) -> Path:
    return world["home"] / ".config" / "uv" / "uv.toml"


def _system(world: dict[str, Path]) -> Path:
    return world["xdg"] / "uv" / "uv.toml"


def test_project_over_user_over_system_setting_by_setting(world: dict[str, Path]) -> None:
    project = _write(world["project"] / "uv.toml", 'python-install-mirror = "http://project"\n')
    user = _write(_user(world), 'python-install-mirror = "http://user"\noffline = true\n')
    system = _write(_system(world), 'python-install-mirror = "http://system"\n'
                                    'pypy-install-mirror = "http://pypy"\n')
    config = load(_env(world), world["cwd"])
    assert config.values == {"python-install-mirror": "http://project", "offline": True,
                             "pypy-install-mirror": "http://pypy"}
    assert config.source("python-install-mirror") == project
    assert config.source("offline") == user and config.source("pypy-install-mirror") == system
    assert [role for _, role in config.files] == ["project", "user", "system"]


def test_the_nearest_directory_with_a_file_wins_and_uv_toml_before_pyproject(world: dict[str, Path]) -> None:
    _write(world["project"].parent / "uv.toml", 'python-install-mirror = "http://far"\n')
    _write(world["project"] / "src" / "pyproject.toml", '[tool.black]\nline-length = 1\n')  # no [tool.uv]
    _write(world["project"] / "pyproject.toml", '[tool.uv]\npython-install-mirror = "http://pyproject"\n')
    assert load(_env(world), world["cwd"]).get("python-install-mirror") == "http://pyproject"
    _write(world["project"] / "uv.toml", 'offline = true\n')  # one file per directory: uv.toml's
    config = load(_env(world), world["cwd"])
    assert config.values == {"offline": True}


def test_a_projects_search_starts_at_its_root_as_uvs_workspace_discovery(world: dict[str, Path]) -> None:
    """A pyproject.toml with a [project] puts the start at its directory: a uv.toml below it, in
    the working directory, is not read (uv 0.13.9)."""
    _write(world["cwd"] / "uv.toml", 'python-install-mirror = "http://below"\n')
    _write(world["project"] / "pyproject.toml",
           '[project]\nname = "app"\nversion = "1"\n[tool.uv]\npython-install-mirror = "http://root"\n')
    assert load(_env(world), world["cwd"]).get("python-install-mirror") == "http://root"
    # Not a project uv manages: the search starts where we are.
    _write(world["project"] / "pyproject.toml", '[tool.uv]\nmanaged = false\n')
    assert load(_env(world), world["cwd"]).get("python-install-mirror") == "http://below"


def test_the_given_file_replaces_every_other_even_under_no_config(world: dict[str, Path]) -> None:
    _write(world["project"] / "uv.toml", 'python-install-mirror = "http://project"\n')
    given = _write(world["home"] / "mine.toml", 'python-install-mirror = "http://given"\n')
    for env in (_env(world, UV_CONFIG_FILE=str(given)),
                _env(world, UV_CONFIG_FILE=str(given), UV_NO_CONFIG="1")):
        config = load(env, world["cwd"])
        assert config.values == {"python-install-mirror": "http://given"}
        assert config.files == ((given, "given"),)
    flag = load(_env(world, UV_CONFIG_FILE="/nowhere"), world["cwd"], config_file=str(given))
    assert flag.source("python-install-mirror") == given  # the flag over the variable
    with pytest.raises(ConfigFileError, match="mine2.toml: no such file"):
        load(_env(world), world["cwd"], config_file=str(world["home"] / "mine2.toml"))
    with pytest.raises(UsageError, match="UV_CONFIG_FILE is set but empty"):
        load(_env(world, UV_CONFIG_FILE=""), world["cwd"])


def test_no_config_reads_none(world: dict[str, Path]) -> None:
    _write(world["project"] / "uv.toml", 'offline = true\n')
    _write(_user(world), 'offline = true\n')
    assert load(_env(world, UV_NO_CONFIG="true"), world["cwd"]).values == {}
    assert load(_env(world), world["cwd"], no_config=True).values == {}
    assert load(_env(world, UV_NO_CONFIG="0"), world["cwd"]).values == {"offline": True}


def test_the_system_file_as_uv_finds_it(world: dict[str, Path], tmp_path: Path) -> None:
    second = _write(tmp_path / "second" / "uv" / "uv.toml", 'offline = true\n')
    env = _env(world, XDG_CONFIG_DIRS=f"{tmp_path / 'none'}:{tmp_path / 'second'}")
    assert load(env, world["cwd"]).source("offline") == second
    # An empty entry ends the list (uv's take_while); UV_NO_SYSTEM_CONFIG drops the file.
    env = _env(world, XDG_CONFIG_DIRS=f"{tmp_path / 'none'}::{tmp_path / 'second'}")
    assert load(env, world["cwd"]).source("offline") is None or os.path.exists("/etc/uv/uv.toml")
    env = _env(world, XDG_CONFIG_DIRS=str(tmp_path / "second"), UV_NO_SYSTEM_CONFIG="1")
    assert load(env, world["cwd"]).values == {} or os.path.exists("/etc/uv/uv.toml")


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _loop(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(path.name, path)


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: _write(p, 'offline = "yes"\n'), '`offline` is the string "yes", expected a boolean'),
    (lambda p: _write(p, 'python-downloads = "true"\n'), "expected one of `auto`, `automatic`"),
    (lambda p: _write(p, 'python-preference = "Managed"\n'), "expected one of `only-managed`"),
    (lambda p: _write(p, 'concurrent-downloads = 0\n'), "expected a positive integer"),
    (lambda p: _write(p, 'bogus = 1\n'), "unknown field `bogus` (uv refuses it)"),
    (lambda p: _write(p, 'a = 1\na = 2\n'), "not valid TOML"),
    (lambda p: _write(p, '[tool.uv\n'), "not valid TOML"),
    (lambda p: _write(p, "x = " + "[" * 60_000), "not valid TOML"),
    (lambda p: _write(p, b'offline = true\n# \xff\xfe\n'), "not UTF-8 (byte 18)"),
    (lambda p: _write(p, "#" * (MAX_CONFIG_BYTES + 1)), "larger than the 64 KiB pytui reads of a configuration file (a real one is a few KiB)"),
    (lambda p: _write(p, 'managed = true\n'), "`managed` belongs in a pyproject.toml's [tool.uv]"),
    (lambda p: p.mkdir(parents=True), "a directory, not a regular file"),
    (_fifo, "a FIFO, not a regular file"),
    (_loop, "too many levels of symbolic links"),
], ids=["string-for-bool", "downloads-word", "preference-case", "zero-count", "unknown-key",
        "duplicate-key", "not-toml", "nested-deep", "not-utf8", "too-large", "pyproject-only",
        "directory", "fifo", "symlink-loop"])
@pytest.mark.parametrize("where", ["project", "user", "system"])
def test_a_file_uv_refuses_is_one_line_naming_it(world: dict[str, Path], make, says: str,
                                                   where: str) -> None:
    path = {"project": world["project"] / "uv.toml", "user": _user(world),
            "system": _system(world)}[where]
    make(path)
    if where == "system" and not path.is_file():
        pytest.skip("uv takes a system file only when it is a file (XDG_CONFIG_DIRS)")
    with pytest.raises(ConfigFileError) as err:
        load(_env(world), world["cwd"])
    line = str(err.value)
    assert line.startswith(f"uv's configuration file {path}: ") and says in line, line
    assert "\n" not in line and line.endswith("to read no configuration file"), line
    assert err.value.exit_code == 2


def test_what_uv_takes_for_absent(world: dict[str, Path]) -> None:
    """A dangling link is no file (both places); the user's file under a file, or unreadable,
    is none (uv's user() passes over those)."""
    os.symlink("nowhere", world["project"] / "uv.toml")
    _write(world["home"] / ".config" / "uv", "a file where the directory would be")
    assert load(_env(world), world["cwd"]).values == {}


@pytest.mark.parametrize("text", ['[tool.uv]\noffline = "yes"\n', "[tool.uv\n", "tool = 5  # and uv\n",
                                  "[tool]\nuv = 5\n", "[tool.uv]\nbogus = 1\n"])
def test_a_pyproject_uv_cannot_parse_is_passed_over_with_a_warning(world: dict[str, Path],
                                                                    text: str) -> None:
    above = _write(world["project"].parent / "uv.toml", 'python-install-mirror = "http://above"\n')
    bad = _write(world["cwd"] / "pyproject.toml", text)
    config = load(_env(world), world["cwd"])
    assert config.source("python-install-mirror") == above
    assert len(config.warnings) == 1 and str(bad) in config.warnings[0], config.warnings


def test_a_pyproject_uv_cannot_read_stops_as_uv_does(world: dict[str, Path]) -> None:
    bad = _write(world["cwd"] / "pyproject.toml", b"[tool.uv]\n# \xff\n")
    with pytest.raises(ConfigFileError, match="not UTF-8"):
        load(_env(world), world["cwd"])
    bad.unlink()
    bad.mkdir()
    with pytest.raises(ConfigFileError, match="a directory"):
        load(_env(world), world["cwd"])


def test_settings_take_flag_then_variable_then_file(world: dict[str, Path]) -> None:
    _write(world["project"] / "uv.toml", 'python-install-mirror = "http://file"\n'
                                         'python-downloads-json-url = "/file.json"\n'
                                         'pypy-install-mirror = "http://pypy-file"\n'
                                         'offline = true\npython-downloads = "never"\n')
    settings = Settings.resolve(env=_env(world), cwd=world["cwd"])
    assert (settings.mirror, settings.downloads_json, settings.pypy_mirror, settings.offline) == (
        "http://file", "/file.json", "http://pypy-file", True)
    assert settings.env_values.python_downloads == "never"
    assert settings.source_of("python-install-mirror") == world["project"] / "uv.toml"
    env = _env(world, UV_PYTHON_INSTALL_MIRROR="http://var", UV_OFFLINE="0",
               UV_PYTHON_DOWNLOADS_JSON_URL="", UV_PYTHON_DOWNLOADS="auto")
    settings = Settings.resolve(env=env, cwd=world["cwd"])
    assert (settings.mirror, settings.downloads_json, settings.offline) == ("http://var", "/file.json", False)
    assert settings.env_values.python_downloads == "automatic"
    assert settings.source_of("python-install-mirror") is None
    assert settings.source_of("python-downloads-json-url") == world["project"] / "uv.toml"
    _write(_user(world), 'python-preference = "only-system"\n')  # a preference, from the user's
    assert Settings.resolve(env=_env(world), cwd=world["cwd"]).env_values.python_preference == "only-system"
    assert Settings.resolve(env=_env(world, UV_PYTHON_PREFERENCE="managed"),
                            cwd=world["cwd"]).env_values.python_preference == "managed"
    settings = Settings.resolve(env=env, cwd=world["cwd"], mirror="http://flag", offline=True)
    assert (settings.mirror, settings.offline) == ("http://flag", True)
    assert sorted(settings.uv_config.used) == ["pypy-install-mirror", "python-downloads-json-url",
                                               "python-preference"]


def test_a_tool_uv_spelt_with_an_escape_is_read(world: dict[str, Path]) -> None:
    """A pyproject.toml is parsed only when its bytes may name `uv`: the letters, or an escape
    in a quoted key (`"\\u0075v"` is `uv` to TOML, and to uv)."""
    path = _write(world["project"] / "pyproject.toml",
                  '[tool."\\u0075\\u0076"]\npython-install-mirror = "http://escaped"\n')
    config = load(_env(world), world["cwd"])
    assert config.get("python-install-mirror") == "http://escaped" and config.source(
        "python-install-mirror") == path
    _write(world["project"] / "pyproject.toml", b"[project]\nname = '\xff'\n")  # no `uv` in it
    with pytest.raises(ConfigFileError, match="not UTF-8"):
        load(_env(world), world["cwd"])


def _workspace(world: dict[str, Path], members: str, exclude: str = "[]") -> Path:
    """A workspace at `w` whose root's [tool.uv] names one mirror, and a member project `w/p`
    (the working directory below it) whose own [tool.uv] names another."""
    root = world["project"].parent
    _write(root / "pyproject.toml", f'[project]\nname = "root"\nversion = "1"\n'
                                    f'[tool.uv.workspace]\nmembers = {members}\nexclude = {exclude}\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    _write(world["project"] / "pyproject.toml", '[project]\nname = "member"\nversion = "1"\n'
                                                '[tool.uv]\npython-install-mirror = "http://member"\n')
    return root


@pytest.mark.parametrize(("members", "exclude", "mirror"), [
    ('["p"]', "[]", "http://root"),
    ('["./*"]', "[]", "http://root"),  # uv's glob: `./` dropped, `*` matches the member
    ('["*"]', '["p"]', "http://member"),  # excluded: a project of its own
    ('["other"]', "[]", "http://member"),  # not a member
], ids=["member", "glob", "excluded", "not-a-member"])
def test_a_workspace_members_search_starts_at_the_workspace_root(
        world: dict[str, Path], members: str, exclude: str, mirror: str) -> None:
    """uv 0.13.9 reads a workspace member's settings from the workspace's root: the member's
    own [tool.uv], and a uv.toml below the root, are not read (not even refused)."""
    _workspace(world, members, exclude)
    assert load(_env(world), world["cwd"]).get("python-install-mirror") == mirror
    _write(world["project"] / "uv.toml", "bogus = 1\n")
    if mirror == "http://root":
        assert load(_env(world), world["cwd"]).get("python-install-mirror") == mirror
    else:
        with pytest.raises(ConfigFileError, match="unknown field `bogus`"):
            load(_env(world), world["cwd"])


@pytest.mark.parametrize(("members", "mirror"), [
    ('["packages/*"]', "http://member"),  # `*` stays in one component: not a member
    ('["packages/*/*"]', "http://root"),
    # `**` spans components, and takes `packages/a` too: no pyproject.toml there and a file
    # below, so uv 0.13.9's discovery fails and the member's own [tool.uv] is read
    ('["packages/**"]', "http://member"),
], ids=["star", "two-stars", "double-star"])
def test_a_workspace_glob_star_stays_in_one_path_component(world: dict[str, Path], members: str,
                                                           mirror: str) -> None:
    """As uv 0.13.9 (review37 checked it with the binary): `packages/*` does not take
    `packages/a/b`, whose own [tool.uv] is read; fnmatch's `*` spans `/` and took it."""
    root = world["project"].parent
    _write(root / "pyproject.toml", f'[project]\nname = "root"\nversion = "1"\n'
                                    f'[tool.uv.workspace]\nmembers = {members}\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    deep = root / "packages" / "a" / "b"
    _write(deep / "pyproject.toml", '[project]\nname = "b"\nversion = "1"\n'
                                    '[tool.uv]\npython-install-mirror = "http://member"\n')
    assert load(_env(world), deep).get("python-install-mirror") == mirror


def test_a_workspace_root_that_does_not_parse_starts_the_search_at_the_cwd(world: dict[str, Path]) -> None:
    root = _workspace(world, '["p"]')
    _write(world["cwd"] / "uv.toml", 'python-install-mirror = "http://cwd"\n')
    assert load(_env(world), world["cwd"]).get("python-install-mirror") == "http://root"
    _write(root / "pyproject.toml", "[tool.uv\n")  # uv's discovery fails: from where we are
    config = load(_env(world), world["cwd"])
    assert config.get("python-install-mirror") == "http://cwd" and config.warnings == ()


def test_the_mirror_in_words_names_the_file_that_set_it(world: dict[str, Path]) -> None:
    from pytui.core.download_policy import (
        CPYTHON_MIRROR,
        SCHEME_NEXT_STEP,
        mirror_names,
        scheme_next_step,
    )

    toml = _write(world["project"] / "uv.toml", 'pypy-install-mirror = "http://pypy"\n')
    names = mirror_names(Settings.resolve(env=_env(world), cwd=world["cwd"]))
    assert names == {"cpython": CPYTHON_MIRROR, "pypy": f"the mirror (pypy-install-mirror in {toml})"}
    assert scheme_next_step(names["pypy"]) == f"set the mirror (pypy-install-mirror in {toml}) to an " \
        "http(s):// or file:// URL"
    assert scheme_next_step(CPYTHON_MIRROR) == scheme_next_step(None) == SCHEME_NEXT_STEP
    over = Settings.resolve(env=_env(world, UV_PYPY_INSTALL_MIRROR="http://var"), cwd=world["cwd"])
    assert mirror_names(over)["pypy"] == "the PyPy mirror (UV_PYPY_INSTALL_MIRROR)"
