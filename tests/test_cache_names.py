"""Cache state and purge rules come from file names, so they do not depend on the catalog loaded.

The scenario of the issue: the same archives in one cache, listed, verified and purged under the
embedded catalog (pbs-installer's) and under uv's real catalog (tests/data): same states, same
verification, and `--superseded` removes only archives for which a newer build of the same
version, variant and platform is known.
"""

from __future__ import annotations

import lzma
import shutil
from pathlib import Path

import pytest
from fixtures_archives import make_build
from hypothesis import given
from hypothesis import strategies as st
from pytui.core.cache import ArchiveCache, archive_key
from pytui.core.cache_names import parse_cache_name, state_from_name
from pytui.core.cache_purge import purge_plan
from pytui.core.catalog import Catalog, parse_uv_json
from pytui.core.embedded import load_embedded_catalog
from pytui.core.filenames import parse_archive_name

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def uv_catalog() -> Catalog:
    data = lzma.decompress((REPO / "tests" / "data" / "download-metadata.json.xz").read_bytes())
    builds, skipped = parse_uv_json(data, "uv 0.12.5")
    return Catalog(builds, source="uv 0.12.5", skipped=skipped)


@pytest.fixture(scope="module")
def embedded() -> Catalog:
    catalog = load_embedded_catalog()
    if not catalog.builds:
        pytest.skip(f"no embedded catalog: {catalog.source}")
    return catalog


def test_every_uv_name_gives_the_builds_lineage(uv_catalog: Catalog) -> None:
    """Version, variant, platform and (modern names) build date, from the cache name alone."""
    wrong = []
    for build in uv_catalog:
        parsed = parse_cache_name(build.cache_filename)
        release = parse_archive_name(build.url)
        if release is None:  # GraalPy and Pyodide names say nothing about the key
            assert build.implementation in {"graalpy", "pyodide"}, build
            assert parsed is not None and parsed.archive is None
            continue
        assert parsed is not None and parsed.sha_prefix == build.sha256[:9]
        if build.implementation == "cpython":
            expected = (build.implementation, build.version, build.variant, build.platform)
            if parsed.lineage != expected or parsed.key != build.key:
                wrong.append(build.cache_filename)
            if not release.timestamp and parsed.archive.build != build.build:
                wrong.append(build.cache_filename)
        else:  # PyPy names give major.minor and the PyPy version
            assert parsed.lineage == ("pypy", f"{build.major}.{build.minor}", "default", build.platform)
            assert parsed.archive.build == build.build
    assert wrong == []


@given(st.text(max_size=300))
def test_any_name_parses_or_is_refused(name: str) -> None:
    parsed = parse_cache_name(name)
    assert state_from_name(name, 1) in {"ok", "partial", "unknown"}
    if parsed is not None:
        assert parsed.key is None or parsed.key.startswith(("cpython-", "pypy-"))


# Real names of each shape: modern, legacy, PyPy, with `+` and with uv's `-` for it.
_REAL_NAMES = (
    "0123456ab-cpython-3.13.1-20250115-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst",
    "none-cpython-3.12.8+20241219-aarch64-apple-darwin-install_only_stripped.tar.gz",
    "0123456ab-cpython-3.9.6-x86_64-unknown-linux-gnu-pgo+lto-20210724T1424.tar.zst",
    "none-cpython-3.14.0rc1-20250723-x86_64_v3-unknown-linux-musl-debug-full.tar.zst",
    "0123456ab-pypy3.11-v7.3.23-linux64.tar.bz2",
)
# Ten digits, 0 to 9, of scripts Python reads as numbers (`\d`, `isdecimal`, `isdigit`, int())
# and uv does not: fullwidth, Arabic-Indic, Devanagari, superscripts (`isdigit` only).
_OTHER_DIGITS = ("".join(map(chr, range(0xFF10, 0xFF1A))), "".join(map(chr, range(0x660, 0x66A))),
                 "".join(map(chr, range(0x966, 0x970))), "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


@given(st.sampled_from(_REAL_NAMES), st.integers(min_value=0), st.sampled_from(_OTHER_DIGITS))
def test_a_name_with_any_digit_from_another_script_is_no_build(name: str, position: int,
                                                                digits: str) -> None:
    """uv reads ASCII digits only: `cpython-3.１3.1-...` (a fullwidth 1) names no build."""
    assert parse_cache_name(name) is not None and parse_cache_name(name).archive is not None
    places = [i for i, ch in enumerate(name) if ch.isdigit()]
    at = places[position % len(places)]
    other = name[:at] + digits[int(name[at])] + name[at + 1:]
    parsed = parse_cache_name(other)
    assert parsed is None or parsed.archive is None, other
    assert state_from_name(other, 1) in {"ok", "unknown"}


def _host_sample(uv: Catalog, embedded: Catalog) -> dict[str, str]:
    """Real uv file names for linux-x86_64-gnu, one of each kind relative to the embedded catalog."""
    host = [b for b in uv if b.platform == "linux-x86_64-gnu" and b.implementation == "cpython"]
    by_name = embedded.by_cache_filename()
    same = next(b for b in host if b.cache_filename in by_name)
    newer_elsewhere = next(b for b in host if b.key in embedded.by_key
                           and embedded.by_key[b.key].build > b.build)
    absent = next(b for b in host if b.key not in embedded.by_key)
    older = same.cache_filename.replace(f"-{same.build}-", "-20200101-", 1)
    older = "0123456ab" + older[9:]
    return {"same": same.cache_filename, "newer in embedded": newer_elsewhere.cache_filename,
            "not in embedded": absent.cache_filename, "older than both": older}


def test_same_archives_same_states_under_either_catalog(tmp_path: Path, uv_catalog: Catalog,
                                                        embedded: Catalog, archive_factory) -> None:
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    names = _host_sample(uv_catalog, embedded)
    for name in names.values():
        (cache.root / name).write_bytes(b"archive bytes")  # states come from names: bytes do not matter
    # A real archive (its bytes match its name's prefix) that neither catalog lists.
    made = archive_factory.pbs(version="3.12.77", build_date="20250115")
    shutil.copy(made.path, cache.path_for(made.build))
    (cache.root / "python.tar.gz").write_bytes(b"who knows")

    def seen(catalog: Catalog) -> list[tuple[str, str, str | None]]:
        return [(a.name, a.state, archive_key(a)) for a in cache.list(catalog)]

    assert seen(embedded) == seen(uv_catalog) == seen(Catalog([]))
    states = {name: state for name, state, _ in seen(embedded)}
    assert states["python.tar.gz"] == "unknown"
    assert {states[n] for n in names.values()} == {"ok"} and states[made.build.cache_filename] == "ok"

    # --superseded: only where a newer build of the same lineage is known.
    def superseded(catalog: Catalog) -> set[str]:
        return {a.name for a in purge_plan(cache, catalog, rule="superseded")}

    assert superseded(uv_catalog) == {names["older than both"]}
    assert superseded(embedded) == {names["older than both"], names["newer in embedded"]}
    # Under no catalog, the cache itself knows a newer build of the "older" one's lineage.
    assert superseded(Catalog([])) == {names["older than both"]}
    # The archive neither catalog lists, and the one the embedded catalog lacks, are kept.
    assert made.build.cache_filename not in superseded(embedded) | superseded(uv_catalog)

    # verify: the real archive is ok under either catalog (by its name's hash prefix).
    only_real = [n for n in names.values()]
    for name in only_real:
        (cache.root / name).unlink()
    for catalog in (embedded, uv_catalog):
        report = cache.verify(catalog)
        assert [a.name for a in report.ok] == [made.build.cache_filename] and report.corrupt == []


def test_superseded_orders_builds_and_keeps_other_lineages(tmp_path: Path) -> None:
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    builds = {
        "old": make_build(version="3.12.8", build_date="20241219", sha256="a" * 64),
        "new": make_build(version="3.12.8", build_date="20250115", sha256="b" * 64),
        "new-full": make_build(version="3.12.8", build_date="20250115", sha256="c" * 64, flavor="full"),
        "ft-old": make_build(version="3.12.8", build_date="20241219", sha256="d" * 64, variant="freethreaded"),
        "other-patch": make_build(version="3.12.7", build_date="20241219", sha256="e" * 64),
        "musl": make_build(version="3.12.8", build_date="20241219", sha256="f" * 64, libc="musl"),
    }
    for build in builds.values():
        (cache.root / build.cache_filename).write_bytes(b"x")
    plan = {a.name for a in purge_plan(cache, None, rule="superseded")}
    assert plan == {builds["old"].cache_filename}
    # The catalog knows a newer freethreaded build: that one goes too.
    newer_ft = make_build(version="3.12.8", build_date="20250115", sha256="1" * 64, variant="freethreaded")
    plan = {a.name for a in purge_plan(cache, Catalog([newer_ft]), rule="superseded")}
    assert plan == {builds["old"].cache_filename, builds["ft-old"].cache_filename}


def test_a_partial_download_reads_the_same_percent_everywhere(tmp_path) -> None:
    # `pytui cache list` rounded (`partial 48%`) where the TUI said `◐ 47%`, and could say
    # `100%` of a `.part`.
    from pytui.core.cache_names import partial_percent
    from pytui.core.models import CachedArchive

    def part(size: int, expected: int | None) -> CachedArchive:
        return CachedArchive(tmp_path / "x.tar.gz.part", size, None, state="partial",
                             expected_size=expected)

    assert partial_percent(part(479, 1000)) == 47
    assert partial_percent(part(998, 1000)) == 99
    assert partial_percent(part(2000, 1000)) == 99
    assert partial_percent(part(10, None)) is None
    assert partial_percent(CachedArchive(tmp_path / "x.tar.gz", 10, None)) is None


def test_the_cache_lists_newest_first_as_uv_lists_keys(tmp_path) -> None:
    """`pytui cache list` and the Cached pane sorted by the key as text: 3.11.11 before
    3.11.7, 3.9 after 3.13, the older build of a key first. Now uv's order, as Installed and
    `pytui list`: newest first, the newest build of a key first, a name with no build last."""
    tail = "x86_64-unknown-linux-gnu-install_only.tar.gz"
    names = [f"{prefix}-cpython-{version}-{date}-{tail}" for prefix, version, date in (
        ("000000001", "3.11.7", "20240101"), ("000000002", "3.9.20", "20240101"),
        ("000000003", "3.11.11", "20240101"), ("000000004", "3.13.1", "20240101"),
        ("000000005", "3.13.1", "20250115"))] + ["mystery.tar.gz"]
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    for name in names:
        (cache.root / name).write_bytes(b"x")
    wanted = [names[4], names[3], names[2], names[0], names[1], "mystery.tar.gz"]
    assert [a.name for a in cache.list()] == wanted  # (the Cached pane: tests/ui/test_subtitles.py)
