"""uv's configuration files, read by pytui as `uv python install` reads them (uv 0.13.9, the
real one beside): a mirror and a catalog set in a `uv.toml` (the project's, the user's, the
system's, or the one UV_CONFIG_FILE names) send both tools to the same URL on the loopback
server, counted there; a file uv refuses stops both (exit 2), pytui in one line naming it. pytui
read uv's environment variables only: with the mirror in a uv.toml it went to GitHub's URL."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_archives import MadeArchive, write_uv_catalog
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

PBS = "https://github.com/astral-sh/python-build-standalone/releases/download/"


@pytest.fixture
def mirrored(pytui: Pytui) -> tuple[MadeArchive, str]:
    """One build whose catalog URL is GitHub's, served only under the loopback `/mirror/`;
    the catalog itself at `/catalog.json` (no variable names either)."""
    made = pytui.make("3.12.8", "20250115")
    assert made.build.url.startswith(PBS)
    path = "/mirror/" + made.build.url[len(PBS):]
    pytui.server.add_file(path, made.path)
    write_uv_catalog(pytui.catalog, [made.build])
    pytui.server.add_file("/catalog.json", pytui.catalog)
    return made, path


def _env(pytui: Pytui, **extra: str) -> dict[str, str]:
    env = pytui.env(**extra)
    if "UV_PYTHON_DOWNLOADS_JSON_URL" not in extra:
        env.pop("UV_PYTHON_DOWNLOADS_JSON_URL")  # the catalog comes from the file
    return env


def _pytui(pytui: Pytui, cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(pytui.argv(*args), env=_env(pytui, **extra), capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def _uv(pytui: Pytui, cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = _env(pytui, UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_PYTHON_PREFERENCE="only-managed",
               UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "uv-root"),
               UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"), **extra)
    env.pop("UV_PYTHON_CACHE_DIR")
    return subprocess.run([str(UV), "python", *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def _settings(pytui: Pytui, mirror: str = "/mirror") -> str:
    return (f'python-install-mirror = "{pytui.server.base_url}{mirror}"\n'
            f'python-downloads-json-url = "{pytui.server.base_url}/catalog.json"\n')


def _place(pytui: Pytui, where: str, text: str) -> tuple[Path, dict[str, str]]:
    """Write `text` as the `where` file; the working directory and variables to run from."""
    project = pytui.tmp / "project" / "src"
    project.mkdir(parents=True, exist_ok=True)
    extra: dict[str, str] = {}
    if where == "project uv.toml":
        target = project.parent / "uv.toml"
    elif where == "project pyproject.toml":
        target = project.parent / "pyproject.toml"
        text = '[project]\nname = "app"\nversion = "1"\n\n[tool.uv]\n' + text
    elif where == "user":
        target = Path(os.environ["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
    elif where == "system":
        target = pytui.tmp / "xdg" / "uv" / "uv.toml"
        extra["XDG_CONFIG_DIRS"] = f"{pytui.tmp / 'nothing'}:{pytui.tmp / 'xdg'}"
    else:
        target = pytui.tmp / "elsewhere.toml"
        extra["UV_CONFIG_FILE"] = str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return project, extra


@pytest.mark.parametrize("where", ["project uv.toml", "project pyproject.toml", "user", "system",
                                   "UV_CONFIG_FILE"])
def test_both_tools_download_from_the_mirror_a_config_file_names(
        pytui: Pytui, mirrored: tuple[MadeArchive, str], where: str) -> None:
    made, path = mirrored
    cwd, extra = _place(pytui, where, _settings(pytui))
    ours = _pytui(pytui, cwd, "install", "3.12.8", **extra)
    assert ours.returncode == 0, ours.stderr
    assert pytui.server.count(path) == 1 and pytui.server.count("/catalog.json") == 1
    theirs = _uv(pytui, cwd, "install", "3.12.8", **extra)
    assert theirs.returncode == 0, theirs.stderr
    assert pytui.server.count(path) == 2, "uv downloaded from the same mirror URL"
    assert (pytui.root / made.build.key).is_dir() and (pytui.tmp / "uv-root" / made.build.key).is_dir()


def test_a_variable_beats_the_file_and_a_project_file_the_users(
        pytui: Pytui, mirrored: tuple[MadeArchive, str]) -> None:
    """The user's file names a dead mirror; the project's the live one (project first); then
    UV_PYTHON_INSTALL_MIRROR over both, an empty one being unset, as uv reads it."""
    made, path = mirrored
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
    user.parent.mkdir(parents=True)
    user.write_text(_settings(pytui, "/dead"))
    cwd, _ = _place(pytui, "project uv.toml", f'python-install-mirror = "{pytui.server.base_url}/mirror"\n')
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "install", "3.12.8", "--reinstall", UV_PYTHON_INSTALL_MIRROR="")
        assert done.returncode == 0, done.stderr
    assert pytui.server.count(path) == 2 and pytui.server.count("/dead/" + path[len("/mirror/"):]) == 0
    # The variable wins over the files: both show its mirror's URL.
    other = "http://127.0.0.1:9/other"
    urls = []
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "--only-downloads", "--show-urls", "--all-versions",
                   "cpython-3.12.8", UV_PYTHON_INSTALL_MIRROR=other)
        assert done.returncode == 0, done.stderr
        urls.append(done.stdout.split()[-1])
    assert urls[0] == urls[1] == f"{other}/{path[len('/mirror/'):]}", urls
    assert (pytui.root / made.build.key).is_dir(), "what was installed stays"


def test_no_config_reads_none_and_a_given_file_is_read_even_so(
        pytui: Pytui, mirrored: tuple[MadeArchive, str]) -> None:
    _, path = mirrored
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui))
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "--only-downloads", "--show-urls", "--no-config", "3.12")
        assert done.returncode == 0, done.stderr
        assert pytui.server.base_url not in done.stdout, done.stdout
        done = run(pytui, cwd, "list", "--only-downloads", "--show-urls", "3.12", UV_NO_CONFIG="1",
                   UV_CONFIG_FILE=str(cwd.parent / "uv.toml"))
        assert done.returncode == 0, done.stderr
        assert f"{pytui.server.base_url}/mirror/" in done.stdout, done.stdout


def test_offline_in_a_file_and_a_variable_that_turns_it_off(pytui: Pytui,
                                                            mirrored: tuple[MadeArchive, str]) -> None:
    """`offline = true` keeps both off the network; UV_OFFLINE=0 turns it off again (uv 0.13.9)."""
    _, path = mirrored
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui) + "offline = true\n")
    ours = _pytui(pytui, cwd, "install", "3.12.8")
    theirs = _uv(pytui, cwd, "install", "3.12.8")
    assert ours.returncode != 0 and theirs.returncode != 0
    assert pytui.server.count(path) == 0
    assert "offline" in ours.stderr.lower() and "network connectivity is disabled" in theirs.stderr.lower()
    ours = _pytui(pytui, cwd, "install", "3.12.8", UV_OFFLINE="0")
    assert ours.returncode == 0, ours.stderr
    theirs = _uv(pytui, cwd, "install", "3.12.8", UV_OFFLINE="0")
    assert theirs.returncode == 0, theirs.stderr
    assert pytui.server.count(path) == 2


@pytest.mark.parametrize(("text", "says"), [
    ('python-install-mirror = 5\n', "`python-install-mirror` is the integer 5, expected a string"),
    ('offline = "yes"\n', '`offline` is the string "yes", expected a boolean'),
    ("bogus = 1\n", "unknown field `bogus`"),
    ("[tool.uv\n", "not valid TOML"),
    ("workspace = {}\n", "`workspace` belongs in a pyproject.toml's [tool.uv]"),
    (b"offline = true # \xff\n", "not UTF-8"),
    ("a" + ".a" * 80 + " = true\n", "not valid TOML: a key of more than 80 parts"),  # uv: "recursion limit"
], ids=["wrong-type", "string-for-bool", "unknown-key", "not-toml", "pyproject-only", "not-utf8",
        "key-of-81-parts"])
def test_a_uv_toml_uv_refuses_stops_both_and_nothing_installed_changes(
        pytui: Pytui, mirrored: tuple[MadeArchive, str], baseline_installed: Path,
        text: str | bytes, says: str) -> None:
    cwd, _ = _place(pytui, "project uv.toml", "")
    target = cwd.parent / "uv.toml"
    target.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = sorted(p.name for p in pytui.root.iterdir())
    ours = _pytui(pytui, cwd, "install", "3.12.8")
    theirs = _uv(pytui, cwd, "install", "3.12.8")
    assert ours.returncode == theirs.returncode == 2, (ours.stderr, theirs.stderr)
    lines = ours.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: uv's configuration file {target}: "), lines
    assert says in lines[0] and "--no-config" in lines[0] and "Traceback" not in ours.stderr, lines
    assert sorted(p.name for p in pytui.root.iterdir()) == before


def test_a_pyproject_uv_cannot_parse_is_passed_over_with_a_warning_as_uv_does(
        pytui: Pytui, mirrored: tuple[MadeArchive, str]) -> None:
    """The search goes on upward: the parent's uv.toml is read by both."""
    _, path = mirrored
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui))
    (cwd / "pyproject.toml").write_text('[tool.uv]\noffline = "yes"\n')
    ours = _pytui(pytui, cwd, "install", "3.12.8")
    theirs = _uv(pytui, cwd, "install", "3.12.8")
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert "Failed to parse" in theirs.stderr
    assert (f"warning: ignoring the [tool.uv] settings of {cwd / 'pyproject.toml'}: `offline` is "
            'the string "yes"') in ours.stderr, ours.stderr
    assert pytui.server.count(path) == 2


def test_verbose_names_the_file_a_setting_came_from(pytui: Pytui,
                                                    mirrored: tuple[MadeArchive, str]) -> None:
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui))
    ours = _pytui(pytui, cwd, "install", "-v", "3.12.8")
    assert ours.returncode == 0, ours.stderr
    toml = cwd.parent / "uv.toml"
    assert f"python-install-mirror = {pytui.server.base_url}/mirror (from {toml})" in ours.stderr
    assert f"python-downloads-json-url = {pytui.server.base_url}/catalog.json (from {toml})" \
        in ours.stderr
    quiet = _pytui(pytui, cwd, "install", "--reinstall", "3.12.8")
    assert "(from " not in quiet.stderr, quiet.stderr


@pytest.fixture
def baseline_installed(pytui: Pytui) -> Path:
    """One build installed before the step under test (from the catalog variable)."""
    made = pytui.add("3.11.9", "20240726")
    done = pytui.run("install", "3.11.9")
    assert done.returncode == 0, done
    write_uv_catalog(pytui.catalog, [b for b in pytui.builds if b.key != made.build.key])
    return pytui.root / made.build.key


@pytest.mark.parametrize("setting", ['python-downloads = "never"', 'python-downloads = "manual"'])
def test_a_file_that_turns_downloads_off_hides_them_from_list_as_uv(
        pytui: Pytui, mirrored: tuple[MadeArchive, str], setting: str) -> None:
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui))
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "3.12")
        assert done.returncode == 0 and "3.12.8" in done.stdout, (done.stdout, done.stderr)
    (cwd.parent / "uv.toml").write_text(_settings(pytui) + setting + "\n")
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "3.12")
        assert done.returncode == 0 and done.stdout == "", (done.stdout, done.stderr)


@pytest.mark.parametrize(("members", "mirror"), [('["src"]', "/mirror"), ('["other"]', "/member")])
def test_a_workspace_member_takes_the_roots_settings_as_uv(
        pytui: Pytui, mirrored: tuple[MadeArchive, str], members: str, mirror: str) -> None:
    """A member's own [tool.uv] is not read when the workspace above includes it (uv 0.13.9
    starts its search at the workspace's root); it is when the workspace does not."""
    _, path = mirrored
    cwd, _ = _place(pytui, "project pyproject.toml", _settings(pytui))
    text = (cwd.parent / "pyproject.toml").read_text()
    (cwd.parent / "pyproject.toml").write_text(text.replace(
        "[tool.uv]\n", f"[tool.uv.workspace]\nmembers = {members}\n\n[tool.uv]\n"))
    (cwd / "pyproject.toml").write_text('[project]\nname = "member"\nversion = "1"\n\n[tool.uv]\n'
                                        + _settings(pytui, "/member"))
    urls = []
    for run in (_pytui, _uv):
        done = run(pytui, cwd, "list", "--only-downloads", "--show-urls", "--all-versions",
                   "cpython-3.12.8")
        assert done.returncode == 0, done.stderr
        urls.append(done.stdout.split()[-1])
    assert urls[0] == urls[1] == f"{pytui.server.base_url}{mirror}/{path[len('/mirror/'):]}", urls


@pytest.mark.parametrize(("mirror", "says"), [
    ("ftp://127.0.0.1:9/m", "set the mirror (python-install-mirror in {toml}) to an http(s):// or file:// URL"),
    ("{base}/absent", "or check the mirror (python-install-mirror in {toml})"),
    # config40: a host the URL parser refuses, said at once (uv: "Invalid download URL", "invalid
    # international domain name"), not looked up and retried as a name ("cannot look up a%20b").
    ("https://a b/m", "it is a URL whose host holds a space, which no host may hold; nothing was "
                      "installed; fix the host in the mirror (python-install-mirror in {toml})"),
])
def test_a_failed_download_names_the_file_that_set_the_mirror(
        pytui: Pytui, mirrored: tuple[MadeArchive, str], mirror: str, says: str) -> None:
    """It named `--mirror / UV_PYTHON_INSTALL_MIRROR`, which were not set: the reader looked for
    a flag or a variable while the mirror came from a uv.toml."""
    cwd, _ = _place(pytui, "project uv.toml", _settings(pytui).replace(
        f"{pytui.server.base_url}/mirror", mirror.format(base=pytui.server.base_url)))
    toml = cwd.parent / "uv.toml"
    for extra in ((), ("--no-cache",)):
        ours = _pytui(pytui, cwd, "install", *extra, "3.12.8", UV_HTTP_RETRIES="0")
        lines = ours.stderr.splitlines()
        assert ours.returncode == 1 and len(lines) == 1, ours.stderr
        assert says.format(toml=toml) in lines[0] and "UV_PYTHON_INSTALL_MIRROR" not in lines[0], lines
