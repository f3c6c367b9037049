"""Filesystem failures on real filesystems: read-only, full, unreadable, a file where a dir belongs.

Each case runs the CLI as a subprocess and checks the exit code, that stderr is ONE `error:` line
naming the path, the cause and what to do (never a traceback), and that the install root, the
cache, the bin dir and files outside pytui's dirs are byte-for-byte (inode, mtime, mode, sha256)
as they were.

Mechanisms, all real: a small tmpfs mounted for the test (`mount -t tmpfs -o size=..`) and
remounted read-only (`mount -o remount,ro`), or filled to the last byte; "unreadable" is
`chmod 000` seen by a process without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (`setpriv`), since
root ignores permission bits. Tests skip, saying why, where the machine allows none of these.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui, Result, assert_clean_failure, key_of, snapshot
from fixtures_archives import MadeArchive, write_uv_catalog
from fixtures_fs import Mounts, unprivileged_argv
from fixtures_http import FaultyHTTPServer
from pytui.core.install_root import InstallRoot


@pytest.fixture
def pytui(tmp_path: Path, http_server: FaultyHTTPServer) -> Pytui:
    archives = tmp_path / "archives"
    archives.mkdir()
    world = Pytui(tmp_path, http_server, archives)
    with InstallRoot(world.root).locked():  # a root in use (a failed install may not create one)
        pass
    return world


def run_unprivileged(pytui: Pytui, *args: str, **extra_env: str) -> Result:
    """pytui as root without the capabilities that bypass permission bits."""
    done = subprocess.run(unprivileged_argv(pytui.argv(*args)), env=pytui.env(**extra_env),
                          capture_output=True, text=True, timeout=120, cwd=pytui.tmp)
    return Result(list(args), done.returncode, done.stdout, done.stderr)


def one_line(result: Result, *words: str) -> str:
    """Exit 1, no traceback, exactly one `error:` line (progress lines aside), with these words."""
    line = assert_clean_failure(result)
    import os as _os
    if _os.environ.get("PEEK"):
        print("\nLINE:", result.args, "->", line)
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    return line


def everything(pytui: Pytui, *more: Path) -> dict[str, tuple]:
    return snapshot(pytui.root, pytui.cache, pytui.bin, *more)


# -- the cache dir ------------------------------------------------------------------------------


@pytest.fixture
def cached(pytui: Pytui) -> MadeArchive:
    """One archive in the cache (3.12.8), one more (3.11.11) in the catalog only."""
    made = pytui.add("3.12.8")
    pytui.add("3.11.11")
    pytui.call("cache", "import", str(made.path))
    return made


def test_read_only_cache_dir(pytui: Pytui, mounts: Mounts, cached: MadeArchive) -> None:
    uncached = pytui.add("3.10.16")
    saved = pytui.tmp / "saved"
    shutil.copytree(pytui.cache, saved)
    shutil.rmtree(pytui.cache)
    mounts.tmpfs(pytui.cache)
    shutil.copytree(saved, pytui.cache, dirs_exist_ok=True)
    mounts.remount(pytui.cache, "ro")
    before = everything(pytui)
    cause = "read-only file system"
    one_line(pytui.run("install", "3.11"), str(pytui.cache), cause, "--no-cache")
    assert everything(pytui) == before and pytui.temp_left() == []
    one_line(pytui.run("cache", "purge", "--all"), str(pytui.cache), cause)
    one_line(pytui.run("cache", "import", str(uncached.path)), str(pytui.cache), cause)
    # One cached already needs no write: said so, nothing changed.
    held = pytui.run("cache", "import", str(cached.path))
    assert held.returncode == 0 and "is already cached as" in held.stdout, str(held)
    assert everything(pytui) == before
    # Reading still works: list, and installing what is cached.
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0 and cached.build.key in listed.stdout, str(listed)
    assert pytui.run("install", "3.12").returncode == 0
    assert (pytui.root / cached.build.key).is_dir()


def test_read_only_cache_dir_with_a_corrupt_archive(pytui: Pytui, mounts: Mounts, cached: MadeArchive) -> None:
    name = cached.build.cache_filename
    data = bytearray((pytui.cache / name).read_bytes())
    shutil.rmtree(pytui.cache)
    mounts.tmpfs(pytui.cache)
    data[len(data) // 2] ^= 0xFF
    (pytui.cache / name).write_bytes(bytes(data))
    mounts.remount(pytui.cache, "ro")
    before = everything(pytui)
    result = pytui.run("cache", "verify")
    assert result.returncode == 1 and "Traceback" not in result.stderr, str(result)
    assert f"corrupt: {name}" in result.stderr and cause_in(result.stderr, "read-only file system")
    assert everything(pytui) == before


def cause_in(text: str, cause: str) -> bool:
    return cause in text.lower()


@pytest.mark.parametrize("command", [
    ("cache", "list"), ("cache", "verify"), ("cache", "purge", "--all"), ("cache", "export-mirror", "{out}"),
    ("cache", "import", "{archive}"), ("install", "3.12"),
])
def test_unreadable_cache_dir(pytui: Pytui, cached: MadeArchive, command: tuple[str, ...]) -> None:
    out = pytui.tmp / "mirror"
    args = [a.format(out=out, archive=cached.path) for a in command]
    mode = stat.S_IMODE(pytui.cache.stat().st_mode)
    before = everything(pytui, out)
    pytui.cache.chmod(0)
    try:
        result = run_unprivileged(pytui, *args)
    finally:
        pytui.cache.chmod(mode)
    one_line(result, str(pytui.cache), "permission denied")
    assert everything(pytui, out) == before


@pytest.mark.parametrize("command", [
    ("cache", "list"), ("cache", "verify"), ("cache", "purge", "--all"), ("cache", "export-mirror", "{out}"),
    ("cache", "import", "{archive}"), ("install", "3.12"), ("install", "--no-cache", "3.12"),
])
def test_cache_dir_that_is_a_file(pytui: Pytui, command: tuple[str, ...]) -> None:
    made = pytui.add("3.12.8")
    afile = pytui.tmp / "afile"
    afile.write_bytes(b"precious")
    out = pytui.tmp / "mirror"
    args = [a.format(out=out, archive=made.path) for a in command]
    before = everything(pytui, afile, out)
    result = pytui.run("--cache-dir", str(afile), *args)
    if "--no-cache" in args:  # the cache is not used at all
        assert result.returncode == 0, str(result)
        return
    one_line(result, str(afile), "not a directory", "--cache-dir")
    assert everything(pytui, afile, out) == before


def test_cache_import_refuses_what_is_not_a_regular_file(pytui: Pytui, tmp_path: Path) -> None:
    pytui.add("3.12.8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    before = everything(pytui)
    # A FIFO with no writer would block an open() forever; a device never ends.
    for source, what in ((fifo, "FIFO"), (Path("/dev/zero"), "device"), (tmp_path, "directory")):
        one_line(pytui.run("cache", "import", str(source), timeout=60), str(source), what, "regular file")
    assert everything(pytui) == before


# -- export-mirror ----------------------------------------------------------------------------


@pytest.fixture
def cached_pbs(pytui: Pytui) -> MadeArchive:
    """One archive in the cache whose catalog URL is python-build-standalone's (exportable)."""
    made = pytui.make("3.12.8", payload=True)
    write_uv_catalog(pytui.catalog, [made.build])
    pytui.call("cache", "import", str(made.path))
    return made


def test_export_mirror_into_a_file(pytui: Pytui, cached_pbs: MadeArchive) -> None:
    afile = pytui.tmp / "afile"
    afile.write_bytes(b"precious")
    before = everything(pytui, afile)
    one_line(pytui.run("cache", "export-mirror", str(afile)), str(afile), "not a directory")
    one_line(pytui.run("cache", "export-mirror", str(afile / "sub")), str(afile), "not a directory")
    assert everything(pytui, afile) == before


def test_export_mirror_into_a_read_only_dir(pytui: Pytui, mounts: Mounts, cached_pbs: MadeArchive) -> None:
    dest = mounts.tmpfs(pytui.tmp / "mirror")
    (dest / "keep.txt").write_text("keep")
    mounts.remount(dest, "ro")
    before = everything(pytui, dest)
    one_line(pytui.run("cache", "export-mirror", str(dest)), str(dest), "read-only file system")
    one_line(pytui.run("cache", "export-mirror", str(dest / "sub")), str(dest), "read-only file system")
    assert everything(pytui, dest) == before


def test_export_mirror_into_a_full_dir_leaves_nothing(pytui: Pytui, mounts: Mounts, cached_pbs: MadeArchive) -> None:
    dest = mounts.tmpfs(pytui.tmp / "mirror", size="64k")
    (dest / "keep.txt").write_text("keep")
    before = everything(pytui, dest)
    one_line(pytui.run("cache", "export-mirror", str(dest)), str(dest), "no space left")
    assert everything(pytui, dest) == before


def test_export_mirror_of_nothing_writes_nothing(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    dest = pytui.tmp / "mirror" / "deep"
    result = pytui.run("cache", "export-mirror", str(dest))
    one_line(result, "no archive exported")
    assert not (pytui.tmp / "mirror").exists()


# -- the install root -------------------------------------------------------------------------


@pytest.fixture
def installed_on_tmpfs(pytui: Pytui, mounts: Mounts) -> MadeArchive:
    mounts.tmpfs(pytui.root, size="32m")
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    assert (pytui.bin / "python3.12").is_symlink()
    mounts.remount(pytui.root, "ro")
    return made


def test_uninstall_from_a_read_only_root(pytui: Pytui, installed_on_tmpfs: MadeArchive) -> None:
    before = everything(pytui)
    one_line(pytui.run("uninstall", "3.12"), str(pytui.root), "read-only file system")
    assert everything(pytui) == before


def test_reinstall_into_a_read_only_root(pytui: Pytui, installed_on_tmpfs: MadeArchive) -> None:
    before = everything(pytui)
    one_line(pytui.run("install", "--reinstall", "3.12"), str(pytui.root), "read-only file system")
    assert everything(pytui) == before
    one_line(pytui.run("install", "--reinstall", "--no-cache", "3.12"), str(pytui.root), "read-only file system")
    assert everything(pytui) == before


def test_install_into_a_full_root_leaves_it_as_it_was(pytui: Pytui, mounts: Mounts) -> None:
    mounts.tmpfs(pytui.root, size="16m")
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.add("3.11.11", payload=True)
    mounts.fill(pytui.root)
    before = everything(pytui)
    # The extractor's own line names the archive, the member and the cause.
    one_line(pytui.run("install", "3.11"), "no space left")
    after = everything(pytui)
    # The archive was downloaded into the cache (on another filesystem) and is kept for later.
    assert {k: v for k, v in after.items() if not k.startswith(str(pytui.cache))} == \
           {k: v for k, v in before.items() if not k.startswith(str(pytui.cache))}
    assert (pytui.root / made.build.key).is_dir() and not (pytui.root / key_of("3.11.11")).exists()


# -- the state dir ----------------------------------------------------------------------------


@pytest.fixture
def served_catalog(pytui: Pytui) -> str:
    """uv's catalog format served on the loopback server, big enough (~100 kB) to fill a small disk."""
    builds = [pytui.make("3.12.8").build]
    padding = {f"cpython-3.9.{n}-linux-x86_64-gnu": {"name": "cpython", "padding": "x" * 1000} for n in range(100)}
    path = write_uv_catalog(pytui.tmp / "served.json", builds)
    import json

    doc = json.loads(path.read_text())
    doc.update(padding)
    path.write_text(json.dumps(doc))
    return pytui.server.add_file("/catalog.json", path)


@pytest.mark.parametrize("trouble", ["read-only", "full"])
def test_refresh_with_an_unwritable_state_dir(pytui: Pytui, mounts: Mounts, served_catalog: str,
                                              trouble: str) -> None:
    state = mounts.tmpfs(pytui.tmp / "state", size="64k")
    (state / "keep.txt").write_text("keep")
    if trouble == "read-only":
        mounts.remount(state, "ro")
    else:
        mounts.fill(state)
    before = everything(pytui, state)
    env = {"PYTUI_STATE_DIR": str(state), "PYTUI_CATALOG_URL": served_catalog,
           "UV_PYTHON_DOWNLOADS_JSON_URL": ""}
    result = pytui.run("list", "--refresh", "--only-downloads", **env)
    # Listing still works (the refresh is an extra); its one line says why nothing was kept.
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(state) in lines[0], str(result)
    assert ("read-only file system" if trouble == "read-only" else "no space left") in lines[0]
    assert "PYTUI_STATE_DIR" in lines[0]
    assert everything(pytui, state) == before
    # A remote --downloads-json is used for this run; the line says no copy was kept.
    result = pytui.run("list", "--only-downloads", **{**env, "UV_PYTHON_DOWNLOADS_JSON_URL": served_catalog})
    assert result.returncode == 0 and "Traceback" not in result.stderr and "3.12.8" in result.stdout, str(result)
    assert everything(pytui, state) == before


def test_uninstall_that_cannot_move_the_install_keeps_every_link(pytui: Pytui, mounts: Mounts) -> None:
    """The rename aside comes before the bin links go: a refused rename (here EBUSY, the install
    dir being a mount point) leaves links, install and root exactly as they were."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    prefix = pytui.root / made.build.key
    saved = pytui.tmp / "saved"
    shutil.copytree(prefix, saved, symlinks=True)
    mounts.tmpfs(prefix)
    shutil.copytree(saved, prefix, symlinks=True, dirs_exist_ok=True)
    before = everything(pytui)
    assert (pytui.bin / "python3.12").is_symlink()
    one_line(pytui.run("uninstall", "3.12"), str(pytui.root), "nothing was removed")
    assert everything(pytui) == before


def test_uninstall_with_a_read_only_bin_dir_says_which_link_stayed(pytui: Pytui, mounts: Mounts) -> None:
    made = pytui.add("3.12.8")
    mounts.tmpfs(pytui.bin, size="1m")
    pytui.call("install", "3.12")
    link = pytui.bin / "python3.12"
    assert link.is_symlink()
    mounts.remount(pytui.bin, "ro")
    line = one_line(pytui.run("uninstall", "3.12"), str(link), "read-only file system", "by hand")
    assert line.startswith(f"error: uninstalled {made.build.key}")
    assert not (pytui.root / made.build.key).exists() and link.is_symlink()


# -- the last line of defence -----------------------------------------------------------------


def test_an_unexpected_os_error_is_one_line_naming_the_path(monkeypatch, capsys) -> None:
    """Any OSError nothing closer handled: one line with the path and the cause, exit 1."""
    import errno

    from pytui.app import cmd_cache
    from pytui.app.cli import main

    def broken_disk(args: object) -> int:
        raise OSError(errno.EIO, "Input/output error", "/mnt/disk/somewhere")

    monkeypatch.setattr(cmd_cache, "_run_dir", broken_disk)
    code = main(["cache", "dir"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: /mnt/disk/somewhere: input/output error; check that path")


def test_a_reader_that_goes_away_is_not_an_error(pytui: Pytui) -> None:
    """`pytui cache list | head -0`: the pipe has no reader from the start (EPIPE on the first
    write, whatever the timing); pytui stops quietly, no traceback, no message."""
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    # Buffered, as in a user's shell: with PYTHONUNBUFFERED (set where the suite ran) the write
    # failed inside the command, and the interpreter's flush at exit, which said `Exception
    # ignored … BrokenPipeError` and exited 120, was never met.
    env = {k: v for k, v in pytui.env().items() if k != "PYTHONUNBUFFERED"}
    for command in (("cache", "list"), ("dir",)):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(pytui.argv(*command), env=env, stdout=write_end,
                                  stderr=subprocess.PIPE, text=True, timeout=120, cwd=pytui.tmp)
        finally:
            os.close(write_end)
        assert done.returncode == 1 and done.stderr == "", (command, done.stderr)


def test_write_cause_names_the_file_in_the_way(tmp_path: Path) -> None:
    """A state dir that is a file (PYTUI_STATE_DIR=/dev/null): making it fails with EEXIST,
    which the OS words `File exists`; the file that is not a directory is named instead."""
    from pytui.core.fs_errors import write_cause

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for made in (blocker, blocker / "deeper"):
        log = made / "tui-history.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text("")
        except OSError as err:
            assert write_cause(err, log) == f"{blocker} is not a directory"
        else:
            raise AssertionError("a directory was made over a file")
    assert write_cause(OSError(errno.EROFS, "x"), tmp_path / "f") == "read-only file system"
