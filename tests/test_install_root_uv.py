"""core/install_root beside the real uv: the same tree as `uv python install` makes, and an
end-to-end install of this interpreter that runs and that uv lists, finds and runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import tree_contents
from fixtures_archives import MadeArchive, write_uv_catalog
from fixtures_root import UV, archive, install, uv_env
from pytui.core.install_root import InstallRoot
from pytui.core.keys import parse_key


@pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")
def test_same_tree_as_uv(tmp_path: Path) -> None:
    """uv installs an archive from its cache, pytui the same archive: identical roots and links."""
    made = archive(tmp_path, "3.12.8", with_python_link=False, long_names=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    os.link(made.path, cache / made.build.cache_filename)
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    uv_root = InstallRoot(tmp_path / "uv-root")
    env = {**uv_env(tmp_path, uv_root, catalog), "UV_PYTHON_CACHE_DIR": str(cache)}
    result = subprocess.run([str(UV), "python", "install", "3.12"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    ours = InstallRoot(tmp_path / "pytui-root")
    install(ours, made, tmp_path / "pytui-bin")
    assert (tree_contents(ours.path, whole_mode=True, root=ours.path)
            == tree_contents(uv_root.path, whole_mode=True, root=uv_root.path))
    assert os.readlink(tmp_path / "pytui-bin" / "python3.12").replace(str(ours.path), "ROOT") == \
        os.readlink(tmp_path / "uv-bin" / "python3.12").replace(str(uv_root.path), "ROOT")


# -- end to end: this interpreter, then uv finds it -------------------------------------------


@pytest.mark.slow
def test_end_to_end_this_interpreter(tmp_path: Path, root: InstallRoot, bin_dir: Path,
                                     base_prefix_archive: MadeArchive) -> None:
    made = base_prefix_archive
    installation = install(root, made, bin_dir)
    key = made.build.key
    assert installation.key == key
    prefix = root.path / key
    code = ("import sysconfig, ssl, sqlite3; print(sysconfig.get_config_var('prefix')); "
            "print(sysconfig.get_config_var('LIBDIR')); print(sysconfig.get_config_var('PYTHON_BUILD_STANDALONE'))")
    result = subprocess.run([prefix / "bin" / "python3", "-c", code], capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)}, timeout=60)
    assert result.returncode == 0, result.stderr
    # LIBDIR is `<prefix>/lib`, or under it for a distribution's interpreter (Debian's keeps its
    # multiarch dir there: `<prefix>/lib/x86_64-linux-gnu`).
    import sysconfig

    libdir = sysconfig.get_config_var("LIBDIR").replace(sys.base_prefix, str(prefix), 1)
    assert result.stdout.splitlines() == [str(prefix), libdir, "1"]
    assert libdir.startswith(f"{prefix}/lib")
    mm = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert os.readlink(prefix / "bin" / "python") == f"python{mm}"
    assert (prefix / f"lib/python{mm}/EXTERNALLY-MANAGED").is_file()
    through_link = subprocess.run([bin_dir / f"python{mm}", "-c", "import sys; print(sys.prefix)"],
                                  capture_output=True, text=True, timeout=60)
    assert through_link.stdout.strip() in (str(prefix), str(root.path / parse_minor(key)))

    if not UV.exists():
        pytest.skip("uv is not installed beside the interpreter")
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    env = uv_env(tmp_path, root, catalog)
    listed = subprocess.run([str(UV), "python", "list", "--only-installed", "--managed-python",
                             "--output-format", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [row["key"] for row in rows] == [key]
    assert rows[0]["path"].startswith(str(root.path))
    found = subprocess.run([str(UV), "python", "find", mm, "--managed-python"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    path = found.stdout.strip()
    assert path.startswith(str(root.path))
    ran = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                         text=True, timeout=60)
    assert ran.stdout.strip() == str(sys.version_info[:2])
    uv_run = subprocess.run([str(UV), "run", "--no-project", "--managed-python", "-p", mm, "python", "-c",
                             "import sys; print(sys.base_prefix)"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert uv_run.returncode == 0, uv_run.stderr
    assert uv_run.stdout.strip().startswith(str(root.path))


def parse_minor(key: str) -> str:
    from pytui.core.install_root import minor_key

    parts = parse_key(key)
    assert parts is not None
    return minor_key(parts)
