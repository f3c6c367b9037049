"""Hostile archives through the CLI: `pytui cache import` + `pytui --offline install`, and a served one.

The archive is a whole PBS prefix whose stdlib dir is replaced by an attack, so that an
extractor letting it through would have the fix-ups write EXTERNALLY-MANAGED, the sysconfig
data and `bin/python` into the victim. Each run: exit 1, one `error:` line naming the key and
the refusal, the victim beside the install root byte-for-byte as it was, the earlier install,
the bin dir and the root as they were, nothing left in `.temp/`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from cli_harness import ARCH, LIBC, OS, Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive, make_build, sha256_of, sysconfigdata_text, write_archive
from hostile_archives import link_attack_pbs_members


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim"
    path.mkdir()
    (path / "secret.txt").write_text("secret\n")
    (path / "_sysconfigdata__linux_x86_64-linux-gnu.py").write_text(sysconfigdata_text("3.11.9"))
    return path


def _hostile(pytui: Pytui, members: list, version: str = "3.11.9") -> MadeArchive:
    build = make_build(version=version, os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, members, add_dirs=False)
    digest = sha256_of(path)
    made = MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                       build=build._replace(sha256=digest), kind="tar.gz")
    return pytui.serve(made)  # its build (with this sha256) goes into the catalog


@pytest.mark.parametrize("attack", ["chain_to_victim", "stdlib_link_out", "dotdot_parent", "late_link"])
def test_cache_import_then_offline_install_refuses_and_nothing_changes(pytui: Pytui, victim: Path,
                                                                       attack: str) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")  # an earlier install that must stay as it is
    made = _hostile(pytui, link_attack_pbs_members(attack, victim, "3.11.9", os_name=OS, arch=ARCH,
                                                   libc=LIBC))
    imported = pytui.run("cache", "import", str(made.path))
    assert imported.returncode == 0, str(imported)
    pytui.server.clear_requests()
    before = snapshot(pytui.root, pytui.bin)
    victim_before = snapshot(victim)

    result = pytui.run("--offline", "install", "3.11")

    line = assert_clean_failure(result)
    assert "refusing to extract" in line and made.build.key in line, line
    assert snapshot(victim) == victim_before
    assert snapshot(pytui.root, pytui.bin) == before
    assert pytui.temp_left() == [] and pytui.server.count() == 0
    assert not list(pytui.tmp.rglob("pwned.txt"))
    assert not list(pytui.tmp.rglob("EXTERNALLY-MANAGED.*.tmp"))


def test_two_top_level_dirs_say_what_is_wrong_with_the_archive(pytui: Pytui) -> None:
    from fixtures_archives import file, pbs_prefix_members

    members = [replace(m, name=f"python/{m.name}") for m in pbs_prefix_members("3.11.9", os_name=OS, arch=ARCH,
                                                                               libc=LIBC)]
    members.append(file("extra/README", "a second top-level directory\n"))
    build = make_build(version="3.11.9", os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, members)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="tar.gz"))

    line = assert_clean_failure(pytui.run("install", "3.11"))

    assert "laid out" in line and "extra/" in line and "python/" in line, line
    assert "writable" not in line, line
    assert not (pytui.root / build.key).exists() and pytui.temp_left() == []
    assert not pytui.bin.exists() or not any(pytui.bin.iterdir())


def test_empty_archive_says_it_is_empty(pytui: Pytui) -> None:
    build = make_build(version="3.11.9", os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, [])
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="tar.gz"))

    line = assert_clean_failure(pytui.run("install", "3.11"))

    assert "no files" in line and "writable" not in line, line
    assert not (pytui.root / build.key).exists() and pytui.temp_left() == []


# `_sysconfigdata_*.py` text that parses (as JSON, as a Python literal) into a lone surrogate:
# writing the fixed-up file back as UTF-8 was a UnicodeEncodeError traceback.
SURROGATE_SYSCONFIG = {
    "json value": 'build_time_vars = {"CC": "clang\\ud800", "prefix": "/install"}\n',
    "python value": "build_time_vars = {'CC': 'clang\\ud800', 'prefix': '/install'}\n",
    "python name": "build_time_vars = {'CC\\udcff': 'clang', 'prefix': '/install'}\n",
}


@pytest.mark.parametrize("text", SURROGATE_SYSCONFIG.values(), ids=SURROGATE_SYSCONFIG.keys())
def test_sysconfig_data_escaping_a_lone_surrogate_is_one_line(pytui: Pytui, text: str) -> None:
    from fixtures_archives import file

    pytui.add("3.12.8")
    pytui.call("install", "3.12")  # an earlier install that must stay as it is
    before = snapshot(pytui.root, pytui.bin)
    made = pytui.add("3.11.9", extra=[file("lib/python3.11/_sysconfigdata__linux_x86_64-linux-gnu.py", text)])

    line = assert_clean_failure(pytui.run("install", "3.11"))

    assert made.build.key in line and "lone surrogate" in line and "sysconfig data is damaged" in line, line
    assert snapshot(pytui.root, pytui.bin) == before and pytui.temp_left() == []


def test_sysconfig_data_in_no_shape_cpython_writes_is_refused_unevaluated(pytui: Pytui) -> None:
    """A `_sysconfigdata` the fast reader does not take goes to `ast.literal_eval`, whose parse
    makes a node per token: a hostile one of 16 MiB (the most a fix-up reads) took minutes and
    ~1.5 GB. Past MAX_LITERAL_EVAL_CHARS it is refused unevaluated; the earlier install stays."""
    from fixtures_archives import file, pbs_prefix_members
    from pytui.core.sysconfig_text import MAX_LITERAL_EVAL_CHARS

    hostile = "build_time_vars = {'A': (" + "1," * (MAX_LITERAL_EVAL_CHARS // 2) + ")}\n"
    members = [replace(m, name=f"python/{m.name}") if "_sysconfigdata_" not in m.name
               else file(f"python/{m.name}", hostile)
               for m in pbs_prefix_members("3.11.9", os_name=OS, arch=ARCH, libc=LIBC)]
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    _hostile(pytui, members)
    before = snapshot(pytui.root, pytui.bin)

    line = assert_clean_failure(pytui.run("install", "3.11"))

    assert "cannot parse _sysconfigdata_" in line and "past the 256 KiB pytui evaluates" in line, line
    assert snapshot(pytui.root, pytui.bin) == before and pytui.temp_left() == []
