"""A directory whose name holds a byte that is not UTF-8 (Linux allows any but `/` and NUL), as a
mirror (`file://…%FF…`) and as a --downloads-json path: the mirror's escapes decode to those
bytes, as uv decodes a file URL (url2pathname made `%FF` a `�`: `… does not exist`), and the
catalog path is read (its parsed-cache name raised UnicodeEncodeError: a traceback)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cli_harness import MadeArchive, Pytui
from fixtures_archives import write_uv_catalog

PBS = "https://github.com/astral-sh/python-build-standalone/releases/download/"


def _odd_dir(tmp_path: Path) -> Path:
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9 \xff"))
    odd.mkdir()
    return odd


def test_a_catalog_path_that_is_not_utf8_is_read(pytui: Pytui, baseline: MadeArchive, tmp_path: Path) -> None:
    catalog = _odd_dir(tmp_path) / "catalog.json"
    shutil.copy(pytui.catalog, catalog)
    for named in (str(catalog), catalog.as_uri()):  # a path, and a file URL of `%FF`
        result = pytui.run("list", UV_PYTHON_DOWNLOADS_JSON_URL=named)
        assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
        assert baseline.build.key in result.stdout, result.stdout


def test_a_file_mirror_in_a_dir_that_is_not_utf8_installs(pytui: Pytui, tmp_path: Path) -> None:
    made = pytui.make("3.12.8", "20250115")
    assert made.build.url.startswith(PBS)
    write_uv_catalog(pytui.catalog, [made.build])
    mirror = _odd_dir(tmp_path)
    (mirror / "20250115").mkdir()
    shutil.copy(made.path, mirror / "20250115" / made.build.release_filename)
    assert "%FF" in mirror.as_uri()
    result = pytui.run("--offline", "--mirror", mirror.as_uri(), "install", "3.12")
    assert result.returncode == 0, str(result)
    assert (pytui.root / made.build.key / "bin").is_dir()
