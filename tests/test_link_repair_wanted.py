"""Which installs are said to lack their bin link (core/link_repair.py, the TUI's Details and
`i`): only one a run meant to link and was killed first. An install made with `--no-bin` and
one uv downloaded by itself (`uv venv -p`, `uv run`: uv makes no bin link then) have none and
are fine; the TUI said `missing: python3.12; i restores it` of both."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from fixtures_archives import MadeArchive, write_uv_catalog
from fixtures_root import UV, archive, install, uv_env
from pytui.app.gateway import MISSING_LINKS, CoreGateway
from pytui.core.install_root import InstallRoot
from pytui.core.keys import parse_key
from pytui.core.link_repair import LinkChanges, linking_record, record_linking, restore_links
from pytui.core.settings import Settings


def _settings(tmp_path: Path, root: InstallRoot) -> Settings:
    return Settings.resolve(install_dir=root.path, cache_dir=tmp_path / "pytui-cache",
                            env={"UV_PYTHON_BIN_DIR": str(tmp_path / "uv-bin"), "HOME": str(tmp_path)})


def _said_missing(settings: Settings) -> dict[str, str]:
    return {i.key: i.extra[MISSING_LINKS] for i in CoreGateway().list_installed(settings)
            if MISSING_LINKS in i.extra}


def test_an_install_made_with_no_bin_lacks_nothing(tmp_path: Path) -> None:
    root = InstallRoot(tmp_path / "root")
    made = archive(tmp_path)
    install(root, made, None)  # pytui install --no-bin
    settings = _settings(tmp_path, root)
    assert not (settings.bin_dir / "python3.12").exists()
    assert _said_missing(settings) == {}
    assert os.listdir(root.temp_dir) == []


def test_a_run_killed_before_its_bin_link_leaves_it_said_missing_until_made(tmp_path: Path) -> None:
    root = InstallRoot(tmp_path / "root")
    made = archive(tmp_path)
    settings = _settings(tmp_path, root)
    install(root, made, settings.bin_dir)
    key = made.build.key
    assert not linking_record(root.path, key).exists()  # made and linked: no record left
    # Killed between the swap and the links: the record stays, the link was never made.
    record_linking(root.path, key)
    os.unlink(settings.bin_dir / "python3.12")
    root.clean_temp(bin_dir=settings.bin_dir)  # a killed run's record is no leftover
    assert _said_missing(settings) == {key: "python3.12"}
    restored = restore_links(root, settings, key)
    assert (restored.changes.restored, restored.changes.made) == (["python3.12"], [])  # its record says so
    assert _said_missing(settings) == {}
    assert os.listdir(root.temp_dir) == []


def test_a_record_of_an_install_since_removed_is_cleaned(tmp_path: Path) -> None:
    root = InstallRoot(tmp_path / "root")
    root.temp_dir.mkdir(parents=True)
    record_linking(root.path, "cpython-3.12.8-linux-x86_64-gnu")
    root.clean_temp()
    assert os.listdir(root.temp_dir) == []


@pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")
def test_an_install_uv_downloaded_for_a_venv_lacks_nothing(tmp_path: Path,
                                                           base_prefix_archive: MadeArchive) -> None:
    made = base_prefix_archive  # a real interpreter: uv runs it to make the venv
    cache = tmp_path / "cache"
    cache.mkdir()
    os.link(made.path, cache / made.build.cache_filename)
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    root = InstallRoot(tmp_path / "uv-root")
    env = {**uv_env(tmp_path, root, catalog), "UV_PYTHON_CACHE_DIR": str(cache),
           "UV_PYTHON_PREFERENCE": "only-managed"}
    # Offline, uv downloads nothing by itself; the archive is in its Python cache, so nothing
    # is fetched online either.
    del env["UV_OFFLINE"]
    parts = parse_key(made.build.key)
    assert parts is not None
    request = f"{parts.major}.{parts.minor}"
    done = subprocess.run([str(UV), "venv", "--no-project", "-p", request, str(tmp_path / "venv")],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    settings = _settings(tmp_path, root)
    assert (root.path / made.build.key).is_dir()
    assert not os.path.lexists(settings.bin_dir / parts.bin_names[0])  # uv made none
    # uv made the minor-version link as for `uv python install`: nothing is missing.
    assert os.path.islink(root.path / parts.minor_key)
    assert _said_missing(settings) == {}


def test_links_another_process_made_while_i_waited_are_not_said_restored(tmp_path: Path) -> None:
    """`i` on an install listed as lacking its bin link waits for the root's lock; uv or another
    pytui holding it made the link meanwhile. The job said "its missing links were restored:
    python3.12" (missing before minus missing after, whoever made them): now only what it made."""
    import fcntl
    import threading

    from pytui.core.progress import CancelToken

    root = InstallRoot(tmp_path / "root")
    made = archive(tmp_path)
    settings = _settings(tmp_path, root)
    install(root, made, settings.bin_dir)
    key, link = made.build.key, settings.bin_dir / "python3.12"
    target = os.readlink(link)
    record_linking(root.path, key)
    os.unlink(link)
    assert _said_missing(settings) == {key: "python3.12"}
    waiting = threading.Event()
    answer: list[tuple[LinkChanges, list[str]]] = []
    fd = os.open(root.lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another pytui holds it between its commit and links
        worker = threading.Thread(target=lambda: answer.append(CoreGateway().restore_links(
            settings, key, cancel=CancelToken(), on_wait=lambda _line: waiting.set())))
        worker.start()
        assert waiting.wait(60)
        os.symlink(target, link)  # that process's link
    finally:
        os.close(fd)
    worker.join(60)
    assert len(answer) == 1 and not answer[0][0] and answer[0][1] == [], answer
    assert os.readlink(link) == target
    assert os.listdir(root.temp_dir) == []


def test_a_record_still_waiting_is_no_reason_to_clean_and_goes_once_its_link_is_made(tmp_path: Path) -> None:
    """While a killed run's record stayed, the TUI took the root's lock, cleaned `.temp` and
    listed the disk again at every start. The record alone is no reason to; once the link it
    waits for is there (made by the user, uv or another pytui), the clean-up settles it."""
    root = InstallRoot(tmp_path / "root")
    made = archive(tmp_path)
    settings = _settings(tmp_path, root)
    install(root, made, settings.bin_dir)
    key = made.build.key
    record_linking(root.path, key)
    link = settings.bin_dir / "python3.12"
    target = os.readlink(link)
    os.unlink(link)
    gateway = CoreGateway()
    assert not gateway.clean_root_temp(settings)
    assert linking_record(root.path, key).exists() and _said_missing(settings) == {key: "python3.12"}
    os.symlink(target, link)  # made again by hand
    assert gateway.clean_root_temp(settings)
    assert os.listdir(root.temp_dir) == [] and _said_missing(settings) == {}
    assert not gateway.clean_root_temp(settings)


def test_thousands_of_records_are_settled_down_to_a_bounded_number(tmp_path: Path) -> None:
    """A root with thousands of records (hostile: one per install at most in any real root):
    the clean-up keeps MAX_LINKING_RECORDS, so the next start has nothing to do."""
    from pytui.core.link_repair import MAX_LINKING_RECORDS

    root = InstallRoot(tmp_path / "root")
    settings = _settings(tmp_path, root)
    many = 2 * MAX_LINKING_RECORDS + 10
    for patch in range(many):
        key = f"cpython-3.12.{patch}-linux-x86_64-gnu"
        (root.path / key).mkdir(parents=True)  # installed, its bin link absent: each waits
        root.temp_dir.mkdir(exist_ok=True)
        record_linking(root.path, key)
    gateway = CoreGateway()
    assert gateway.clean_root_temp(settings)
    assert len(os.listdir(root.temp_dir)) == MAX_LINKING_RECORDS
    assert not gateway.clean_root_temp(settings)
