"""A corrupt cached archive that another pytui (or uv) replaced with good bytes while it was
being hashed is not deleted: `cache verify` and the install's hashing reader remove the file
they hashed, never whatever is at its name by then.

The replacement is made from inside the hashing (the verify's own progress callback, or
between reading and the check), with real files: the same order of events every run.
"""

from __future__ import annotations

import os
import shutil

import pytest
from pytui.core.cache import ArchiveCache
from pytui.core.cache_verify import VerifyingReader
from pytui.core.catalog import Catalog
from pytui.core.errors import HashMismatch
from pytui.core.http import MAX_ARCHIVE_BYTES
from pytui.core.progress import Progress


@pytest.fixture
def scene(tmp_path, archive_factory):
    made = archive_factory.pbs(version="3.12.8", build_date="20250115")
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    path = cache.path_for(made.build)
    path.write_bytes(bytes(b ^ 0xFF for b in made.path.read_bytes()))  # corrupt, same size
    return made, cache, path


def _replace_with_good(made, path) -> None:
    fresh = path.with_name(".fresh")
    shutil.copy(made.path, fresh)
    os.replace(fresh, path)


def test_verify_keeps_a_good_archive_put_in_place_while_it_hashed(scene):
    made, cache, path = scene
    replaced = []

    def progress(p: Progress) -> None:
        if p.done > 0 and not replaced:
            _replace_with_good(made, path)  # another pytui re-downloaded it meanwhile
            replaced.append(True)

    report = cache.verify(Catalog([made.build], source="test"), progress=progress)
    assert replaced
    assert report.corrupt == []  # nothing removed...
    assert [a.name for a in report.unchecked] == [path.name]  # ...and its new bytes not checked
    assert path.read_bytes() == made.path.read_bytes(), "verify deleted the good replacement"


def test_verify_still_removes_the_corrupt_file_nobody_replaced(scene):
    made, cache, path = scene
    report = cache.verify(Catalog([made.build], source="test"))
    assert [a.name for a, _ in report.corrupt] == [path.name]
    assert not path.exists()


def test_the_install_reader_keeps_a_good_archive_put_in_place_after_its_read(scene):
    made, _cache, path = scene
    reader = VerifyingReader(path, made.build, MAX_ARCHIVE_BYTES)
    with reader:
        while reader.read(1 << 16):
            pass
        _replace_with_good(made, path)
        with pytest.raises(HashMismatch) as failed:
            reader.verify()
    assert path.read_bytes() == made.path.read_bytes()
    assert "a new copy has replaced it" in str(failed.value)


def test_the_install_reader_removes_the_corrupt_file_it_read(scene):
    made, _cache, path = scene
    with VerifyingReader(path, made.build, MAX_ARCHIVE_BYTES) as reader, pytest.raises(HashMismatch):
        reader.verify()
    assert not path.exists()
