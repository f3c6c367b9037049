"""The archive cache: uv's names, verified commits, list/verify/purge/import/export, and uv itself."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from download_doubles import FAST
from fixtures_archives import file, make_pbs_archive
from pytui.core.cache import (
    ArchiveCache,
    CacheError,
    archive_key,
    archive_percent,
    key_from_cache_name,
    uv_json_entry,
)
from pytui.core.cache_purge import purge_plan, remove_archives
from pytui.core.catalog import Catalog, parse_uv_json
from pytui.core.download import Downloader
from pytui.core.errors import Cancelled, DownloadError, HashMismatch, OfflineError
from pytui.core.http import TransferLimits
from pytui.core.progress import CancelToken, Progress
from pytui.core.settings import Settings
from pytui.core.urls import download_urls

UV = Path(sys.executable).parent / "uv"
# Incompressible bytes, so archives are big enough (~200 KB) to be cut mid-body.
PAYLOAD = file("lib/python3.12/payload.bin", os.urandom(200_000))


@pytest.fixture
def cache(tmp_path):
    return ArchiveCache(tmp_path / "cache")


@pytest.fixture
def made(archive_factory):
    """A small PBS archive whose build has uv's GitHub URL (as the real catalog has)."""
    return archive_factory.pbs(version="3.12.8", build_date="20250115", extra=[PAYLOAD])


def _snapshot(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def _catalog(*builds):
    return Catalog(list(builds), source="test catalog")


# -- fetch ----------------------------------------------------------------------------------
def test_fetch_names_the_archive_like_uv_and_reuses_it(cache, made, http_server, downloader):
    url = http_server.add("/a.tar.gz", made.path.read_bytes())
    path = cache.fetch(made.build, [url], downloader=downloader)
    assert path == cache.root / f"{made.sha256[:9]}-{made.build.filename}"
    assert "+" not in path.name and "%2B" not in path.name and "-20250115-" in path.name
    assert path.read_bytes() == made.path.read_bytes() and cache.has(made.build)
    assert sorted(p.name for p in cache.root.iterdir()) == [path.name]  # no .part, .json or .lock left
    assert cache.fetch(made.build, [url], downloader=downloader) == path
    assert http_server.count("/a.tar.gz") == 1


def test_fetch_uses_uv_url_order_from_settings(cache, made, http_server, monkeypatch):
    """With a mirror in the settings, the URL comes from core.urls (mirror alone, as uv)."""
    http_server.add(f"/mirror/20250115/{made.build.url.rsplit('/', 1)[1]}", made.path.read_bytes())
    settings = Settings.resolve(mirror=http_server.url("/mirror"), cache_dir=cache.root)
    assert download_urls(made.build, settings)[0].startswith(http_server.base_url)
    assert cache.fetch(made.build, settings=settings).is_file()


FAULTS = {
    "cut": {"cut_at": 100_000},
    "reset": {"reset_at": 100_000},
    "500 then 200": {"fail": 2},
    "trickle": {"rate": 1_000_000},
    "ignore range + cut": {"cut_at": 100_000, "ignore_range": True},
    "no validators + cut": {"cut_at": 100_000, "etag": False, "last_modified": False},
    "stall": {"stall_at": 100_000, "stall_seconds": 10},
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_every_flaky_server_ends_in_a_verified_archive(cache, made, http_server, fault, archive_factory):
    other = archive_factory.pbs(version="3.11.11")
    cache.root.mkdir()
    shutil.copy(other.path, cache.path_for(other.build))
    before = _snapshot(cache.root)
    url = http_server.add("/a", made.path.read_bytes(), **FAULTS[fault])
    with Downloader(backoff=FAST, limits=TransferLimits(read_timeout=0.5)) as dl:
        path = cache.fetch(made.build, [url], downloader=dl)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == made.sha256
    after = _snapshot(cache.root)
    assert after.pop(path.name) == made.path.read_bytes() and after == before
    if fault in ("cut", "reset", "stall"):
        assert http_server.resumed("/a")


BROKEN = {
    "404": ({"status": 404}, DownloadError),
    "always 500": ({"fail": 99}, DownloadError),
    "wrong bytes": ({"corrupt": True}, HashMismatch),
}


@pytest.mark.parametrize("fault", BROKEN, ids=list(BROKEN))
def test_every_broken_server_is_a_clear_error_with_the_cache_as_it_was(cache, made, http_server, fault,
                                                                        archive_factory):
    other = archive_factory.pbs(version="3.11.11")
    cache.root.mkdir()
    shutil.copy(other.path, cache.path_for(other.build))
    before = _snapshot(cache.root)
    faults, error = BROKEN[fault]
    url = http_server.add("/a", made.path.read_bytes(), **faults)
    with Downloader(backoff=FAST, retries=2) as dl, pytest.raises(error) as err:
        cache.fetch(made.build, [url], downloader=dl)
    message = str(err.value)
    assert made.build.key in message and url in message and "\n" not in message
    if error is HashMismatch:
        assert made.sha256 in message and "computed" in message
    assert _snapshot(cache.root) == before


def test_cancel_leaves_a_partial_that_list_shows_and_fetch_resumes(cache, made, http_server, archive_factory):
    big = archive_factory.pbs(version="3.13.1", extra=[PAYLOAD])
    data = big.path.read_bytes()
    url = http_server.add("/big", data, rate=len(data) * 2)  # about half a second
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        if p.done >= len(data) // 4:
            token.cancel()

    with Downloader(backoff=FAST) as dl, pytest.raises(Cancelled):
        cache.fetch(big.build, [url], downloader=dl, progress=cancel_midway, cancel=token)
    assert not cache.has(big.build)
    [partial] = cache.list(_catalog(big.build))
    assert partial.state == "partial" and partial.build == big.build
    assert partial.expected_size == len(data) and 0 < archive_percent(partial) < 100
    http_server.set_faults("/big", rate=None)
    with Downloader(backoff=FAST) as dl:
        path = cache.fetch(big.build, [url], downloader=dl)
    assert path.read_bytes() == data and http_server.resumed("/big")
    assert [a.state for a in cache.list(_catalog(big.build))] == ["ok"]


def test_two_fetches_of_one_archive_download_it_once(cache, made, http_server):
    data = made.path.read_bytes()
    url = http_server.add("/a", data, rate=max(10_000, len(data) * 4))  # ~0.25 s
    results: list[object] = []

    def fetch() -> None:
        with Downloader(backoff=FAST) as dl:
            try:
                results.append(cache.fetch(made.build, [url], downloader=dl))
            except Exception as err:  # noqa: BLE001 - reported below
                results.append(err)

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [cache.path_for(made.build)] * 2
    assert http_server.count("/a") == 1


def test_offline_and_not_cached_fails_with_uv_wording_and_no_socket(cache, made, no_sockets):
    settings = Settings.resolve(offline=True, cache_dir=cache.root)
    with pytest.raises(OfflineError) as err:
        cache.fetch(made.build, settings=settings)
    message = str(err.value)
    assert message.startswith("An offline Python installation was requested, but "
                              f"{made.build.key} (from https://releases.astral.sh/")
    assert f"is missing in {cache.root}" in message
    assert no_sockets == [] and not cache.root.exists()


def test_offline_with_a_file_mirror_fetches_into_the_cache(cache, made, tmp_path, no_sockets):
    mirror = tmp_path / "mirror" / "20250115"
    mirror.mkdir(parents=True)
    shutil.copy(made.path, mirror / made.build.release_filename)
    settings = Settings.resolve(offline=True, cache_dir=cache.root, mirror=(tmp_path / "mirror").as_uri())
    path = cache.fetch(made.build, settings=settings)
    assert path.read_bytes() == made.path.read_bytes() and no_sockets == []


# -- list / verify --------------------------------------------------------------------------
def test_list_tells_ok_partial_and_unknown_and_ignores_the_rest(cache, made, archive_factory):
    old = archive_factory.pbs(version="3.12.7", build_date="20241219")
    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    shutil.copy(old.path, cache.path_for(old.build))  # a build the catalog no longer lists
    part = cache.part_path(made.build._replace(patch=9, sha256="ab" * 32))
    part.write_bytes(b"x" * 250)
    part.with_name(part.name + ".json").write_text(json.dumps({"total": 1000}))
    (cache.root / "README.txt").write_text("not an archive")
    (cache.root / ".tmpabc").mkdir()  # uv's temp dirs
    listed = {a.name: a for a in cache.list(_catalog(made.build))}
    assert set(listed) == {made.build.cache_filename, old.build.cache_filename, part.name}
    assert listed[made.build.cache_filename].state == "ok"
    assert listed[made.build.cache_filename].build == made.build
    # Not in this catalog, but its name says what it is: the state does not depend on the catalog.
    assert listed[old.build.cache_filename].state == "ok" and listed[old.build.cache_filename].build is None
    assert archive_key(listed[old.build.cache_filename]) == old.build.key
    assert listed[part.name].state == "partial" and archive_percent(listed[part.name]) == 25.0
    assert cache.total_size() == made.size + old.size + 250
    # Not a uv name: unknown; an empty file under uv's name: corrupt.
    (cache.root / "python.tar.gz").write_bytes(b"x")
    (cache.root / f"{'0' * 9}-{made.build.filename}").write_bytes(b"")
    states = {a.name: a.state for a in cache.list()}
    assert states["python.tar.gz"] == "unknown" and states[f"{'0' * 9}-{made.build.filename}"] == "corrupt"


def test_key_from_cache_name_recovers_keys_of_the_real_catalog(uv_catalog_path):
    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), "uv")
    cpython = [b for b in builds if b.implementation == "cpython"]
    assert len(cpython) > 5000
    assert [b.key for b in cpython if key_from_cache_name(b.cache_filename) != b.key] == []


def test_verify_finds_and_removes_a_corrupt_archive(cache, made, archive_factory):
    other = archive_factory.pbs(version="3.11.11")
    stray = archive_factory.pbs(version="3.10.16")
    cache.root.mkdir()
    for m in (made, other, stray):
        shutil.copy(m.path, cache.path_for(m.build))
    bad = bytearray(made.path.read_bytes())
    bad[len(bad) // 2] ^= 0xFF
    cache.path_for(made.build).write_bytes(bytes(bad))
    seen: list[Progress] = []
    report = cache.verify(_catalog(made.build, other.build), progress=seen.append)
    assert [a.name for a, _ in report.corrupt] == [made.build.cache_filename]
    assert report.corrupt[0][1] == hashlib.sha256(bytes(bad)).hexdigest()
    # The stray archive is checked against the sha256 prefix in its uv name.
    assert sorted(a.name for a in report.ok) == sorted([other.build.cache_filename, stray.build.cache_filename])
    assert not cache.has(made.build) and cache.has(other.build)
    assert seen[-1].phase == "verify" and seen[-1].done == seen[-1].total
    # A stray archive whose bytes do not match its name's prefix is corrupt too.
    cache.path_for(stray.build).write_bytes(b"junk")
    report = cache.verify(_catalog(other.build))
    assert [a.name for a, _ in report.corrupt] == [stray.build.cache_filename]


def test_open_verified_removes_a_corrupt_archive(cache, made):
    cache.root.mkdir()
    cache.path_for(made.build).write_bytes(made.path.read_bytes()[:-10] + b"0123456789")
    with cache.open_verified(made.build) as reader:
        reader.read(100)
        with pytest.raises(HashMismatch, match="removed"):
            reader.verify()
    assert not cache.has(made.build)
    shutil.copy(made.path, cache.path_for(made.build))
    with cache.open_verified(made.build) as reader:
        assert reader.verify() == made.sha256


# -- purge ----------------------------------------------------------------------------------
def test_purge_plans_by_rule_and_key(cache, made, archive_factory):
    old = archive_factory.pbs(version="3.12.8", build_date="20241219")  # same key, older build
    ft = archive_factory.pbs(version="3.13.1", variant="freethreaded")
    cache.root.mkdir()
    for m in (made, old, ft):
        shutil.copy(m.path, cache.path_for(m.build))
    catalog = _catalog(made.build, ft.build)
    names = lambda plan: sorted(a.name for a in plan)  # noqa: E731
    assert names(purge_plan(cache, catalog, rule="all")) == names(cache.list())
    assert names(purge_plan(cache, catalog, rule="superseded")) == [old.build.cache_filename]
    assert names(purge_plan(cache, catalog, rule="installed", installed_keys=[made.build.key])) == sorted(
        [made.build.cache_filename, old.build.cache_filename])
    assert names(purge_plan(cache, catalog, keys=[ft.build.key])) == [ft.build.cache_filename]
    assert ft.build.key == "cpython-3.13.1+freethreaded-linux-x86_64-gnu"
    plan = purge_plan(cache, catalog, rule="superseded")
    assert remove_archives(cache, plan) == old.size
    assert names(cache.list()) == sorted([made.build.cache_filename, ft.build.cache_filename])


def test_remove_never_touches_files_outside_the_root(cache, made, tmp_path):
    outside = tmp_path / "precious.tar.gz"
    outside.write_bytes(b"keep me")
    from pytui.core.models import CachedArchive

    assert remove_archives(cache, [CachedArchive(path=outside, size=7)]) == 0
    assert outside.read_bytes() == b"keep me"


# -- import ---------------------------------------------------------------------------------
def test_import_known_and_unknown_files(cache, made, archive_factory, tmp_path):
    catalog = _catalog(made.build)
    renamed = tmp_path / "downloaded-by-hand.tgz"
    shutil.copy(made.path, renamed)
    imported = cache.import_file(renamed, catalog).archive
    assert imported.path == cache.path_for(made.build) and imported.build == made.build
    assert imported.path.read_bytes() == made.path.read_bytes() and renamed.exists()
    stranger = archive_factory.pbs(version="3.9.21")
    with pytest.raises(CacheError) as err:
        cache.import_file(stranger.path, catalog)
    message = str(err.value)
    assert str(stranger.path) in message and stranger.sha256 in message and "\n" not in message
    assert sorted(p.name for p in cache.root.iterdir()) == [made.build.cache_filename]
    with pytest.raises(CacheError, match="no such file"):
        cache.import_file(tmp_path / "missing.tar.gz", catalog)


# -- export-mirror --------------------------------------------------------------------------
def test_uv_json_entry_rewrites_the_real_catalog_exactly(uv_catalog_path):
    raw = json.loads(uv_catalog_path.read_bytes())
    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), "uv")
    assert dict(uv_json_entry(b) for b in builds) == raw


def test_export_mirror_layout_and_metadata(cache, made, archive_factory, tmp_path):
    ft = archive_factory.pbs(version="3.13.1", variant="freethreaded", flavor="full", kind="tar.zst")
    pypy_build = made.build._replace(implementation="pypy", url="https://downloads.python.org/pypy/pypy3.10-v7.3.17-linux64.tar.gz",
                         sha256=made.sha256)
    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    shutil.copy(ft.path, cache.path_for(ft.build))
    dest = tmp_path / "mirror"
    report = cache.export_mirror(dest, _catalog(made.build, ft.build, pypy_build))
    assert sorted(b.key for b in report.exported) == sorted([made.build.key, ft.build.key])
    assert (dest / "20250115" / made.build.release_filename).read_bytes() == made.path.read_bytes()
    assert "+" in made.build.release_filename
    assert (dest / "20250115" / ft.build.release_filename).read_bytes() == ft.path.read_bytes()
    builds, skipped = parse_uv_json(report.metadata.read_bytes(), "mirror")
    assert skipped == 0 and sorted(builds, key=lambda b: b.key) == sorted([made.build, ft.build], key=lambda b: b.key)
    assert all(b.url.startswith("https://github.com/astral-sh/python-build-standalone/") for b in builds)
    assert not [p for p in dest.rglob("*") if p.name.endswith(".tmp")]
    # A second export into the same mirror keeps the first one's entries.
    remove_archives(cache, cache.list())
    shutil.copy(archive_factory.pbs(version="3.11.11").path, cache.root)
    other = archive_factory.made[-1]
    shutil.move(cache.root / other.path.name, cache.path_for(other.build))
    cache.export_mirror(dest, _catalog(other.build))
    builds, _ = parse_uv_json(report.metadata.read_bytes(), "mirror")
    assert sorted(b.key for b in builds) == sorted([made.build.key, ft.build.key, other.build.key])


def test_export_mirror_skips_a_corrupt_archive(cache, made, tmp_path):
    cache.root.mkdir()
    cache.path_for(made.build).write_bytes(b"broken")
    report = cache.export_mirror(tmp_path / "mirror", _catalog(made.build))
    assert report.exported == [] and "corrupt" in report.skipped[0][1]
    assert not (tmp_path / "mirror" / "20250115").exists() or not any((tmp_path / "mirror" / "20250115").iterdir())


def test_pytui_installs_its_cache_from_an_exported_mirror_offline(cache, made, tmp_path, no_sockets):
    """pytui's side of `--mirror file://DEST --downloads-json DEST/download-metadata.json --offline`."""
    from pytui.core.sources import load_catalog

    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    dest = tmp_path / "mirror"
    cache.export_mirror(dest, _catalog(made.build))
    other_cache = ArchiveCache(tmp_path / "other-cache")
    settings = Settings.resolve(offline=True, cache_dir=other_cache.root, mirror=dest.as_uri(),
                                downloads_json=str(dest / "download-metadata.json"))
    catalog = load_catalog(settings)
    build = catalog.get(made.build.key)
    assert build == made.build
    path = other_cache.fetch(build, settings=settings)
    assert path.read_bytes() == made.path.read_bytes() and no_sockets == []


# -- the real uv ----------------------------------------------------------------------------
def _uv_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update({
        "UV_NO_CONFIG": "1", "UV_OFFLINE": "1", "UV_NO_PROGRESS": "1",
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv-root"), "UV_PYTHON_BIN_DIR": str(tmp_path / "uv-bin"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_PYTHON_INSTALL_BIN": "0",
    })
    env.update(extra)
    return env


def _uv(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if not UV.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    return subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.uv
def test_uv_installs_from_an_exported_mirror_offline(cache, made, tmp_path):
    cache.root.mkdir()
    shutil.copy(made.path, cache.path_for(made.build))
    dest = tmp_path / "mirror"
    report = cache.export_mirror(dest, _catalog(made.build))
    env = _uv_env(tmp_path, UV_PYTHON_INSTALL_MIRROR=dest.as_uri(),
                  UV_PYTHON_DOWNLOADS_JSON_URL=str(report.metadata))
    result = _uv(["python", "install", made.build.key], env)
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "uv-root" / made.build.key
    assert (installed / "bin" / "python3.12").exists()
    assert (installed / "BUILD").read_text().strip() == "20250115"


@pytest.mark.uv
def test_uv_installs_from_pytui_cache_offline(cache, made, http_server, downloader, tmp_path):
    """One directory serves both: uv finds pytui's archive under uv's own name."""
    url = http_server.add("/a", made.path.read_bytes())
    cache.fetch(made.build, [url], downloader=downloader)
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(dict([uv_json_entry(made.build)])))
    env = _uv_env(tmp_path, UV_PYTHON_CACHE_DIR=str(cache.root),
                  UV_PYTHON_DOWNLOADS_JSON_URL=str(catalog_path))
    result = _uv(["python", "install", made.build.key], env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "uv-root" / made.build.key / "bin" / "python3.12").exists()
    assert http_server.count("/a") == 1  # uv made no request of its own


def test_fetch_of_a_build_without_sha256_uses_uvs_none_name(cache, made, http_server, downloader):
    build = made.build._replace(sha256=None)
    url = http_server.add("/a", made.path.read_bytes())
    path = cache.fetch(build, [url], downloader=downloader)
    assert path.name == f"none-{made.build.filename}"


def test_make_pbs_archive_is_usable_in_scripts(tmp_path):
    """The factory functions used here work without pytest fixtures (bench scripts)."""
    made = make_pbs_archive(tmp_path / "x")
    assert made.path.is_file() and made.build.sha256 == made.sha256


def test_a_killed_process_leaves_a_part_that_the_next_process_resumes(cache, made, http_server, tmp_path):
    """kill -9 mid-download: the .part and its state survive; a new process resumes with Range."""
    import signal
    import time

    data = made.path.read_bytes()
    url = http_server.add("/a", data, rate=len(data) // 4)  # about four seconds
    script = tmp_path / "fetch.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from pytui.core.cache import ArchiveCache\n"
        "from pytui.core.models import Build\n"
        f"build = Build(**{made.build._asdict()!r})\n"
        f"ArchiveCache(Path({str(cache.root)!r})).fetch(build, [{url!r}])\n")
    proc = subprocess.Popen([sys.executable, str(script)])
    part = cache.part_path(made.build)
    deadline = time.monotonic() + 30
    # The .part is flushed at least once a second.
    while time.monotonic() < deadline and (not part.exists() or part.stat().st_size < 20_000):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    kept = part.stat().st_size
    assert 0 < kept < len(data) and not cache.has(made.build)
    http_server.set_faults("/a", rate=None)
    with Downloader(backoff=FAST) as dl:
        path = cache.fetch(made.build, [url], downloader=dl)
    assert path.read_bytes() == data
    last = http_server.requests_for("/a")[-1]
    assert last.status == 206 and last.range[0] >= kept - 65536 and last.headers.get("if-range")
    assert sorted(p.name for p in cache.root.iterdir()) == [path.name]
