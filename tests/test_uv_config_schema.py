"""The values of uv's settings pytui does not read (core/uv_config_schema.py): a `uv.toml` whose
setting has a type uv does not take (or a word outside uv's short list) stops both tools, exit 2,
pytui in one line naming the file and the key; one uv takes runs both. Before, pytui checked the
types of its own keys and a few booleans and counts only: `extra-index-url = "http://x"` or
`link-mode = "bogus"` ran pytui where uv stopped. The real uv 0.13.9 runs beside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.uv_config import ConfigFileError, load
from test_uv_config_cli import _pytui, _uv
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

KEY = "cpython-3.12.8-linux-x86_64-gnu"
REFUSED = [
    ("extra-index-url = \"http://x\"\n", "`extra-index-url` is the string \"http://x\", expected an array"),
    ("link-mode = \"bogus\"\n", "`link-mode` is the string \"bogus\", expected one of `clone`"),
    ("pip = 5\n", "`pip` is the integer 5, expected a table"),
    ("exclude-newer = true\n", "`exclude-newer` is the boolean true, expected a string or false"),
    ("preview-features = \"x\"\n", "expected a boolean or an array"),
    ("cache-dir = 5\n", "`cache-dir` is the integer 5, expected a string"),
    ("required-version = 5\n", "`required-version` is the integer 5, expected a string"),
    ("config-settings = []\n", "`config-settings` is an array, expected a table"),
    ("no-proxy = \"localhost\"\n", "`no-proxy` is the string \"localhost\", expected an array"),
    ("index-url = 5\n", "`index-url` is the integer 5, expected a string"),
    ("python-preference = \"bogus\"\n", "expected one of `only-managed`"),
    ("unknown-key = 1\n", "unknown field `unknown-key`"),
    ("minimum-libc-version = { glibc = \"2.17\" }\n", "`minimum-libc-version` belongs in a pyproject.toml"),
]
TAKEN = ["index-url = \"not a url\"\n", "exclude-newer = false\n", "preview-features = true\n",
         "link-mode = \"copy\"\n", "pip = {}\n", "torch-backend = \"cpu\"\n",
         "extra-index-url = [\"http://x\"]\n", "config-settings = 1979-05-27T07:32:00Z\n",
         "exclude-newer = \"2024-01-01T00:00:00Z\"\n", "concurrent-downloads = 4\n"]
# What pytui leaves to uv inside a string, an array or a table (docs/uv-compat.md; what it
# checks is test_uv_config_values.py's): uv stops, pytui runs. Kept here so that a change on
# either side is seen.
UV_ONLY = ["torch-backend = \"bogus\"\n", "pip = { bogus = 1 }\n", "publish-url = \"http://a:99999\"\n",
           "constraint-dependencies = [\"a!!\"]\n", "exclude-newer = \"bogus\"\n",
           "cache-keys = [{}]\n", "index-url = \"https://1.2.3.256/\"\n",
           "publish-url = \"foo://a b/\"\n", "override-dependencies = [{}]\n",
           # review40: what uv's IDNA and IPv4 parsers refuse in a host of allowed characters (an
           # ASCII label in punycode, a last label that is a number, a non-ASCII space)
           "index-url = \"https://xn--/\"\n", "index-url = \"https://1.2.3.4.5/\"\n",
           "index-url = \"https://a\u3000b/\"\n"]


def _both(pytui: Pytui, text: str) -> tuple[Path, object, object]:
    cwd = pytui.tmp / "project"
    cwd.mkdir(exist_ok=True)
    (cwd / "uv.toml").write_text(text)
    pytui.catalog.write_text(json.dumps({KEY: {  # one entry, never downloaded
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
        "libc": "gnu", "major": 3, "minor": 12, "patch": 8, "prerelease": "", "variant": None,
        "url": f"http://127.0.0.1:9/{KEY}.tar.gz", "sha256": None, "build": "20250115"}}))
    catalog = {"UV_PYTHON_DOWNLOADS_JSON_URL": str(pytui.catalog)}
    ours = _pytui(pytui, cwd, "list", "--only-downloads", **catalog)
    theirs = _uv(pytui, cwd, "list", "--only-downloads", **catalog)
    return cwd / "uv.toml", ours, theirs


@pytest.mark.parametrize(("text", "says"), REFUSED, ids=[t.split()[0] for t, _ in REFUSED])
def test_a_value_uv_refuses_stops_pytui_too_in_one_line(pytui: Pytui, text: str, says: str) -> None:
    path, ours, theirs = _both(pytui, text)
    assert theirs.returncode == 2 and "Failed to parse" in theirs.stderr, theirs.stderr
    lines = ours.stderr.splitlines()
    assert ours.returncode == 2 and len(lines) == 1, ours.stderr
    assert lines[0].startswith(f"error: uv's configuration file {path}: ") and says in lines[0], lines
    assert "--no-config" in lines[0] and "Traceback" not in ours.stderr


@pytest.mark.parametrize("text", TAKEN + UV_ONLY, ids=[t.split()[0] + ("-uv-only" if t in UV_ONLY else "")
                                                       for t in TAKEN + UV_ONLY])
def test_a_value_uv_takes_runs_both(pytui: Pytui, text: str) -> None:
    _, ours, theirs = _both(pytui, text)
    assert ours.returncode == 0 and ours.stderr == "" and KEY in ours.stdout, ours.stderr
    assert theirs.returncode == (2 if text in UV_ONLY else 0), theirs.stderr


@pytest.mark.parametrize(("text", "warned"), [
    ("managed = 1\n", False), ("workspace = 5\n", False), ("sources = 5\n", False),
    ("index = {}\n", True), ("environments = 5\n", True),
], ids=["managed", "workspace", "sources", "index", "environments"])
def test_a_pyprojects_project_keys_are_not_settings(tmp_path: Path, text: str, warned: bool) -> None:
    """uv's settings discovery does not look inside a [tool.uv]'s project keys (`managed = 1`
    passes: uv 0.13.9 says nothing); a setting of the wrong type passes the file over, warned."""
    home = tmp_path / "home"
    cwd = tmp_path / "p"
    cwd.mkdir()
    (cwd / "pyproject.toml").write_text(f'[project]\nname = "p"\nversion = "1"\n[tool.uv]\n{text}')
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
    assert bool(load(env, cwd).warnings) is warned


def test_a_date_is_not_a_string(tmp_path: Path) -> None:
    (tmp_path / "uv.toml").write_text("cache-dir = 1979-05-27\n")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
    with pytest.raises(ConfigFileError, match="`cache-dir` is a date, expected a string"):
        load(env, tmp_path)


@pytest.mark.parametrize(("tool_uv", "said"), [
    ('offline = true\nindex-url = "http://x"\nmanaged = true\n', "(index-url, offline)"),
    ("managed = true\n[tool.uv.sources]\nx = { path = \"y\" }\n", None),  # project keys only
    ("", None), ("bogus = 1\n", None),  # empty, or not parsed: uv says nothing either
], ids=["settings", "project-keys", "empty", "unparsed"])
def test_a_tool_uv_beside_a_uv_toml_is_ignored_with_a_warning_as_uv(
        pytui: Pytui, tool_uv: str, said: str | None) -> None:
    """uv 0.13.9 reads the uv.toml and warns that the adjacent [tool.uv]'s fields are ignored
    (listing them); pytui read the uv.toml and said nothing. One line on stderr, in the
    directory and below it."""
    path, ours, theirs = _both(pytui, "concurrent-downloads = 4\n")
    pyproject = path.parent / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "p"\nversion = "1"\n\n[tool.uv]\n{tool_uv}')
    below = path.parent / "src"
    below.mkdir()
    for cwd in (path.parent, below):
        ours = _pytui(pytui, cwd, "list", "--only-downloads", UV_PYTHON_DOWNLOADS_JSON_URL=str(pytui.catalog))
        theirs = _uv(pytui, cwd, "list", "--only-downloads", UV_PYTHON_DOWNLOADS_JSON_URL=str(pytui.catalog))
        assert ours.returncode == theirs.returncode == 0 and KEY in ours.stdout, (ours.stderr, theirs.stderr)
        assert ("will be ignored in favor of the `uv.toml` file" in theirs.stderr) is (said is not None)
        if said is None:
            assert ours.stderr == "", ours.stderr
            continue
        assert ours.stderr.splitlines() == [
            f"warning: ignoring the [tool.uv] settings of {pyproject} {said}: the uv.toml beside it "
            "goes first, as in uv; move them into that uv.toml, or keep one of the two files"]
        quiet = _pytui(pytui, cwd, "list", "-q", "--only-downloads",
                       UV_PYTHON_DOWNLOADS_JSON_URL=str(pytui.catalog))
        assert quiet.returncode == 0 and quiet.stderr == ""
