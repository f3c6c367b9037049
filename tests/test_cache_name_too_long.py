"""A catalog whose archive URL names a file so long that its cache name fits the filesystem's
255-byte name limit but the download's `.part.lock` beside it does not (a hostile or odd
--downloads-json; uv, whose temporary names are short, installs it): pytui said `cannot write
to the cache dir …: file name too long; pass another directory with --cache-dir …`, and another
directory would fail the same. Found driving a catalog with a 244-character file name."""

from __future__ import annotations

import json
import shutil

from cli_harness import Pytui, assert_clean_failure, key_of, snapshot


def _long_named(pytui: Pytui, length: int) -> str:
    return renamed_long(pytui, pytui.add("3.12.8"), length)


def renamed_long(pytui: Pytui, made, length: int) -> str:
    """The catalog's one entry (`made`, 3.12.8) served from a file named `length` characters
    long; its cache name."""
    doc = json.loads(pytui.catalog.read_text())
    (key, entry), = doc.items()
    stem = "cpython-3.12.8+20250115-x86_64-unknown-linux-gnu-install_only"
    source = pytui.tmp / "src" / (stem + "x" * (length - len(stem) - len(".tar.gz")) + ".tar.gz")
    source.parent.mkdir()
    shutil.copy(made.path, source)
    entry["url"] = source.as_uri()
    pytui.catalog.write_text(json.dumps({key: entry}))
    return made.build.sha256[:9] + "-" + source.name


def test_a_cache_name_too_long_for_its_part_files_is_said_as_that(pytui: Pytui) -> None:
    name = _long_named(pytui, 244)
    assert len(name) <= 255 < len(name + ".part.lock")
    before = snapshot(pytui.bin)
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert line == (
        f"error: failed to install {key_of('3.12.8')}: cannot download it into the cache dir "
        f"{pytui.cache}: its cache file name and pytui's `.part.lock` beside it ({len(name) + 10} "
        "characters) are longer than this filesystem's names (255); install it with --no-cache, "
        "or use a catalog whose URL names a shorter file; nothing was installed"), line
    assert not (pytui.root / key_of("3.12.8")).exists() and snapshot(pytui.bin) == before
    assert pytui.cached() == []
    # The next step said works.
    done = pytui.run("install", "--no-cache", "3.12")
    assert done.returncode == 0, str(done)
    assert (pytui.root / key_of("3.12.8")).is_dir()
