"""Whether a path is a file, a directory or there is asked through os.path, never through
pathlib's Path.is_file / is_dir / exists / is_symlink: on Python 3.10-3.13 those raise on
EACCES and ENAMETOOLONG (a directory a `sudo` run left root's, a 4,000-character name in a file
another tool or person wrote) where os.path's answer False. A kept tree's manifest naming a
4,000-character archive made `cache verify` and `cache purge` end in the bare OSError line."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from cli_harness import Pytui
from pytui.core.mirror import ExportReport, _existing_mirror_entries
from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

REPO = Path(__file__).resolve().parent.parent
RAISING = {"is_file", "is_dir", "exists", "is_symlink"}
# Not paths: a zip member's ZipInfo.is_dir, and a DirEntry's is_symlink inside try/except OSError.
# A DirEntry asked with follow_symlinks=False reads its listed type (an lstat at most, of a name
# its readable directory just gave): allowed too, as is the DirEntry.is_dir of uv_workspace's
# walk (os.walk's own question, inside try/except OSError).
ALLOWED = {("core/zip_reader.py", "info"), ("core/link_temps.py", "entry"), ("core/uv_workspace.py", "entry")}


def test_core_and_app_ask_os_path_not_pathlib() -> None:
    found = []
    for path in sorted([*(REPO / "core").rglob("*.py"), *(REPO / "app").rglob("*.py")]):
        name = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in RAISING and not node.args
                    and not any(k.arg == "follow_symlinks" for k in node.keywords)):
                owner = node.func.value
                if (name, owner.id if isinstance(owner, ast.Name) else "") not in ALLOWED:
                    found.append(f"{name}:{node.lineno}: .{node.func.attr}()")
    assert not found, found


def test_a_manifest_naming_an_overlong_archive_is_an_orphan_tree(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    manifest = next(pytui.cache.rglob("manifest.json"))
    doc = json.loads(manifest.read_text())
    doc["archive"] = "a" * 4000 + ".tar.gz"
    manifest.write_text(json.dumps(doc))

    for args in (("cache", "verify"), ("cache", "purge", "--all", "--dry-run"), ("cache", "list")):
        done = pytui.run(*args)
        assert done.returncode == 0 and "too long" not in done.stderr and "aaaa" not in done.stderr, str(done)


def test_a_mirror_catalog_naming_an_overlong_file_drops_that_entry(tmp_path: Path) -> None:
    metadata = tmp_path / "download-metadata.json"
    (tmp_path / "kept.tar.gz").write_bytes(b"x")
    metadata.write_text(json.dumps({
        "long": {"url": CPYTHON_DOWNLOADS_URL_PREFIX + "b" * 4000},
        "kept": {"url": CPYTHON_DOWNLOADS_URL_PREFIX + "kept.tar.gz"},
    }))
    report = ExportReport(tmp_path, metadata)
    assert list(_existing_mirror_entries(metadata, tmp_path, report)) == ["kept"]
