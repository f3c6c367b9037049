"""`pytui cache verify`'s exit code for each thing it removes. Exit 1 when a kept thing is not
as pytui recorded it, each said on stderr: a corrupt archive, a changed tree, and a tree whose
manifest does not read (pytui writes a manifest before the tree gets its name, so no killed run
leaves one unreadable). Exit 0 when it only clears what is never used, said on stdout: a tree
whose archive is gone, what killed runs left. The help said `Exit 1 if any archive was corrupt
or any tree had changed`, and nothing of the other three."""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui, cache_name


def _installed(pytui: Pytui) -> tuple[str, str]:
    """3.12.8 installed, its tree kept: (the tree's sha256, the archive's file name)."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    [sha] = pytui.trees()
    return sha, cache_name(made)


def _corrupt_archive(pytui: Pytui) -> None:
    _sha, archive = _installed(pytui)
    path = pytui.cache / archive
    corrupt = bytearray(path.read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    path.write_bytes(bytes(corrupt))


def _changed_tree(pytui: Pytui) -> None:
    sha, _archive = _installed(pytui)
    with open(pytui.cache / "trees" / sha / "tree" / "lib" / "python3.12" / "site.py", "a") as f:
        f.write("# edited in place\n")


def _unreadable_manifest(pytui: Pytui) -> None:
    sha, _archive = _installed(pytui)
    (pytui.cache / "trees" / sha / "manifest.json").write_text("{not json")


def _archive_gone(pytui: Pytui) -> None:
    _sha, archive = _installed(pytui)
    os.unlink(pytui.cache / archive)


def _left_by_a_killed_run(pytui: Pytui) -> None:
    _installed(pytui)
    (pytui.cache / "trees" / (".old-" + "ab" * 32) / "tree").mkdir(parents=True)


@pytest.mark.parametrize(("damage", "code", "said"), [
    (_corrupt_archive, 1, "corrupt: "),
    (_changed_tree, 1, "changed: the unpacked tree of "),
    (_unreadable_manifest, 1, "manifest unreadable: the unpacked tree of "),
    (_archive_gone, 0, "1 unpacked tree whose archive was gone removed ("),
    (_left_by_a_killed_run, 0, "1 leftover of killed runs removed ("),
])
def test_each_thing_verify_removes_has_its_exit_code(pytui: Pytui, damage, code: int, said: str) -> None:
    damage(pytui)
    result = pytui.run("cache", "verify")
    assert result.returncode == code, str(result)
    assert said in (result.stderr if code else result.stdout), str(result)
    assert code or result.stderr == "", str(result)  # no error where there is none
    assert not [name for name in pytui.trees() if damage is not _left_by_a_killed_run or "old" in name], \
        str(result)  # what it said it removed is gone (a killed run's leftover is no install's tree)


def test_the_help_names_every_cause_of_exit_1(capsys) -> None:
    from cli_harness import run_main

    code, out, _err = run_main(capsys, "cache", "verify", "--help")
    words = " ".join(out.split())
    assert code == 0 and ("Exit 1 if any archive was corrupt, any tree had changed or any tree's manifest did not "
                          "read; trees whose archive is gone and what killed runs left are removed with exit "
                          "0") in words, words
