"""core/extract: every format, uv's strip rules, streams, progress, cancel, corrupt and malicious archives."""

from __future__ import annotations

import io
import os
import subprocess
import threading
from pathlib import Path

import pytest
from cli_harness import tree_contents
from fixtures_archives import (
    ATTACKS,
    Member,
    directory,
    executable,
    file,
    hardlink,
    make_malicious_archive,
    malicious_members,
    symlink,
    write_archive,
)
from pytui.core.errors import Cancelled, ExtractError
from pytui.core.extract import archive_kind, extract_archive
from pytui.core.progress import CancelToken, Progress

TAR_KINDS = ("tar.gz", "tar.zst", "tar")


class OnlyRead(io.RawIOBase):
    """A non-seekable stream, like the downloader's streaming body; counts bytes handed out."""

    def __init__(self, data: bytes, piece: int = 10_000) -> None:
        self._data = data
        self._pos = 0
        self._piece = piece
        self.name = "stream"

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = min(self._piece, len(self._data) - self._pos if n < 0 else n)
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    @property
    def consumed(self) -> int:
        return self._pos


@pytest.mark.parametrize("kind", TAR_KINDS)
@pytest.mark.parametrize("threaded", [True, False])
def test_tar_formats_match_gnu_tar(tmp_path: Path, archive_factory, kind: str, threaded: bool) -> None:
    made = archive_factory.pbs(kind=kind)
    prefix = extract_archive(made.path, tmp_path / "out", threaded=threaded)
    assert prefix == tmp_path / "out" / "python"
    reference = tmp_path / "ref"
    reference.mkdir()
    subprocess.run(["tar", "-xf", str(made.path), "-C", str(reference)], check=True)
    assert tree_contents(tmp_path / "out") == tree_contents(reference)
    assert os.access(prefix / "bin/python3.12", os.X_OK)
    assert not os.access(prefix / "lib/python3.12/os.py", os.X_OK)
    assert os.readlink(prefix / "bin/python3") == "python3.12"
    assert subprocess.run([prefix / "bin/python3"], capture_output=True, text=True).stdout == "Python 3.12.8\n"


def test_zip_windows_layout(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="zip", os_name="windows", libc="none")
    prefix = extract_archive(made.path, tmp_path / "out")
    assert prefix == tmp_path / "out" / "python"
    assert (prefix / "python.exe").read_bytes().startswith(b"MZ")
    assert (prefix / "Lib" / "os.py").is_file()
    assert os.access(prefix / "python.exe", os.X_OK)
    assert not os.access(prefix / "Lib" / "os.py", os.X_OK)


def test_zip_from_stream_and_zip_symlink(tmp_path: Path, archive_factory) -> None:
    path = archive_factory.custom("links.zip", [file("python/a.txt", "a"), symlink("python/b", "a.txt")])
    stream = OnlyRead(path.read_bytes())
    prefix = extract_archive(stream, tmp_path / "out", kind="zip", name="links.zip")
    assert os.readlink(prefix / "b") == "a.txt"
    assert (prefix / "b").read_text() == "a"
    assert stream.consumed == path.stat().st_size
    assert sorted(os.listdir(tmp_path / "out")) == ["python"]  # the spool file left nothing


@pytest.mark.parametrize("kind", ["tar.zst", "tar.gz"])
def test_full_archive_strips_python_and_install(tmp_path: Path, archive_factory, kind: str) -> None:
    made = archive_factory.pbs(flavor="full", kind=kind)
    prefix = extract_archive(made.path, tmp_path / "out")
    assert prefix == tmp_path / "out" / "python" / "install"
    assert (prefix / "bin" / "python3.12").is_file()
    assert (tmp_path / "out" / "python" / "PYTHON.json").is_file()


def test_no_single_top_level_dir_keeps_dest(tmp_path: Path, archive_factory) -> None:
    path = archive_factory.custom("flat.tar.gz", [file("bin/python3.12", "x"), file("lib/os.py", "y")])
    assert extract_archive(path, tmp_path / "out") == tmp_path / "out"


@pytest.mark.parametrize("tar_format", ["gnu", "pax"])
@pytest.mark.parametrize("kind", ["tar.gz", "tar"])
def test_long_names(tmp_path: Path, archive_factory, tar_format: str, kind: str) -> None:
    made = archive_factory.pbs(long_names=True, tar_format=tar_format, kind=kind)
    prefix = extract_archive(made.path, tmp_path / "out")
    long_files = [p for p in prefix.rglob("*.py") if len(p.name) > 100]
    assert len(long_files) == 1 and len(str(long_files[0].relative_to(prefix))) > 255
    links = [p for p in prefix.rglob("l" * 110)]
    assert len(links) == 1 and os.readlink(links[0]) == long_files[0].name


def test_ustar_prefix_field(tmp_path: Path, archive_factory) -> None:
    # ustar splits names over 100 bytes into prefix + name.
    deep = "python/" + "/".join(["d" * 40] * 3) + "/module.py"
    path = archive_factory.custom("ustar.tar", [file(deep, "z")], tar_format="ustar")
    prefix = extract_archive(path, tmp_path / "out")
    assert (prefix.parent / deep).read_text() == "z"


def test_stream_source_is_read_to_the_end(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.gz")
    data = made.path.read_bytes()
    stream = OnlyRead(data + bytes(3000))  # trailing zero padding after the gzip member
    prefix = extract_archive(stream, tmp_path / "out", kind="tar.gz", name=made.path.name)
    assert (prefix / "bin" / "python3.12").is_file()
    assert stream.consumed == len(data) + 3000


def test_concatenated_gzip_members(tmp_path: Path) -> None:
    import gzip

    tar = tmp_path / "plain.tar"
    write_archive(tar, [file("python/a", "1"), file("python/b", "2")])
    data = tar.read_bytes()
    split = 1024  # inside the tar stream, on a block boundary
    path = tmp_path / "two.tar.gz"
    path.write_bytes(gzip.compress(data[:split]) + gzip.compress(data[split:]))
    prefix = extract_archive(path, tmp_path / "out")
    assert (prefix / "a").read_text() == "1" and (prefix / "b").read_text() == "2"


class FailingRead(OnlyRead):
    def __init__(self, data: bytes, fail_at: int, error: BaseException) -> None:
        super().__init__(data, piece=4096)
        self._fail_at = fail_at
        self._error = error

    def read(self, n: int = -1) -> bytes:
        if self.consumed >= self._fail_at:
            raise self._error
        return super().read(n)


@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"), Cancelled("download cancelled")])
def test_source_errors_pass_through_unchanged(tmp_path: Path, archive_factory, error: BaseException) -> None:
    made = archive_factory.pbs(kind="tar", long_names=True)
    stream = FailingRead(made.path.read_bytes(), made.size // 2, error)
    with pytest.raises(type(error)) as info:
        extract_archive(stream, tmp_path / "out", kind="tar")
    assert info.value is error


def test_progress_counts_compressed_bytes(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.zst", long_names=True)
    seen: list[Progress] = []
    extract_archive(made.path, tmp_path / "out", progress=seen.append)
    assert seen and all(p.phase == "extract" for p in seen)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == made.size


def test_progress_for_stream_with_unknown_total(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.gz")
    seen: list[Progress] = []
    extract_archive(OnlyRead(made.path.read_bytes()), tmp_path / "out", kind="tar.gz", progress=seen.append)
    assert seen[-1].done == made.size and seen[-1].total == made.size


def test_cancel_between_members(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.gz")
    token = CancelToken()
    before = threading.active_count()

    def cancel_soon(progress: Progress) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        extract_archive(made.path, tmp_path / "out", progress=cancel_soon, cancel=token)
    assert threading.active_count() == before  # the decompression thread has ended
    token2 = CancelToken()
    token2.cancel()
    with pytest.raises(Cancelled):
        extract_archive(made.path, tmp_path / "out2", cancel=token2)


def test_truncated_archive(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs(kind="tar.gz", long_names=True)
    cut = tmp_path / made.path.name
    cut.write_bytes(made.path.read_bytes()[: made.size // 2])
    with pytest.raises(ExtractError) as info:
        extract_archive(cut, tmp_path / "out")
    message = str(info.value)
    assert made.path.name in message and "\n" not in message


@pytest.mark.parametrize("kind", ["tar.gz", "tar.zst", "tar", "zip"])
def test_corrupt_archive(tmp_path: Path, archive_factory, kind: str) -> None:
    made = archive_factory.pbs(kind=kind, **({"os_name": "windows", "libc": "none"} if kind == "zip" else {}))
    data = bytearray(made.path.read_bytes())
    for index in range(len(data) // 3, len(data) // 3 + 64):
        data[index] ^= 0x5A
    bad = tmp_path / made.path.name
    bad.write_bytes(bytes(data))
    with pytest.raises(ExtractError) as info:
        extract_archive(bad, tmp_path / "out")
    assert made.path.name in str(info.value)


def test_unsupported_kind(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="unsupported archive type"):
        archive_kind("cpython-3.9.0-x86_64-unknown-linux-gnu.tar.bz2")
    assert archive_kind("x.tar.gz") == "tar.gz" and archive_kind("x.TAR.ZST") == "tar.zst"


def test_duplicates_hardlinks_and_dotslash_names(tmp_path: Path, archive_factory) -> None:
    path = archive_factory.custom("dups.tar", [
        directory("./python"),
        file("./python/a.txt", "first"),
        file("./python/a.txt", "second"),
        symlink("python/b", "a.txt"),
        file("python/b", "replaces the link"),
        hardlink("python/c", "python/a.txt"),
        executable("python//bin/./tool", "#!/bin/sh\n"),
    ], add_dirs=False)
    prefix = extract_archive(path, tmp_path / "out")
    assert (prefix / "a.txt").read_text() == "second"
    assert not (prefix / "b").is_symlink() and (prefix / "b").read_text() == "replaces the link"
    assert os.stat(prefix / "c").st_ino == os.stat(prefix / "a.txt").st_ino
    assert os.access(prefix / "bin" / "tool", os.X_OK)


def test_symlink_inside_tree_kept(tmp_path: Path, archive_factory) -> None:
    path = archive_factory.custom("links.tar.gz", [
        file("python/lib/libpython3.12.so.1.0", "elf"),
        symlink("python/lib/libpython3.12.so", "libpython3.12.so.1.0"),
        symlink("python/bin/lib", "../lib"),
        symlink("python/self", "."),
    ])
    prefix = extract_archive(path, tmp_path / "out")
    assert os.readlink(prefix / "bin" / "lib") == "../lib"
    assert (prefix / "bin" / "lib" / "libpython3.12.so").read_text() == "elf"


def _outside_targets(members: list[Member], dest: Path) -> list[Path]:
    found = []
    for member in members:
        target = Path(os.path.normpath(dest / member.name))
        if not str(target).startswith(str(dest) + os.sep):
            found.append(target)
    return found


@pytest.mark.parametrize("kind", ["tar.gz", "tar"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_malicious_archives_are_refused(tmp_path: Path, attack: str, kind: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("secret\n")
    archive = make_malicious_archive(tmp_path / "archives", attack, outside, kind=kind)
    stage = tmp_path / "stage"
    dest = stage / "dest"
    dest.mkdir(parents=True)
    before = {p for p in tmp_path.rglob("*") if dest not in p.parents}

    with pytest.raises(ExtractError) as info:
        extract_archive(archive, dest)

    message = str(info.value)
    assert "\n" not in message and archive.name in message and "member" in message
    after = {p for p in tmp_path.rglob("*") if dest not in p.parents}
    assert after == before, f"written outside the staging dir: {after - before}"
    assert os.listdir(outside) == ["secret.txt"] and secret.read_text() == "secret\n"
    assert os.stat(secret).st_nlink == 1
    for target in _outside_targets(malicious_members(attack, outside), dest):
        assert not target.exists()
    # Whatever was written stays below dest, and no link there leads out of it.
    for path in dest.rglob("*"):
        if path.is_symlink():
            assert str(path.resolve()).startswith(str(dest))


def test_malicious_zip_names(tmp_path: Path, archive_factory) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("python/../../../outside/pwned.txt", f"{outside}/pwned.txt", "python\\..\\..\\pwned.txt"):
        path = archive_factory.custom("evil.zip", [file("python/ok.txt", "ok"), file(name, "x")], add_dirs=False)
        with pytest.raises(ExtractError, match="refusing"):
            extract_archive(path, tmp_path / "stage" / name.replace("/", "_").replace("\\", "_"))
    assert os.listdir(outside) == []
    assert not (tmp_path / "pwned.txt").exists()


def test_error_for_unwritable_dest(tmp_path: Path, archive_factory) -> None:
    made = archive_factory.pbs()
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExtractError, match="cannot create"):
        extract_archive(made.path, blocker / "out")
