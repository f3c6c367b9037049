"""`pytui cache export-mirror DIR` where DIR already holds a hostile or broken
download-metadata.json (a USB stick from elsewhere): one warning line naming the file and why
its entries were not kept, never a traceback; the mirror is written whole."""

from __future__ import annotations

import json

import pytest
from cli_harness import run_main
from test_cache_cli import env  # noqa: F401 - the fixture


@pytest.mark.parametrize(("content", "why"), [
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    ("\udcff", "not valid JSON"),
], ids=["deep", "garbage", "list", "not-utf8"])
def test_a_broken_metadata_file_in_the_destination_is_one_warning(env, capsys, tmp_path,  # noqa: F811
                                                                  content, why):
    dest = tmp_path / "mirror"
    dest.mkdir()
    metadata = dest / "download-metadata.json"
    metadata.write_bytes(content.encode("utf-8", "surrogateescape"))
    code, out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("warning: ") and str(metadata) in lines[0] and why in lines[0], err
    assert out.startswith("exported 2 archives")
    assert len(json.loads(metadata.read_text())) == 2


def test_a_metadata_flood_past_the_bound_is_replaced_undecoded(env, capsys, tmp_path):  # noqa: F811
    """Tiny members decode to ~13x their bytes: a file of them just past MAX_METADATA_BYTES
    (17 MiB: ~2.5 million members, which uv's catalog of 5530 builds is far from) is said
    and replaced, never decoded."""
    from pytui.core.mirror import MAX_METADATA_BYTES

    dest = tmp_path / "mirror"
    dest.mkdir()
    metadata = dest / "download-metadata.json"
    members = (17 << 20) // 7
    metadata.write_bytes(b"{" + b",".join(b'"%x":0' % (i % 4096) for i in range(members)) + b"}")
    assert metadata.stat().st_size > MAX_METADATA_BYTES  # the bound is 16 MiB
    code, out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0, err
    assert f"larger than {MAX_METADATA_BYTES >> 20} MiB" in err and str(metadata) in err, err
    assert out.startswith("exported 2 archives")
    assert len(json.loads(metadata.read_text())) == 2


def test_a_metadata_file_that_is_a_fifo_is_not_opened(env, capsys, tmp_path):  # noqa: F811
    import os

    dest = tmp_path / "mirror"
    dest.mkdir()
    os.mkfifo(dest / "download-metadata.json")
    code, _out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0, err
    assert "is a FIFO" in err or "not a regular file" in err, err
    assert (dest / "download-metadata.json").is_file()


def test_a_readable_metadata_file_keeps_its_entries_without_a_word(env, capsys, tmp_path):  # noqa: F811
    dest = tmp_path / "mirror"
    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    code, _out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0 and err == ""


def test_nothing_exportable_says_what_to_do(tmp_path, capsys, archive_factory, monkeypatch):
    """A cache whose archives the catalog lists under other URLs (a private or loopback
    mirror): the error says why none could be exported and what catalog would do."""
    import shutil

    from fixtures_archives import write_uv_catalog
    from pytui.core.cache import ArchiveCache

    made = archive_factory.pbs(version="3.12.8").with_url("http://127.0.0.1:9/x/" + "a.tar.gz")
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    monkeypatch.setenv("UV_PYTHON_CACHE_DIR", str(cache.root))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(catalog))
    code, _out, err = run_main(capsys, "cache", "export-mirror", str(tmp_path / "m"))
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: no archive exported") and "github.com" in last, err
    assert not (tmp_path / "m").exists()


def _tree(top):
    import os

    return sorted((os.path.relpath(d, top), tuple(sorted(dirs)), tuple(sorted(files)))
                  for d, dirs, files in os.walk(top))


@pytest.mark.parametrize("blocker", ["release-dir-is-a-file", "archive-is-a-dir", "other-archive-is-a-dir",
                                     "metadata-is-a-dir"])
def test_a_path_in_the_way_is_named_and_nothing_is_exported(env, capsys, tmp_path, blocker):  # noqa: F811
    """A file where a release directory goes, or a directory where an archive or the catalog
    goes: one line naming that path (not DEST) and what to do, and DEST as it was: no archive
    renamed into place before the one in the way (checked before the first rename)."""
    from urllib.parse import unquote

    from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

    dest = tmp_path / "mirror"
    dest.mkdir()
    # Either archive in the way: whichever is renamed first, the other is not renamed either.
    targets = [unquote(b.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):]) for b in (env["current"].build, env["ft"].build)]
    if blocker == "release-dir-is-a-file":
        in_the_way = dest / targets[0].split("/")[0]
        in_the_way.write_text("a file")
        kind = "is not a directory"
    elif blocker.endswith("archive-is-a-dir"):
        in_the_way = dest / (max(targets) if blocker == "archive-is-a-dir" else min(targets))
        in_the_way.mkdir(parents=True)
        kind = "is a directory"
    else:
        in_the_way = dest / "download-metadata.json"
        in_the_way.mkdir()
        kind = "is a directory"
    before = _tree(dest)
    code, out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 1 and out == "" and "Traceback" not in err
    assert _tree(dest) == before
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert f"{in_the_way} {kind}" in err and "remove it or pass another directory" in err, err
    assert err.rstrip().endswith("nothing was exported"), err


def test_a_destination_that_is_a_symlink_loop_is_one_line(env, capsys, tmp_path):  # noqa: F811
    """DEST -> DEST: Path.resolve raised RuntimeError ('Symlink loop') on Python 3.11, a traceback."""
    import os

    dest = tmp_path / "loop"
    os.symlink(dest.name, dest)
    code, out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith(f"error: cannot export the mirror into {dest}: "), err
    assert "nothing was exported" in err and os.readlink(dest) == dest.name


def test_what_a_killed_export_left_is_removed_by_the_next_and_a_running_ones_copy_kept(
        env, capsys, tmp_path):  # noqa: F811
    """SIGTERM or kill -9 runs no clean-up: an export killed while copying left its hidden
    partial copy (`.<file>.<pid>.<hex>.tmp`, hundreds of MiB) in DEST for good, since every
    export names its copies anew. Each copy is now locked while its export runs; the next
    export removes the unlocked ones of the files it writes, and keeps a locked one."""
    import fcntl
    import os
    from urllib.parse import unquote

    from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

    dest = tmp_path / "mirror"
    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    release_file = dest / unquote(env["current"].build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
    other_file = dest / unquote(env["ft"].build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
    killed = [release_file.with_name(f".{release_file.name}.4242.7f00dead.tmp"),
              dest / ".download-metadata.json.4243.7f00beef.tmp"]
    for path in killed:
        path.write_bytes(b"half a copy")
    running = other_file.with_name(f".{other_file.name}.4244.7f00cafe.tmp")
    running.write_bytes(b"being written")
    not_ours = [dest / ".download-metadata.json.tmp", release_file.with_name(f".{release_file.name}.x.y.tmp"),
                dest / "notes.4242.7f00dead.tmp"]
    for path in not_ours:
        path.write_bytes(b"someone else's")
    with open(running, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _out, err = run_main(capsys, "cache", "export-mirror", str(dest))
    assert code == 0 and err == "", err
    assert not any(os.path.lexists(path) for path in killed)
    assert running.read_bytes() == b"being written"
    assert all(path.read_bytes() == b"someone else's" for path in not_ours)


def test_thousands_of_a_files_leftovers_are_removed_a_bounded_number_per_export(
        env, capsys, tmp_path):  # noqa: F811
    """Each export opened and tried to lock every leftover copy of a file it writes: 3,000 of
    them were all looked at by one export. Now MAX_CLEANED_BY_EXPORT per file and export; the
    next exports remove the rest."""
    from urllib.parse import unquote

    from pytui.core.mirror import MAX_CLEANED_BY_EXPORT
    from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

    dest = tmp_path / "mirror"
    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    release_file = dest / unquote(env["current"].build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
    count = 3_000
    for at in range(count):
        release_file.with_name(f".{release_file.name}.4242.{at:x}.tmp").write_bytes(b"half")

    def left() -> int:
        return sum(1 for path in release_file.parent.iterdir() if path.name.endswith(".tmp"))

    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    assert left() == count - MAX_CLEANED_BY_EXPORT
    assert run_main(capsys, "cache", "export-mirror", str(dest))[0] == 0
    assert left() == count - 2 * MAX_CLEANED_BY_EXPORT
