"""An install whose interpreter links libpython from its own lib/ (PBS's shared Linux builds:
RUNPATH `$ORIGIN/../lib`) and whose libpython is gone (a deleter killed after it): the loader
refuses to start it, so `uv python list` leaves it out. `pytui list` listed it: its stat check
looked at the interpreter and the stdlib only. It now reads the interpreter's ELF dynamic
section (core/elf_needs.py) and leaves it out too, naming the file.

The tests' interpreter is this machine's (a pyenv build, shared, RUNPATH its own prefix's
lib): the installed copy gets PBS's `$ORIGIN/../lib` written over that path in its dynamic
string table (the same length or shorter, NUL-padded), so it really loads its install's
libpython, as a PBS build does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_archives import MadeArchive
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.elf_needs import dynamic_links
from pytui.core.install_damage import missing_part
from pytui.core.installed import list_installed
from test_install_half_removed import UV, _uv_lists
from test_list_damaged import _listed, damage_warning

BASE_EXE = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
BASE_LINKS = dynamic_links(str(BASE_EXE))
SHARED = BASE_LINKS is not None and any(n.startswith("libpython") for n in BASE_LINKS.needed) \
    and f"{sys.base_prefix}/lib" in BASE_LINKS.search


def _origin_runpath(executable: Path) -> None:
    """Rewrite the interpreter's RUNPATH (this prefix's lib) to `$ORIGIN/../lib`, as a new file
    renamed over it (the installed file may be a kept tree's hard link)."""
    data = executable.read_bytes()
    old = f"{sys.base_prefix}/lib".encode() + b"\0"
    new = b"$ORIGIN/../lib"
    assert data.count(old) == 1 and len(new) < len(old)
    fresh = executable.with_name(executable.name + ".new")
    fresh.write_bytes(data.replace(old, new.ljust(len(old), b"\0")))
    fresh.chmod(0o755)
    os.replace(fresh, executable)


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason="needs uv beside the interpreter")
@pytest.mark.skipif(not SHARED, reason="this interpreter links no libpython from its prefix")
def test_an_install_whose_libpython_is_gone_is_left_out_as_uv_leaves_it_out(
        pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key, mm = made.build.key, f"{made.build.major}.{made.build.minor}"
    assert pytui.run("install", mm).returncode == 0
    _origin_runpath(pytui.root / key / f"bin/python{mm}")
    assert _listed(pytui) == ([key], "") and _uv_lists(pytui, key)

    library = f"lib/libpython{mm}.so.1.0"
    os.unlink(pytui.root / key / library)
    keys, stderr = _listed(pytui)
    assert keys == [] and not _uv_lists(pytui, key)
    assert stderr.splitlines() == [damage_warning(pytui, key, library)], stderr

    assert pytui.run("install", "--reinstall", key).returncode == 0
    assert _listed(pytui) == ([key], "")


@pytest.mark.skipif(not SHARED, reason="this interpreter links no libpython from its prefix")
def test_only_a_libpython_looked_for_in_the_install_counts(tmp_path: Path) -> None:
    """The interpreter as it is (RUNPATH this machine's prefix): its install's lib/ is not where
    the loader looks, so a libpython gone from there is no damage; with `$ORIGIN/../lib` it is."""
    mm = f"{sys.version_info.major}.{sys.version_info.minor}"
    key = f"cpython-{mm}.1-linux-x86_64-gnu"
    (tmp_path / key / "bin").mkdir(parents=True)
    (tmp_path / key / "lib").mkdir()
    exe = tmp_path / key / f"bin/python{mm}"
    exe.write_bytes(BASE_EXE.read_bytes())
    [installation] = list_installed(tmp_path)
    assert missing_part(installation) is None
    _origin_runpath(exe)
    assert missing_part(installation) == f"lib/libpython{mm}.so.1.0"
    (tmp_path / key / f"lib/libpython{mm}.so.1.0").write_bytes(b"")
    assert missing_part(installation) is None


@settings(max_examples=300)
@given(st.binary(max_size=512), st.integers(0, 200))
def test_any_bytes_read_as_elf_give_an_answer_and_no_error(tmp_path_factory: pytest.TempPathFactory,
                                                          tail: bytes, at: int) -> None:
    """The interpreter is a hostile file: truncated or garbled ELF headers (offsets past the
    end, negative or huge sizes) are "names nothing" or a bounded answer, never an error."""
    path = tmp_path_factory.mktemp("elf") / "python"
    head = BASE_EXE.read_bytes()[:4096] if BASE_EXE.exists() else b"\x7fELF\x02\x01\x01"
    path.write_bytes(head[:at] + tail + head[at + len(tail):])
    links = dynamic_links(str(path))
    assert links is None or (len(links.needed) <= 64 and all(len(n) <= 4096 for n in links.needed))
