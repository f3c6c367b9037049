"""Hostile archives against the extractor and the fix-ups: nothing escapes, nothing hangs, one line.

For every case: the exception (ExtractError / InstallError), its one line naming the archive
(or key) and the member, and that everything outside the stage — a victim directory beside it
and the rest of the test's tmp dir — is byte-for-byte as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import snapshot
from fixtures_archives import make_pbs_archive, sysconfigdata_text, write_archive
from hostile_archives import (
    HEADER_ATTACKS,
    LINK_ATTACKS,
    benign_link_members,
    header_attack_tar,
    link_attack_members,
    to_victim,
    write_zero_bomb,
    write_zip_zero_bomb,
)
from pytui.core.errors import ExtractError, InstallError
from pytui.core.extract import extract_archive
from pytui.core.fixups import apply_fixups

KEY = "cpython-3.12.8-linux-x86_64-gnu"
# Generous: these finish in milliseconds; the bound only turns a regression into a failure, not a hang.
HANG_LIMIT = 120.0


def within(limit: float, work: Callable[[], object]) -> object:
    """Run `work` on a thread; fail (instead of hanging the suite) if it does not end in `limit` s."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # noqa: BLE001 - handed back to the test
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still running after {limit} s (a hang)"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A directory beside the stage that an attack aims at, with files worth overwriting."""
    path = tmp_path / "victim"
    path.mkdir()
    (path / "secret.txt").write_text("secret\n")
    (path / "_sysconfigdata__linux_x86_64-linux-gnu.py").write_text(sysconfigdata_text())
    (path / "lib").mkdir()
    return path


def outside_state(tmp_path: Path, stage: Path) -> dict[str, tuple]:
    """Everything in the test's tmp dir except the stage itself."""
    state = snapshot(tmp_path)
    return {k: v for k, v in state.items() if not (k == str(stage) or k.startswith(str(stage) + os.sep))}


def assert_one_line(message: str, *needles: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message
    for needle in needles:
        assert needle in message, message


def assert_no_link_out(stage: Path) -> None:
    for path in stage.rglob("*"):
        if path.is_symlink():
            try:
                resolved = path.resolve(strict=False)
            except RuntimeError:  # a loop: cannot have been written through
                continue
            assert resolved == stage or stage in resolved.parents, f"{path} -> {os.readlink(path)}"


# -- symlink attacks ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["tar", "tar.zst"])
@pytest.mark.parametrize("attack", LINK_ATTACKS)
def test_link_attacks_are_refused_and_nothing_outside_changes(tmp_path: Path, victim: Path,
                                                              attack: str, kind: str) -> None:
    archive = write_archive(tmp_path / "archives" / f"evil-{attack}.{kind}",
                            link_attack_members(attack, victim), add_dirs=False)
    stage = tmp_path / "stage" / "x1"
    stage.mkdir(parents=True)
    before = outside_state(tmp_path, stage)

    with pytest.raises(ExtractError) as info:
        within(HANG_LIMIT, lambda: extract_archive(archive, stage))

    assert_one_line(str(info.value), archive.name, "member", "refusing to extract")
    assert outside_state(tmp_path, stage) == before
    assert not list(tmp_path.rglob("pwned.txt"))
    assert_no_link_out(stage)


def test_the_issue_chain_names_the_link(tmp_path: Path, victim: Path) -> None:
    archive = write_archive(tmp_path / "evil.tar", link_attack_members("chain_to_victim", victim), add_dirs=False)
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, tmp_path / "stage")
    assert "python/lib/python3.12" in str(info.value) and "outside" in str(info.value)


@pytest.mark.parametrize("attack", ["dotdot_parent", "chain_to_stage_root", "late_link"])
def test_links_inside_the_stage_but_outside_the_install_dir_are_refused(tmp_path: Path, victim: Path,
                                                                        attack: str) -> None:
    archive = write_archive(tmp_path / "evil.tar", link_attack_members(attack, victim), add_dirs=False)
    with pytest.raises(ExtractError) as info:
        extract_archive(archive, tmp_path / "stage")
    assert "leaves the install directory" in str(info.value) or "outside the archive" in str(info.value)


def test_odd_but_inside_links_are_kept(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "ok.tar.gz", benign_link_members(), add_dirs=False)
    prefix = extract_archive(archive, tmp_path / "stage")
    assert (prefix / "c0" / "data.txt").read_text() == "data\n"  # 31 links, under the 40 allowed
    assert os.readlink(prefix / "dangling") == "missing/file.txt"
    assert (prefix / "bin" / "lib" / "data.txt").read_text() == "data\n"
    assert (prefix / "self" / "real" / "back").read_text() == "data\n"


# -- the fix-ups on hostile trees (built directly, as if an extractor had let them through) -----

FIXUP_ATTACKS = ("stdlib_dir_link", "lib_link", "externally_managed_link", "sysconfigdata_link",
                 "pkgconfig_dir_link", "pc_file_link", "bin_link", "build_link", "install_dir_link",
                 "full_install_link", "chain_in_tree")


def _hostile_tree(stage: Path, victim: Path, attack: str) -> Path:
    """A staged prefix from a real synthetic PBS archive, then altered by `attack`."""
    made = make_pbs_archive(stage.parent / "archives", with_python_link=False)
    prefix = extract_archive(made.path, stage)
    lib = prefix / "lib" / "python3.12"
    if attack == "stdlib_dir_link":
        os.rename(lib, stage / "moved-stdlib")
        lib.symlink_to(to_victim(victim))
    elif attack == "lib_link":
        os.rename(prefix / "lib", stage / "moved-lib")
        (prefix / "lib").symlink_to(victim)
    elif attack == "externally_managed_link":
        (lib / "EXTERNALLY-MANAGED").symlink_to(victim / "secret.txt")
    elif attack == "sysconfigdata_link":
        for path in lib.glob("_sysconfigdata_*.py"):
            path.unlink()
            path.symlink_to(victim / "_sysconfigdata__linux_x86_64-linux-gnu.py")
    elif attack == "pkgconfig_dir_link":
        os.rename(prefix / "lib" / "pkgconfig", stage / "moved-pc")
        (prefix / "lib" / "pkgconfig").symlink_to(victim)
        (victim / "python-3.12.pc").write_text("prefix=/install\n")
    elif attack == "pc_file_link":
        (victim / "python-3.12.pc").write_text("prefix=/install\n")
        (prefix / "lib/pkgconfig/python-3.12.pc").unlink()
        (prefix / "lib/pkgconfig/python-3.12.pc").symlink_to(victim / "python-3.12.pc")
    elif attack == "bin_link":
        os.rename(prefix / "bin", stage / "moved-bin")
        (prefix / "bin").symlink_to(victim)
        (victim / "python3.12").write_text("#!/bin/sh\n")
    elif attack == "build_link":
        (prefix / "BUILD").symlink_to(victim / "secret.txt")
    elif attack == "install_dir_link":
        os.rename(prefix, stage / "real-python")
        prefix.symlink_to(victim)
    elif attack == "full_install_link":
        (prefix / "install").symlink_to(victim)
    elif attack == "chain_in_tree":
        # The issue's chain, made directly: d1/…/d20/up -> the stage root, stdlib through it.
        deep = prefix.joinpath(*[f"d{i}" for i in range(1, 21)])
        deep.mkdir(parents=True)
        (deep / "up").symlink_to("../" * 21)
        os.rename(lib, stage / "moved-stdlib")
        lib.symlink_to("../" + "/".join(f"d{i}" for i in range(1, 21)) + "/up/" + to_victim(victim))
    else:
        raise ValueError(attack)
    return prefix


@pytest.mark.parametrize("attack", FIXUP_ATTACKS)
def test_fixups_never_write_through_a_link(tmp_path: Path, victim: Path, attack: str) -> None:
    stage = tmp_path / "stage" / "x1"
    prefix = _hostile_tree(stage, victim, attack)
    before = outside_state(tmp_path, stage)
    try:
        apply_fixups(prefix, KEY, build="20250115", final_prefix=tmp_path / "root" / KEY)
    except InstallError as err:
        assert_one_line(str(err), KEY if attack == "sysconfigdata_link" else "symlink")
    else:
        # Accepted only where the link was replaced, never followed.
        assert attack in ("externally_managed_link", "pc_file_link", "build_link", "full_install_link",
                          "sysconfigdata_link"), attack
    assert outside_state(tmp_path, stage) == before
    if attack in ("externally_managed_link", "build_link"):
        name = "lib/python3.12/EXTERNALLY-MANAGED" if attack != "build_link" else "BUILD"
        assert not (prefix / name).is_symlink() and (prefix / name).is_file()


def test_sysconfigdata_link_is_not_patched_through(tmp_path: Path, victim: Path) -> None:
    stage = tmp_path / "stage" / "x1"
    prefix = _hostile_tree(stage, victim, "sysconfigdata_link")
    with pytest.raises(InstallError, match="no _sysconfigdata"):
        apply_fixups(prefix, KEY, build="20250115")


# -- the layout (issue 7 item 12) ---------------------------------------------------------------


def test_two_top_level_dirs_say_what_is_wrong(tmp_path: Path) -> None:
    made = make_pbs_archive(tmp_path / "a")
    import tarfile

    members = []
    with tarfile.open(made.path) as tar:
        for info in tar:
            data = tar.extractfile(info).read() if info.isfile() else b""
            from fixtures_archives import Member

            kind = {tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink"}.get(info.type, "file")
            members.append(Member(info.name, kind, data, info.mode, info.linkname))
    members.append(Member("other/README", "file", b"x"))
    archive = write_archive(tmp_path / "two.tar.gz", members)
    prefix = extract_archive(archive, tmp_path / "stage")
    assert prefix == tmp_path / "stage"
    with pytest.raises(InstallError) as info:
        apply_fixups(prefix, KEY, build="20250115")
    message = str(info.value)
    assert_one_line(message, KEY, "laid out", "lib/python3.12", "other/", "python/")
    assert "writable" not in message


def test_empty_archive_is_named(tmp_path: Path) -> None:
    for name, data in (("empty.tar", bytes(1024)), ("empty2.tar", bytes(10240))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ExtractError) as info:
            extract_archive(path, tmp_path / f"stage-{name}")
        assert_one_line(str(info.value), name, "no files")


# -- tar headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", HEADER_ATTACKS)
def test_bad_headers_are_one_line_and_never_hang(tmp_path: Path, victim: Path, attack: str) -> None:
    archive = tmp_path / f"bad-{attack}.tar"
    archive.write_bytes(header_attack_tar(attack))
    stage = tmp_path / "stage"
    before = outside_state(tmp_path, stage)
    with pytest.raises(ExtractError) as info:
        within(HANG_LIMIT, lambda: extract_archive(archive, stage))
    message = str(info.value)
    assert_one_line(message, archive.name)
    assert "member" in message or "header" in message or "ends in the middle" in message, message
    assert outside_state(tmp_path, stage) == before


@pytest.mark.parametrize("attack", ["gnu_negative_size", "pax_negative_size", "dir_negative_size"])
def test_negative_size_names_the_member(tmp_path: Path, attack: str) -> None:
    archive = tmp_path / "neg.tar"
    archive.write_bytes(header_attack_tar(attack))
    with pytest.raises(ExtractError, match="negative size") as info:
        within(HANG_LIMIT, lambda: extract_archive(archive, tmp_path / "stage"))
    assert "python/" in str(info.value)


def test_member_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytui.core.stage_tree as stage_tree
    from fixtures_archives import file

    monkeypatch.setattr(stage_tree, "MAX_MEMBERS", 5)
    archive = write_archive(tmp_path / "many.tar", [file(f"python/f{i}", "x") for i in range(10)])
    with pytest.raises(ExtractError, match="past the 5 members"):
        extract_archive(archive, tmp_path / "stage")


# -- memory: bounded decompression ----------------------------------------------------------------

_PEAK = """
import resource, sys
from pathlib import Path
from pytui.core.errors import ExtractError
from pytui.core.extract import extract_archive
try:
    extract_archive(Path(sys.argv[1]), Path(sys.argv[2]))
    print("ok")
except ExtractError as err:
    print("error:", err)
# VmHWM is this process's own peak (its memory map is new since exec); ru_maxrss would carry
# the peak of the pytest process that forked it, which grows over a full suite.
status = Path("/proc/self/status")
if status.is_file():
    line = next(l for l in status.read_text().splitlines() if l.startswith("VmHWM:"))
    print(int(line.split()[1]))
else:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
# Peak resident memory allowed for one extraction (the interpreter and its imports are ~40 MB).
PEAK_LIMIT_KB = 200_000


def _peak(archive: Path, dest: Path) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", _PEAK, str(archive), str(dest)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    outcome, peak = done.stdout.strip().splitlines()
    return outcome, int(peak)


@pytest.fixture(scope="session")
def zero_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_zero_bomb(tmp_path_factory.mktemp("bomb") / "zeros.tar.zst", 1 << 30)


def test_one_gib_member_in_a_tiny_tar_zst_extracts_in_small_memory(tmp_path: Path, zero_bomb: Path) -> None:
    assert zero_bomb.stat().st_size < 100_000
    outcome, peak = _peak(zero_bomb, tmp_path / "stage")
    assert outcome == "ok"
    assert (tmp_path / "stage" / "python" / "zeros").stat().st_size == 1 << 30
    assert peak < PEAK_LIMIT_KB, f"peak RSS {peak} KB"


def test_gzip_bomb_extracts_in_small_memory(tmp_path: Path) -> None:
    bomb = write_zero_bomb(tmp_path / "zeros.tar.gz", 256 << 20, kind="tar.gz")
    outcome, peak = _peak(bomb, tmp_path / "stage")
    assert outcome == "ok" and peak < PEAK_LIMIT_KB, (outcome, peak)


@pytest.mark.parametrize("attack", ["long_name_bomb", "pax_header_bomb"])
def test_long_header_bombs_in_small_memory(tmp_path: Path, attack: str) -> None:
    import zstandard

    archive = tmp_path / f"{attack}.tar.zst"
    archive.write_bytes(zstandard.ZstdCompressor().compress(header_attack_tar(attack)))
    outcome, peak = _peak(archive, tmp_path / "stage")
    assert outcome.startswith("error:") and archive.name in outcome, outcome
    assert peak < PEAK_LIMIT_KB


@pytest.mark.parametrize(("method", "outcome"), [("deflate", "ok"), ("bzip2", "error")])
def test_a_zip_bomb_extracts_or_is_refused_in_small_memory(tmp_path: Path, method: str, outcome: str) -> None:
    # A deflated member is decompressed in bounded steps; a bzip2 one (zipfile decompresses each
    # read whole: this one took 300 MB) is refused before it is read (tests/test_zip_hostile.py).
    bomb = write_zip_zero_bomb(tmp_path / "zeros.zip", 128 << 20, method)
    assert bomb.stat().st_size < 200_000
    said, peak = _peak(bomb, tmp_path / "stage")
    assert said.split(":")[0] == outcome and peak < PEAK_LIMIT_KB, (said, peak)
