"""A kept tree whose archive is gone from the cache dir (deleted by hand, by uv's `cache clean`
on a shared cache, or left by a killed run) is never used, and every purge removes it (but one
whose requests name nothing in the cache, which removes nothing). It was
said nowhere but in `cache verify`: `cache list` counted it in `1 archive, 1 unpacked tree,
65.5 KiB` beside an archive with no `+ tree` (no row names it), and `cache purge 3.12.8` said
`nothing to remove` (with `--dry-run` too) while it removed it. Now `cache list` says it in a
line of its own, and a purge names it among what it removes, with its size.
"""

from __future__ import annotations

import os
import re

from cli_harness import Pytui, cache_name

GONE_LINE = "1 unpacked tree whose archive is gone ("
# The purges that remove such a tree, as `cache list` names them.
REMOVED_BY = ("never used; removed by `pytui cache verify`, `pytui cache purge --all` (or --superseded, "
              "--installed) or a purge that names something in the cache")


def _orphan(pytui: Pytui) -> str:
    """An install's tree whose archive was then deleted; the other archive stays (its name)."""
    return cache_name(pytui.tree_whose_archive_is_gone()[1])


def _first_line_sizes(line: str) -> tuple[int, ...]:
    """The sizes a `cache list` total line says, in bytes as pytui rounds them (KiB here)."""
    return tuple(round(float(size) * 1024) for size in re.findall(r"([0-9.]+) KiB", line))


def test_cache_list_says_a_tree_whose_archive_is_gone(pytui: Pytui) -> None:
    """Its first line said `1 archive, 65.4 KiB`: the tree's bytes as if the archive's. The
    archives and the tree are said apart, and the parts add up to the total."""
    other = _orphan(pytui)
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0, str(listed)
    total_line = listed.stdout.splitlines()[1]
    assert re.fullmatch(r"1 archive, [0-9.]+ KiB; 1 unpacked tree whose archive is gone, [0-9.]+ KiB; "
                        r"[0-9.]+ KiB in .*", total_line), str(listed)
    archive, tree, total = _first_line_sizes(total_line)
    assert abs(archive - os.path.getsize(pytui.cache / other)) < 60, total_line  # (a 0.1 KiB rounding)
    assert abs(archive + tree - total) <= 103 and tree > archive, total_line
    assert GONE_LINE in listed.stdout and REMOVED_BY in listed.stdout, str(listed)


def test_the_purges_its_line_names_remove_it_and_no_other(pytui: Pytui) -> None:
    """The line said `removed by … or any pytui cache purge`, but a purge whose request
    names nothing in the cache removes nothing (584cbec): it names the purges that do, and each
    does (a rule that matches no archive, a request naming an archive that stays after)."""
    made, other = pytui.add("3.12.8"), pytui.add("3.13.1")
    for purge in (None, ("--superseded",), ("--installed",), ("--all",), (cache_name(other),)):
        for archive in (made, other):
            pytui.call("cache", "import", str(archive.path))
        pytui.call("--offline", "install", "--reinstall", "3.12.8")
        os.unlink(pytui.cache / cache_name(made))
        assert len(pytui.trees()) == 1
        if purge is None:
            assert REMOVED_BY in pytui.run("cache", "list").stdout
            assert pytui.run("cache", "purge", "3.11").returncode == 1 and len(pytui.trees()) == 1  # names nothing
            continue
        result = pytui.run("cache", "purge", *purge)
        assert result.returncode == 0 and "removed 1 unpacked tree whose archive was gone (" in result.stdout, \
            (purge, str(result))
        assert pytui.trees() == [], purge


def test_a_purge_of_the_build_whose_tree_is_left_removes_that_tree(pytui: Pytui) -> None:
    """`cache purge --dry-run 3.12.8` with only 3.12.8's tree left said the tree would go AND
    `error: no cached archive matches 3.12.8`, exit 1. What is left of 3.12.8 is its tree: the
    request names it, both runs say it goes, exit 0."""
    other = _orphan(pytui)
    preview = pytui.run("cache", "purge", "--dry-run", "3.12.8")
    assert preview.returncode == 0 and preview.stderr == "", str(preview)
    assert preview.stdout.splitlines()[0].startswith("would remove 1 unpacked tree whose archive was gone ("), \
        str(preview)
    assert "nothing was removed (--dry-run)" in preview.stdout and len(pytui.trees()) == 1
    purged = pytui.run("cache", "purge", "3.12.8")
    assert purged.returncode == 0 and purged.stderr == "", str(purged)
    assert "nothing to remove" not in purged.stdout, str(purged)
    assert "removed 1 unpacked tree whose archive was gone (" in purged.stdout, str(purged)
    assert "freed " in purged.stdout, str(purged)
    assert pytui.trees() == [] and pytui.cached() == [other]


def test_a_purge_that_matches_nothing_is_the_error_alone(pytui: Pytui) -> None:
    """A request the cache holds nothing of removes nothing, dry run or not: the one error line,
    not the tree of another build said gone beside it."""
    other = _orphan(pytui)
    for dry_run in (("--dry-run",), ()):
        result = pytui.run("cache", "purge", *dry_run, "3.11")
        assert result.returncode == 1 and result.stdout == "", str(result)
        assert result.stderr.count("\n") == 1 and "no cached archive matches 3.11 in " in result.stderr, str(result)
        assert len(pytui.trees()) == 1 and pytui.cached() == [other]


def test_a_purge_of_an_archive_names_the_tree_whose_archive_is_gone_beside_it(pytui: Pytui) -> None:
    other = _orphan(pytui)
    purged = pytui.run("cache", "purge", "3.13.1")
    assert purged.returncode == 0, str(purged)
    assert f"removed {other} (" in purged.stdout, str(purged)
    assert "removed 1 unpacked tree whose archive was gone (" in purged.stdout, str(purged)
    assert "(1 file, 1 kept tree)" in purged.stdout, str(purged)
    assert pytui.trees() == [] and pytui.cached() == []
