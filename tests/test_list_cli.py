"""`pytui list` and `pytui dir` through the CLI: rows, text and JSON output, installs, cached
archives, mirrors, errors, no textual import, and no socket when offline."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import run_main
from pytui.core.platform_detect import detect_host

RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"
HOST = detect_host(cpu_level=False)
# The JSON spelling of this host's platform (uv's file says darwin and i686).
JSON_OS = {"macos": "darwin"}.get(HOST.os, HOST.os)
JSON_ARCH = {"x86": "i686", "riscv64gc": "riscv64"}.get(HOST.arch, HOST.arch)
TRIPLE = {"linux": f"unknown-linux-{HOST.libc}", "macos": "apple-darwin",
          "windows": "pc-windows-msvc"}.get(HOST.os, "unknown")
PLATFORM = f"{HOST.os}-{HOST.arch}-{HOST.libc}"
UV_FIELDS = ["key", "version", "version_parts", "path", "symlink", "url", "os", "variant",
             "implementation", "arch", "libc"]


def host_entry(version: str, date: str, variant: str | None = None, *, sha: str | None = None,
               **overrides) -> dict:
    major, minor, patch, prerelease = re.match(r"(\d+)\.(\d+)\.(\d+)(.*)", version).groups()
    options = f"{variant}-" if variant else ""
    name = f"cpython-{version}+{date}-{JSON_ARCH}-{TRIPLE}-{options}install_only_stripped.tar.gz"
    entry = {
        "name": "cpython", "arch": {"family": JSON_ARCH, "variant": None}, "os": JSON_OS,
        "libc": HOST.libc, "major": int(major), "minor": int(minor), "patch": int(patch),
        "prerelease": prerelease, "url": f"{RELEASES}/{date}/{name.replace('+', '%2B')}",
        "sha256": sha or hashlib.sha256(f"{version}{date}".encode()).hexdigest(),
        "variant": variant, "build": date,
    }
    entry.update(overrides)
    return entry


ENTRIES = [
    host_entry("3.15.0rc1", "20260814"),
    host_entry("3.14.2", "20251210"),
    host_entry("3.14.2", "20251210", "freethreaded"),
    host_entry("3.14.2", "20251210", "debug"),
    host_entry("3.14.1", "20251202"),
    host_entry("3.12.8", "20250115"),
    host_entry("3.12.7", "20241016"),
    host_entry("3.12.7", "20241016", os="windows" if HOST.os != "windows" else "linux",
               libc="none" if HOST.os != "windows" else "gnu"),
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({f"k{i}": e for i, e in enumerate(ENTRIES)}))
    root, cache = tmp_path / "root", tmp_path / "cache"
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(catalog))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(root))
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    return {"catalog": catalog, "root": root, "cache": cache, "tmp": tmp_path}


def keys(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines()]


def install(root: Path, key: str, build: str | None = "20250115", *, link: bool = False) -> Path:
    directory = root / key
    version = key.split("-")[1].split("+")[0]
    suffix = "t" if "+freethreaded" in key else ""
    executable = directory / "bin" / f"python{'.'.join(version.split('.')[:2])}{suffix}"
    executable.parent.mkdir(parents=True)
    if link:
        (directory / "bin" / "real-python").write_text("")
        executable.symlink_to("real-python")
    else:
        executable.write_text("")
    if build:
        (directory / "BUILD").write_text(build + "\n")
    return executable


def test_downloads_text_output(env, capsys) -> None:
    code, out, err = run_main(capsys, "list")
    assert (code, err) == (0, "")
    assert keys(out) == [
        f"cpython-3.15.0rc1-{PLATFORM}",
        f"cpython-3.14.2-{PLATFORM}",
        f"cpython-3.14.2+freethreaded-{PLATFORM}",
        f"cpython-3.12.8-{PLATFORM}",
    ]  # newest first, one patch per minor, debug hidden, other platforms hidden
    width = max(len(k) for k in keys(out))
    for line in out.splitlines():
        assert line == f"{line.split()[0]:<{width}}    <download available>"


def test_flags(env, capsys) -> None:
    _, out, _ = run_main(capsys, "list", "--all-versions")
    assert f"cpython-3.14.1-{PLATFORM}" in keys(out) and f"cpython-3.12.7-{PLATFORM}" in keys(out)
    _, out, _ = run_main(capsys, "list", "--all-platforms", "--all-versions")
    assert len(keys(out)) == len(ENTRIES) - 1  # all but debug
    _, out, _ = run_main(capsys, "ls", "3.12")
    assert keys(out) == [f"cpython-3.12.8-{PLATFORM}"]
    _, out, _ = run_main(capsys, "list", "3.14t")
    assert keys(out) == [f"cpython-3.14.2+freethreaded-{PLATFORM}"]
    _, out, _ = run_main(capsys, "list", ">=3.12,<3.14", "--all-versions")
    assert keys(out) == [f"cpython-3.12.8-{PLATFORM}", f"cpython-3.12.7-{PLATFORM}"]


def test_show_urls_follow_the_mirror_rules(env, capsys, monkeypatch) -> None:
    suffix = ENTRIES[5]["url"][len(RELEASES) + 1:]
    _, out, _ = run_main(capsys, "list", "3.12", "--show-urls")
    assert out.split()[-1] == f"https://releases.astral.sh/github/python-build-standalone/releases/download/{suffix}"
    monkeypatch.setenv("UV_ASTRAL_MIRROR_URL", "https://nexus.example/astral/")
    _, out, _ = run_main(capsys, "list", "3.12", "--show-urls")
    assert out.split()[-1] == f"https://nexus.example/astral/github/python-build-standalone/releases/download/{suffix}"
    _, out, _ = run_main(capsys, "list", "3.12", "--show-urls", "--mirror", "file:///srv/pbs/")
    assert out.split()[-1] == f"file:///srv/pbs/{suffix}"


def test_json_fields_in_uvs_order(env, capsys) -> None:
    code, out, _ = run_main(capsys, "list", "--json", "3.12")
    assert code == 0 and out.count("\n") == 1 and ", " not in out  # one compact line, like serde
    rows = json.loads(out)
    assert [list(row) for row in rows] == [UV_FIELDS + ["build", "cached", "support"]]
    row = rows[0]
    assert row["key"] == f"cpython-3.12.8-{PLATFORM}"
    assert (row["version"], row["version_parts"]) == ("3.12.8", {"major": 3, "minor": 12, "patch": 8})
    assert (row["path"], row["symlink"], row["cached"], row["build"]) == (None, None, None, "20250115")
    assert row["url"].startswith("https://releases.astral.sh/")
    assert (row["os"], row["arch"], row["libc"], row["variant"], row["implementation"]) == (
        HOST.os, HOST.arch, HOST.libc, "default", "cpython")
    _, out, _ = run_main(capsys, "list", "--output-format", "json", "3.15")
    assert json.loads(out)[0]["version"] == "3.15.0rc1"


def test_installed_rows(env, capsys) -> None:
    root = env["root"]
    executable = install(root, f"cpython-3.12.8-{PLATFORM}")
    linked = install(root, f"cpython-3.14.1-{PLATFORM}", build="20251202", link=True)
    install(root, f"cpython-3.11.4-{PLATFORM}", build=None)
    other = "cpython-3.12.8-windows-x86_64-none" if HOST.os != "windows" else "cpython-3.12.8-linux-x86_64-gnu"
    install(root, other)  # not runnable here: not listed
    (root / ".temp").mkdir()
    (root / "junk").mkdir()
    (root / f"cpython-3.12-{PLATFORM}").symlink_to(root / f"cpython-3.12.8-{PLATFORM}")

    code, out, _ = run_main(capsys, "list")
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert list(lines) == [
        f"cpython-3.15.0rc1-{PLATFORM}",
        f"cpython-3.14.2-{PLATFORM}",  # the newer patch is still offered
        f"cpython-3.14.2+freethreaded-{PLATFORM}",
        f"cpython-3.14.1-{PLATFORM}",
        f"cpython-3.12.8-{PLATFORM}",  # installed: its download row is hidden
        f"cpython-3.11.4-{PLATFORM}",
    ]
    # uv shows paths under the cwd relatively, and through the minor-version link that points at
    # the install (uv's discovery does so unless the request names a patch).
    relative = executable.relative_to(env["tmp"] / "root" / f"cpython-3.12.8-{PLATFORM}")
    assert lines[f"cpython-3.12.8-{PLATFORM}"].strip() == f"root/cpython-3.12-{PLATFORM}/{relative}"
    _, out, _ = run_main(capsys, "list", "3.12.8", "--only-installed")
    assert out.split()[1] == str(executable.relative_to(env["tmp"]))
    assert lines[f"cpython-3.14.1-{PLATFORM}"].strip() == f"{linked.relative_to(env['tmp'])} -> real-python"

    _, out, _ = run_main(capsys, "list", "--only-installed", "--json")
    rows = json.loads(out)
    assert [r["key"] for r in rows] == [f"cpython-3.14.1-{PLATFORM}", f"cpython-3.12.8-{PLATFORM}",
                                        f"cpython-3.11.4-{PLATFORM}"]
    assert [r["build"] for r in rows] == ["20251202", "20250115", None]
    assert rows[0]["symlink"] == "real-python" and rows[0]["url"] is None
    _, out, _ = run_main(capsys, "list", "--only-downloads")
    assert f"cpython-3.12.8-{PLATFORM}" in keys(out)  # downloads alone ignore installs
    _, out, _ = run_main(capsys, "list", "3.11", "--only-installed")
    assert keys(out) == [f"cpython-3.11.4-{PLATFORM}"]


def test_cached_archives_are_shown(env, capsys, monkeypatch) -> None:
    """From the working directory when under it (`env` runs in the test's tmp dir), as uv
    shows an install's path; the cached archive's was absolute beside relative installs."""
    from pytui.core.catalog import build_from_entry

    build = build_from_entry(ENTRIES[5])
    assert build is not None
    env["cache"].mkdir()
    archive = env["cache"] / build.cache_filename
    archive.write_bytes(b"not really an archive")
    (env["cache"] / "unrelated.txt").write_text("x")
    relative = f"cache/{build.cache_filename}"
    _, out, _ = run_main(capsys, "list", "3.12")
    assert out.split() == [build.key, relative]
    _, out, _ = run_main(capsys, "list", "--only-cached", "--json")
    rows = json.loads(out)
    assert [(r["key"], r["cached"]) for r in rows] == [(build.key, relative)]
    _, out, _ = run_main(capsys, "list", "--only-cached", "3.14")
    assert out == ""
    (env["tmp"] / "elsewhere").mkdir()
    monkeypatch.chdir(env["tmp"] / "elsewhere")  # not above it: the whole path
    assert run_main(capsys, "list", "3.12")[1].split() == [build.key, str(archive)]


def test_downloads_setting_hides_downloads_by_default(env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "manual")
    assert run_main(capsys, "list")[1] == ""
    assert len(keys(run_main(capsys, "list", "--only-downloads")[1])) == 4


def test_errors_are_one_line(env, capsys) -> None:
    code, out, err = run_main(capsys, "list", "not-a-python")
    assert (code, out) == (2, "")
    assert err.startswith("error: 'not-a-python' is not a Python request") and err.count("\n") == 1
    env["catalog"].write_text("[]")
    code, out, err = run_main(capsys, "list")
    assert code == 1 and err.startswith("error: catalog ") and err.count("\n") == 1
    code, _, err = run_main(capsys, "list", "--only-installed", "--only-downloads")
    assert code == 2


def test_dir(env, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PYTUI_STATE_DIR", str(tmp_path / "state"))
    # One bare path per call, as `uv python dir` prints, so `cd "$(pytui dir)"` works.
    assert run_main(capsys, "dir") == (0, f"{env['root']}\n", "")
    assert run_main(capsys, "dir", "--cache")[1] == f"{env['cache']}\n"
    assert run_main(capsys, "dir", "--state")[1] == f"{tmp_path / 'state'}\n"
    monkeypatch.setenv("UV_PYTHON_BIN_DIR", str(tmp_path / "bin"))
    assert run_main(capsys, "dir", "--bin")[1] == f"{tmp_path / 'bin'}\n"
    assert run_main(capsys, "dir", "--install-dir", str(tmp_path / "x"))[1] == f"{tmp_path / 'x'}\n"
    assert run_main(capsys, "dir", "--bin", "--cache")[0] == 2


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


def test_list_does_not_import_textual(env) -> None:
    code = ("import sys\nfrom pytui.app.cli import main\n"
            "for argv in (['list'], ['list', '--json', '--all-platforms'], ['dir']):\n"
            "    assert main(argv) == 0\n"
            "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "assert not loaded, loaded\n"
            "assert 'httpx' not in sys.modules, 'list from a file needs no HTTP client'\n")
    done = subprocess.run([sys.executable, "-c", code], env=subprocess_env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# An audit hook that fails the process on any socket use, installed before pytui is imported.
NO_SOCKETS = """
import sys
def hook(event, args):
    if event.startswith("socket.") and event != "socket.gethostname":
        raise RuntimeError(f"socket use while offline: {event} {args!r}")
sys.addaudithook(hook)
from pytui.app.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("argv", "extra"), [
    (["list", "--refresh", "--offline"], {}),
    (["list", "--refresh"], {"UV_OFFLINE": "1"}),
    (["--offline", "list", "--refresh", "--json"], {}),
])
def test_offline_refresh_opens_no_socket(env, tmp_path, monkeypatch, argv, extra) -> None:
    # The default sources: no --downloads-json, so --refresh would fetch uv's catalog.
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS_JSON_URL")
    monkeypatch.setenv("PYTUI_CATALOG_URL", "https://example.invalid/download-metadata.json")
    done = subprocess.run([sys.executable, "-c", NO_SOCKETS, *argv], capture_output=True,
                          text=True, env=subprocess_env(extra), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "socket use" not in done.stderr
    assert done.stderr.startswith("offline: did not refresh the catalog")
    assert done.stdout  # the embedded catalog still lists builds


def test_the_hook_catches_sockets(env, monkeypatch, http_server) -> None:
    # The audit hook really fires: an online refresh against a live server is refused by it.
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS_JSON_URL")
    url = http_server.add("/meta.json", b"{}")
    monkeypatch.setenv("PYTUI_CATALOG_URL", url)
    done = subprocess.run([sys.executable, "-c", NO_SOCKETS, "list", "--refresh"],
                          capture_output=True, text=True, env=subprocess_env(), timeout=120)
    assert "socket use while offline" in done.stderr or "could not refresh" in done.stderr
    assert http_server.count("/meta.json") == 0


def test_only_cached_says_when_the_cache_holds_builds_the_catalog_lists_not(env, capsys) -> None:
    # An archive downloaded under another catalog (a mirror's) is in `pytui cache list`;
    # `--only-cached` answered with nothing at all.
    from pytui.core.catalog import build_from_entry

    listed = build_from_entry(ENTRIES[5])
    elsewhere = build_from_entry(host_entry("3.12.8", "20250301"))
    assert listed is not None and elsewhere is not None
    env["cache"].mkdir()
    (env["cache"] / listed.cache_filename).write_bytes(b"listed")
    code, out, err = run_main(capsys, "list", "--only-cached", "3.14")
    assert (code, out, err) == (0, "", "")  # nothing unlisted: nothing to say
    (env["cache"] / elsewhere.cache_filename).write_bytes(b"cached under another catalog")
    code, out, err = run_main(capsys, "list", "--only-cached", "3.14")
    assert (code, out) == (0, "")
    assert err == (f"note: the cache holds 1 archive the catalog ({env['catalog']}) does not list "
                   "(`pytui cache list` shows it; --downloads-json with the catalog it came "
                   "from lists it here)\n"), err
    assert run_main(capsys, "list", "--only-cached", "-q")[2] == ""
    # Beside the builds it lists too (newuser33: 4 listed of 5 cached, the fifth said nowhere).
    code, out, err = run_main(capsys, "list", "--only-cached")
    assert code == 0 and listed.key in out, out
    assert err.startswith("note: the cache holds 1 archive the catalog ("), err


def test_a_root_path_that_would_steer_the_terminal_is_escaped(env, capsys, monkeypatch) -> None:
    """An install root whose path holds an ESC sequence, a newline or a bidi mark: `pytui list`
    wrote it raw to stdout (a title set, a row forged), where `cache list` and `envs` escape
    theirs (app/safe_text.py); `--json` writes them as `\\u` escapes, and reads back."""
    root = env["tmp"] / "r\x1b]2;pwned\x07\nx\u202e"
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(root))
    key = f"cpython-3.12.8-{PLATFORM}"
    executable = install(root, key, link=True)
    code, out, _ = run_main(capsys, "list", "--only-installed")
    assert code == 0 and len(out.splitlines()) == 1, out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, out
    relative = executable.relative_to(root)
    assert out.split(None, 1)[1].strip() == f"r\\x1b]2;pwned\\x07\\nx\\u202e/{relative} -> real-python", out
    code, out, _ = run_main(capsys, "list", "--only-installed", "--json")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\\u202e" in out, out
    assert json.loads(out)[0]["path"] == str(executable.relative_to(env["tmp"]))
