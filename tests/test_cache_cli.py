"""`pytui cache ...` end to end through the CLI entry point (in-process), exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import run_main
from fixtures_archives import file, sha256_of, write_uv_catalog
from pytui.core.cache import ArchiveCache
from pytui.core.cache_purge import remove_archives

PAYLOAD = file("lib/python3.12/payload.bin", os.urandom(50_000))
UV = Path(sys.executable).parent / "uv"


@pytest.fixture
def env(tmp_path, monkeypatch, archive_factory):
    """A cache with two catalog builds cached, one older build, a partial download and a catalog file."""
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    current = archive_factory.pbs(version="3.12.8", build_date="20250115", extra=[PAYLOAD])
    ft = archive_factory.pbs(version="3.13.1", variant="freethreaded", kind="tar.zst")
    old = archive_factory.pbs(version="3.12.8", build_date="20241219")
    downloading = archive_factory.pbs(version="3.11.11")
    for made in (current, ft, old):
        shutil.copy(made.path, cache.path_for(made.build))
    part = cache.part_path(downloading.build)
    part.write_bytes(downloading.path.read_bytes()[: downloading.size // 2])
    part.with_name(part.name + ".json").write_text(json.dumps({"total": downloading.size}))
    catalog = write_uv_catalog(tmp_path / "catalog.json", [current.build, ft.build, downloading.build])
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache.root))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(catalog))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "root"))
    return {"cache": cache, "current": current, "ft": ft, "old": old, "downloading": downloading,
            "catalog": catalog, "tmp": tmp_path}


def names(cache: ArchiveCache) -> list[str]:
    return sorted(p.name for p in cache.root.iterdir())


def test_cache_dir_follows_flag_and_env(env, capsys, tmp_path):
    assert run_main(capsys, "cache", "dir") == (0, f"{env['cache'].root}\n", "")
    code, out, _ = run_main(capsys, "cache", "dir", "--cache-dir", str(tmp_path / "elsewhere"))
    assert out.strip() == str(tmp_path / "elsewhere")


def test_cache_without_action_is_usage_error(env, capsys):
    code, out, err = run_main(capsys, "cache")
    assert code == 2 and "needs an action" in err and err.count("\n") == 1


def test_list_table_and_json(env, capsys):
    code, out, _ = run_main(capsys, "cache", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1].startswith("3 archives, 1 partial,") and str(env["cache"].root) in lines[-1]
    table = "\n".join(lines[:-1])
    assert env["current"].build.key in table and env["ft"].build.key in table
    assert "partial 50%" in table or "partial 49%" in table
    assert "  unknown  " not in table  # the older build of 3.12.8: its name says what it is
    code, out, _ = run_main(capsys, "cache", "list", "--json")
    rows = {row["file"]: row for row in json.loads(out)}
    cur = rows[env["current"].build.cache_filename]
    assert cur["state"] == "ok" and cur["key"] == env["current"].build.key
    assert cur["sha256"] == env["current"].sha256 and cur["size"] == env["current"].size
    old = rows[env["old"].build.cache_filename]
    assert old["state"] == "ok" and old["key"] == "cpython-3.12.8-linux-x86_64-gnu"
    assert old["build"] == "20241219" and old["in_catalog"] is False and cur["in_catalog"] is True
    part = rows[env["downloading"].build.cache_filename + ".part"]
    assert part["state"] == "partial" and 45 <= part["percent"] <= 55
    assert part["expected_size"] == env["downloading"].size


def test_list_counts_files_whose_name_says_no_build_as_unknown(env, capsys):
    # The last line read `5 files` where the Cached pane read `4 archives`: both count by
    # core/cache_kinds, so a file whose name says no build is `unknown` in each.
    (env["cache"].root / "mystery-a.tar.gz").write_bytes(b"x" * 100)
    code, out, _ = run_main(capsys, "cache", "list")
    assert code == 0 and out.splitlines()[-1].startswith("3 archives, 1 unknown, 1 partial, ")


def test_list_of_an_empty_cache(tmp_path, capsys):
    code, out, _ = run_main(capsys, "cache", "list", "--cache-dir", str(tmp_path / "none"))
    assert code == 0 and "no archives" in out


def test_verify_removes_a_corrupt_archive_and_exits_1(env, capsys):
    cache, current = env["cache"], env["current"]
    code, out, err = run_main(capsys, "cache", "verify")
    assert code == 0 and "3 ok" in out and "1 partial download not checked" in out and err == ""
    data = bytearray(cache.path_for(current.build).read_bytes())
    data[1000] ^= 0x01
    cache.path_for(current.build).write_bytes(bytes(data))
    code, out, err = run_main(capsys, "cache", "verify")
    assert code == 1 and "1 corrupt removed" in out
    assert f"corrupt: {current.build.cache_filename} ({current.build.key})" in err
    assert current.sha256 in err and not cache.has(current.build)
    assert run_main(capsys, "cache", "verify")[0] == 0


def test_purge_needs_a_target(env, capsys):
    code, _, err = run_main(capsys, "cache", "purge")
    assert code == 2 and "--superseded" in err


def test_purge_dry_run_prints_bytes_and_removes_nothing(env, capsys):
    before = names(env["cache"])
    code, out, _ = run_main(capsys, "cache", "purge", "--all", "--dry-run")
    assert code == 0 and names(env["cache"]) == before
    total = sum(p.stat().st_size for p in env["cache"].root.iterdir() if not p.name.endswith(".json"))
    from pytui.core.units import format_bytes

    assert f"would free {format_bytes(total)} (4 files)" in out and out.count("would remove ") == 4


def test_purge_superseded(env, capsys):
    old = env["old"]
    code, out, _ = run_main(capsys, "cache", "purge", "--superseded")
    assert code == 0 and f"removed {old.build.cache_filename}" in out and "freed" in out
    assert old.build.cache_filename not in names(env["cache"])
    assert len(names(env["cache"])) == 4  # two archives, the .part and its .json


def test_purge_installed(env, capsys, tmp_path):
    (tmp_path / "root" / env["ft"].build.key / "bin").mkdir(parents=True)
    code, out, _ = run_main(capsys, "cache", "purge", "--installed")
    assert code == 0 and f"removed {env['ft'].build.cache_filename}" in out
    assert out.count("removed ") == 1


def test_purge_by_request_key_and_file_name(env, capsys):
    cache = env["cache"]
    code, out, _ = run_main(capsys, "cache", "purge", "3.13t")
    assert code == 0 and env["ft"].build.cache_filename in out and out.count("removed ") == 1
    # A request matches every archive of that version, the older build too.
    code, out, _ = run_main(capsys, "cache", "purge", "--dry-run", "cpython@3.12.8")
    assert out.count("would remove ") == 2
    code, out, _ = run_main(capsys, "cache", "purge", env["downloading"].build.key)
    assert code == 0 and ".part" in out
    assert not any(n.endswith((".part", ".part.json")) for n in names(cache))
    code, out, _ = run_main(capsys, "cache", "purge", env["old"].build.cache_filename)
    assert code == 0 and names(cache) == [env["current"].build.cache_filename]


def test_purge_of_nothing_matching_exits_1_and_bad_request_2(env, capsys):
    code, out, err = run_main(capsys, "cache", "purge", "3.9")
    assert code == 1 and out == ""  # the error alone (tests/test_orphan_tree_said.py)
    # An error line with its next step, as every expected failure (it was a bare line).
    assert err == f"error: no cached archive matches 3.9 in {env['cache'].root}; `pytui cache " \
        "list` lists what it holds\n", err
    # A file name no archive has (one a purge took, a typo) is that line too, not "'…' is not a
    # Python request" (exit 2).
    gone = "0123abcde-cpython-3.9.1-20250115-x86_64-unknown-linux-gnu-install_only.tar.gz"
    code, _, err = run_main(capsys, "cache", "purge", gone)
    assert code == 1 and err.startswith(f"error: no cached archive matches {gone} in "), err
    code, _, err = run_main(capsys, "cache", "purge", "not/a/request")
    assert code == 2 and err.count("\n") == 1


def test_import_known_and_unknown(env, capsys, tmp_path, archive_factory):
    cache, current = env["cache"], env["current"]
    remove_archives(cache, cache.list())
    stranger = archive_factory.pbs(version="3.9.21")
    code, out, err = run_main(capsys, "cache", "import", str(current.path), str(stranger.path))
    assert code == 1
    assert f"imported {current.path} as {current.build.cache_filename} ({current.build.key}" in out
    assert err.startswith("error: cannot import") and stranger.sha256 in err and err.count("\n") == 1
    assert names(cache) == [current.build.cache_filename]
    assert cache.path_for(current.build).read_bytes() == current.path.read_bytes()


def _identity(path: Path) -> tuple[int, int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_nlink


def test_import_of_an_archive_cached_already_copies_nothing(env, capsys, tmp_path):
    """It was copied again (a temp, a rename over the cached file) and said `imported`; now one
    line says it is cached already, exit 0, and the cached file is the same inode, untouched.
    A file of its name (and size) with other bytes stays the refusal it was, and a cached copy
    whose bytes went bad is replaced by the import, as before."""
    cache, current = env["cache"], env["current"]
    cached = cache.path_for(current.build)
    before, listed = _identity(cached), names(cache)
    code, out, err = run_main(capsys, "cache", "import", str(current.path))
    assert (code, err) == (0, ""), err
    assert out.startswith(f"{current.path} is already cached as {current.build.cache_filename} "
                          f"({current.build.key}") and out.endswith("; nothing was copied\n"), out
    assert out.count("\n") == 1
    assert (_identity(cached), names(cache)) == (before, listed)

    forged = tmp_path / "elsewhere" / current.build.cache_filename
    forged.parent.mkdir()
    forged.write_bytes(current.path.read_bytes()[::-1])
    code, out, err = run_main(capsys, "cache", "import", str(forged))
    assert (code, out) == (1, "")
    # Named as the catalog's archive (42d974f): another file, or one not whole, not another catalog.
    assert err == (f"error: cannot import {forged}: its sha256 {sha256_of(forged)} is not the "
                   f"{current.build.sha256} the catalog ({env['catalog']}) gives "
                   f"{current.build.key}'s archive of that name: the file is another, or not whole "
                   "(cut short, or still being written); import it again once it is whole\n"), err
    assert (_identity(cached), names(cache)) == (before, listed)

    cached.write_bytes(current.path.read_bytes()[::-1])  # gone bad in place, same size
    code, out, _ = run_main(capsys, "cache", "import", str(current.path))
    assert code == 0 and out.startswith(f"imported {current.path} as "), out
    assert cached.read_bytes() == current.path.read_bytes() and names(cache) == listed


def test_import_progress_line_on_a_terminal_escapes_the_files_name(env, tmp_path):
    # `pytui cache import ~/Downloads/*` names files others named: the progress line on a
    # terminal wrote the name raw, so an OSC sequence in it retitled (or steered) the terminal.
    import pty

    evil = tmp_path / "cpython\x1b]2;pwned\x07.tar.gz"
    shutil.copy(env["current"].path, evil)
    master, slave = pty.openpty()
    try:
        done = subprocess.run([str(Path(sys.executable).parent / "pytui"), "cache", "import", str(evil)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, timeout=120)
        os.close(slave)
        slave = -1
        said = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the only writer (the child) has closed it
                break
            if not chunk:
                break
            said += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert done.returncode == 0, (done.stdout, said)
    assert b"importing " in said, said  # the line was drawn
    assert b"\x1b]" not in said and b"\x07" not in said, said
    assert b"\x1b]" not in done.stdout, done.stdout


def test_export_mirror_prints_how_to_use_it(env, capsys, tmp_path):
    dest = tmp_path / "mirror"
    code, out, _ = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0 and out.startswith("exported 2 archives")
    assert f"UV_PYTHON_INSTALL_MIRROR={dest.as_uri()}" in out
    assert (dest / "download-metadata.json").is_file()
    assert (dest / "20250115" / env["current"].build.release_filename).is_file()


def test_export_mirror_prints_commands_a_shell_reads_back_for_a_dir_with_a_space(env, capsys, tmp_path):
    # The lines are for pasting: `--downloads-json /tmp/my mirror $x/…` was three words and a
    # variable to a shell, and the install it printed failed.
    import shlex

    dest = tmp_path / "my mirror $HOME"
    code, out, _ = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0, out
    pytui_line, uv_line = (line for line in out.splitlines() if line.startswith("  "))
    metadata = str(dest / "download-metadata.json")
    assert shlex.split(pytui_line) == ["pytui", "--offline", "--mirror", dest.as_uri(), "--downloads-json",
                                       metadata, "install", "3.12"]
    assert shlex.split(uv_line) == ["UV_OFFLINE=1", f"UV_PYTHON_INSTALL_MIRROR={dest.as_uri()}",
                                    f"UV_PYTHON_DOWNLOADS_JSON_URL={metadata}", "uv", "python", "install", "3.12"]


def test_export_mirror_names_a_version_the_mirror_holds(tmp_path, capsys, archive_factory, monkeypatch):
    # The lines to paste said `install 3.12` for a mirror of one 3.11 archive (newuser31).
    made = archive_factory.pbs(version="3.11.11")
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache.root))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(write_uv_catalog(tmp_path / "c.json", [made.build])))
    code, out, _ = run_main(capsys, "cache", "export-mirror", str(tmp_path / "m"))
    assert code == 0, out
    pytui_line, uv_line = (line for line in out.splitlines() if line.startswith("  "))
    assert pytui_line.endswith(" install 3.11") and uv_line.endswith(" uv python install 3.11"), out


def test_export_mirror_of_an_empty_cache_fails(tmp_path, capsys):
    code, _, err = run_main(capsys, "cache", "export-mirror", str(tmp_path / "m"),
                       "--cache-dir", str(tmp_path / "empty"))
    assert code == 1 and "no archive exported" in err
    # Nothing installed: the catalog's newest stable minor (core/example_minor.py), not 3.12.
    from pytui.core.example_minor import catalog_minor
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    minor = catalog_minor(load_catalog(Settings.resolve()), detect_host())
    assert err.rstrip().endswith(f"install builds first (`pytui install {minor}`), or `pytui cache import FILE`"), err


def test_export_mirror_of_archives_another_catalog_lists_names_the_way_out(env, capsys, tmp_path, monkeypatch):
    # It said only that the cache "holds no verified … archive of the current catalog", beside
    # a `cache list` of three ok archives (downloaded under another --downloads-json).
    other = write_uv_catalog(tmp_path / "other.json", [env["downloading"].build])
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(other))
    code, _, err = run_main(capsys, "cache", "export-mirror", str(tmp_path / "m"))
    assert code == 1 and err.count("\n") == 1, err
    assert f"; the catalog ({other}) lists none of its 3 archives: pass --downloads-json with the " \
           "catalog they came from" in err, err
    assert not (tmp_path / "m").exists()


@pytest.mark.uv
def test_exported_mirror_installs_with_uv_and_pytui_offline(env, capsys, tmp_path, monkeypatch):
    dest = tmp_path / "mirror"
    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    metadata = dest / "download-metadata.json"
    key = env["current"].build.key
    # uv, offline, in an environment of its own.
    if not UV.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    uv_env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    uv_env.update({"UV_NO_CONFIG": "1", "UV_OFFLINE": "1", "UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv-root"),
                   "UV_PYTHON_BIN_DIR": str(tmp_path / "uv-bin"), "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
                   "UV_PYTHON_INSTALL_MIRROR": dest.as_uri(), "UV_PYTHON_DOWNLOADS_JSON_URL": str(metadata)})
    result = subprocess.run([str(UV), "python", "install", key], env=uv_env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "uv-root" / key / "bin" / "python3.12").exists()
    # pytui, offline, on "another machine": a fresh cache and root, only the mirror.
    import pytui.app.cmd_install as cmd_install

    if (cmd_install.__doc__ or "").startswith("Placeholder"):
        pytest.skip("pytui install is not implemented yet")
    for name in ("UV_PYTHON_CACHE_DIR", "UV_PYTHON_DOWNLOADS_JSON_URL", "UV_PYTHON_INSTALL_DIR"):
        monkeypatch.delenv(name)
    code, out, err = run_main(capsys, "--offline", "--mirror", dest.as_uri(), "--downloads-json", str(metadata),
                         "--cache-dir", str(tmp_path / "cache2"), "--install-dir", str(tmp_path / "root2"),
                         "install", key)
    assert code == 0, err
    assert (tmp_path / "root2" / key / "bin" / "python3.12").exists()


def test_export_mirror_prints_commands_bash_reads_back_for_a_dir_of_control_bytes(env, capsys, tmp_path):
    # A new line in DIR's name printed `'…/nl\nx/…'`: a backslash and an n to a shell, so the
    # pasted install looked for another directory. Now bash's $'…', which reads back as the bytes,
    # and the pasted line installs.
    import os
    import subprocess
    import sys

    dest = Path(os.fsdecode(os.fsencode(tmp_path) + b"/nl\nx\ttab 'q' \\b \xff\x1b[31m"))
    code, out, _ = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0, out
    assert len(out.splitlines()) == 4 and "\x1b" not in out, out
    pytui_line, uv_line = (line for line in out.splitlines() if line.startswith("  "))
    metadata = os.fsencode(dest / "download-metadata.json")
    said = subprocess.run(["bash", "-c", f"printf '%s\\0' {pytui_line}"], capture_output=True, check=True).stdout
    assert said.split(b"\0")[:-1] == [b"pytui", b"--offline", b"--mirror", os.fsencode(dest.as_uri()),
                                      b"--downloads-json", metadata, b"install", b"3.12"]
    said = subprocess.run(["bash", "-c", f"printf '%s\\0' {uv_line}"], capture_output=True, check=True).stdout
    assert said.split(b"\0")[2] == b"UV_PYTHON_DOWNLOADS_JSON_URL=" + metadata, said
    root = tmp_path / "fresh root"
    run = subprocess.run(["bash", "-c", f'pytui() {{ "{sys.executable}" -m pytui.app.cli "$@"; }}; {pytui_line}'],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "UV_PYTHON_INSTALL_DIR": str(root),
                              "UV_PYTHON_CACHE_DIR": str(tmp_path / "fresh cache")})
    assert run.returncode == 0, run.stderr
    assert (root / env["current"].build.key / "bin").is_dir(), run.stderr
