"""Hostile zip archives (the Windows builds' kind): an encrypted member, a member compressed
other than deflate (a bzip2 bomb), a member with no name, any bytes of the headers changed
(Hypothesis), and a central directory too large or listing too many members, each refused in
one line before any member is written, in bounded memory; through the CLI, an install of such
a zip leaves what was there as it was."""

from __future__ import annotations

import shutil
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from cli_harness import ARCH, LIBC, OS, Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive, make_build, sha256_of
from hostile_archives import recompress_zip, write_zip_zero_bomb
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core import zip_reader
from pytui.core.errors import ExtractError
from pytui.core.extract import extract_archive


def _encrypted_zip(path: Path) -> Path:
    """A zip whose members have the encrypted flag set (their bytes are plain, as zipfile never
    gets to read them)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("python/ok.txt", b"ok")
        zf.writestr("python/bin/python3.12", b"#!/bin/sh\n")
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags_at] |= 0x1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def _zip_with_a_nameless_member(path: Path) -> Path:
    """A zip whose second member's name starts with a NUL, which zipfile cuts there: a member
    named '' (zipfile's `is_dir` then raised IndexError out of the install)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("python/ok.txt", b"ok")
        zf.writestr("QQQQ", b"x")
    path.write_bytes(path.read_bytes().replace(b"QQQQ", b"\0QQQ"))
    return path


def _zip_of_empty_members(path: Path, count: int, *, extra: int = 0) -> Path:
    """`count` stored empty members `python/<n>`, each central entry with `extra` bytes of an
    extra field: written by hand, as zipfile takes minutes for a million."""
    local, central = bytearray(), bytearray()
    for index in range(count):
        name = f"python/{index:x}".encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0, 0, 0, 0, 0, 0, 0,
                               len(name), extra, 0, 0, 0, 0o100644 << 16, offset) + name + bytes(extra)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                      len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def test_an_encrypted_member_is_refused_in_one_line(tmp_path: Path) -> None:
    archive = _encrypted_zip(tmp_path / "evil.zip")
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, tmp_path / "stage" / "dest")
    message = str(info.value)
    assert "\n" not in message and "evil.zip" in message and "python/ok.txt" in message, message
    assert "encrypted" in message, message


@pytest.mark.parametrize("method", ["bzip2", "lzma"])
def test_a_zip_member_compressed_other_than_deflate_is_refused_by_name(tmp_path: Path, method: str) -> None:
    # zipfile decompresses each read of a bzip2 or lzma member whole: 1 GiB of zeros is 785
    # bytes of bzip2, and it took 2.1 GB to extract. PBS and PyPy zips are deflated.
    bomb = write_zip_zero_bomb(tmp_path / "zeros.zip", 1 << 20, method)
    with pytest.raises(ExtractError) as caught:
        extract_archive(bomb, tmp_path / "stage")
    line = str(caught.value)
    assert line.startswith("refusing to extract zeros.zip: member 'python/zeros' is compressed with "
                           f"{method}") and "\n" not in line, line
    assert not (tmp_path / "stage" / "python" / "zeros").exists()


def test_a_member_with_an_empty_name_is_refused_in_one_line(tmp_path: Path) -> None:
    archive = _zip_with_a_nameless_member(tmp_path / "evil.zip")
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, tmp_path / "stage")
    assert str(info.value) == "refusing to extract evil.zip: a member has an empty name", str(info.value)


def test_a_central_directory_past_the_member_cap_is_refused_before_any_member(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cap made small, so the zip is small: the rule is the same at a million.
    monkeypatch.setattr(zip_reader, "MAX_MEMBERS", 500)
    archive = _zip_of_empty_members(tmp_path / "many.zip", 501)
    dest = tmp_path / "stage" / "dest"
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, dest)
    message = str(info.value)
    assert "\n" not in message and "many.zip" in message and "central directory" in message, message
    assert "500 members" in message, message
    assert not dest.exists() or list(dest.rglob("*")) == []  # refused before any member was written


def test_a_zip_at_the_member_cap_extracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_reader, "MAX_MEMBERS", 500)
    prefix = extract_archive(_zip_of_empty_members(tmp_path / "enough.zip", 500), tmp_path / "dest")
    assert len(list(prefix.iterdir())) == 500


def test_a_central_directory_past_its_byte_bound_is_refused(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_reader, "MAX_CENTRAL_DIRECTORY_BYTES", 64 << 10)
    # 4 members, each central entry carrying 20,000 bytes of extra field: 80 KB of directory.
    archive = _zip_of_empty_members(tmp_path / "fat.zip", 4, extra=20_000)
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, tmp_path / "dest")
    assert "central directory" in str(info.value) and "65536" in str(info.value), str(info.value)


def test_installing_an_encrypted_zip_is_one_error_line_and_changes_nothing(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.call("install", "3.11")  # an earlier install that must stay as it is
    build = make_build(version="3.12.8", os_name=OS, arch=ARCH, libc=LIBC, kind="zip")
    path = _encrypted_zip(pytui.archives / build.release_filename)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="zip"))
    before = snapshot(pytui.root, pytui.bin)

    line = assert_clean_failure(pytui.run("install", "3.12"))

    assert "encrypted" in line and build.key in line, line
    assert snapshot(pytui.root, pytui.bin) == before
    assert pytui.temp_left() == []


def _zip_end_made_hostile(data: bytes, how: str) -> bytes:
    """A real PBS-layout zip's end made hostile: a second end record after it, a comment holding
    an end record, or an end record counting more entries than its directory could hold."""
    end = data[-22:]
    size, offset = struct.unpack("<II", end[12:20])
    if how == "two ends":
        return data + end
    if how == "comment holds an end":
        return data[:-2] + struct.pack("<H", 22) + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 1, 1, 46, 0, 0)
    assert how == "counts past the file"
    return data[:-22] + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, offset, 0)


@pytest.mark.parametrize(("how", "cause"), [
    ("two ends", "it has two end-of-central-directory records"),
    ("comment holds an end", "it has two end-of-central-directory records"),
    ("counts past the file", "its end record counts 65535 entries, more than its"),
])
def test_installing_a_zip_with_a_hostile_end_is_one_line_and_changes_nothing(pytui: Pytui, how: str,
                                                                             cause: str) -> None:
    pytui.add("3.11.9")
    pytui.call("install", "3.11")  # an earlier install and its cached archive, which must stay as they are
    made = pytui.make("3.12.8", kind="zip")
    made.path.write_bytes(_zip_end_made_hostile(made.path.read_bytes(), how))
    digest = sha256_of(made.path)
    pytui.serve(MadeArchive(path=made.path, sha256=digest, size=made.path.stat().st_size,
                            build=made.build._replace(sha256=digest), kind="zip"))
    before = snapshot(pytui.root, pytui.bin, pytui.cache)

    line = assert_clean_failure(pytui.run("install", "--no-cache", "3.12"))

    assert made.build.key in line and f"the zip is corrupt or unsupported ({cause}" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
    assert pytui.temp_left() == []


def test_the_same_zip_with_its_own_end_installs(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", kind="zip")
    pytui.call("install", "3.12")
    assert (pytui.root / made.build.key / "bin").is_dir()


def test_installing_a_bzip2_zip_is_one_error_line_and_changes_nothing(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.call("install", "3.11")  # an earlier install and its cached archive, which must stay as they are
    made = pytui.make("3.12.8", kind="zip")
    recompress_zip(made.path, "bzip2")
    digest = sha256_of(made.path)
    pytui.serve(MadeArchive(path=made.path, sha256=digest, size=made.path.stat().st_size,
                            build=made.build._replace(sha256=digest), kind="zip"))
    before = snapshot(pytui.root, pytui.bin, pytui.cache)

    line = assert_clean_failure(pytui.run("install", "--no-cache", "3.12"))

    assert made.build.key in line and "is compressed with bzip2; pytui reads stored and deflated" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
    assert pytui.temp_left() == []


def test_installing_a_zip_with_a_nameless_member_is_one_error_line_and_changes_nothing(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.call("install", "3.11")  # an earlier install and its cached archive, which must stay as they are
    build = make_build(version="3.12.8", os_name=OS, arch=ARCH, libc=LIBC, kind="zip")
    path = _zip_with_a_nameless_member(pytui.archives / build.release_filename)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="zip"))
    before = snapshot(pytui.root, pytui.bin, pytui.cache)

    line = assert_clean_failure(pytui.run("install", "--no-cache", "3.12"))

    assert build.key in line and "a member has an empty name" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
    assert pytui.temp_left() == []


def _small_pbs_zip() -> bytes:
    """A deflated zip with a directory, files and a symlink, as a PBS zip holds them."""
    path = Path(tempfile.mkdtemp(prefix="pytui-zip-")) / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, mode, data in (("python/", stat.S_IFDIR | 0o755, b""),
                                 ("python/bin/python3.12", stat.S_IFREG | 0o755, b"#!x" * 50),
                                 ("python/lib/os.py", stat.S_IFREG | 0o644, bytes(range(256))),
                                 ("python/link", stat.S_IFLNK | 0o777, b"bin/python3.12")):
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    data = path.read_bytes()
    shutil.rmtree(path.parent)
    return data


def _field_offsets(data: bytes, *, names: bool = False) -> list[int]:
    """Where the fields of every header are: each local and central entry's flags, method,
    sizes, name and extra lengths, mode and offset; the end record's. With `names`, where each
    central entry's name starts."""
    out = []
    central = (46,) if names else (8, 10, 20, 24, 28, 30, 32, 34, 40, 41, 42, 45)
    for signature, fields in ((b"PK\x03\x04", () if names else (6, 8, 18, 22, 26, 28, 30)),
                              (b"PK\x01\x02", central),
                              (b"PK\x05\x06", () if names else (4, 8, 10, 12, 16, 20))):
        at = data.find(signature)
        while at >= 0:
            out += [at + field for field in fields if at + field < len(data)]
            at = data.find(signature, at + 4)
    return out


_ZIP = _small_pbs_zip()
# Values a hostile field holds most often: zero (a NUL in a name too), all ones, a sign bit.
_BYTES = st.one_of(st.sampled_from([0, 0xFF, 0x80, 0x7F, 0x2F, 0x2E]), st.integers(0, 255))
_PLACES = st.one_of(st.sampled_from(_field_offsets(_ZIP, names=True)), st.sampled_from(_field_offsets(_ZIP)),
                    st.integers(0, len(_ZIP) - 1))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(_PLACES, _BYTES), min_size=1, max_size=4))
def test_any_changed_bytes_give_a_tree_or_one_clean_line(changes: list) -> None:
    data = bytearray(_ZIP)
    for at, value in changes:
        data[at] = value
    work = Path(tempfile.mkdtemp(prefix="pytui-zip-"))
    try:
        (work / "a.zip").write_bytes(bytes(data))
        try:
            extract_archive(work / "a.zip", work / "stage")
        except ExtractError as err:
            assert "\n" not in str(err) and "a.zip" in str(err), str(err)
        assert sorted(p.name for p in work.iterdir()) == ["a.zip", "stage"]
    finally:
        shutil.rmtree(work)
