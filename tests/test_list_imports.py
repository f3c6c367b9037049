"""`pytui list` imports none of the modules issue 10 measured on its path (argparse's parsers
and the shutil / bz2 / lzma its help formatter pulled in: 3-5 ms; typing, platform and
dataclasses' inspect: 8-12 ms), with the embedded default and with uv's catalog, on a first
run (no parsed cache) and a later one. test_install_imports guards an install's path; nothing
guarded the list's, whose aim (within 1.5x of `uv python list`) these costs decided."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOT_ON_THE_LIST_PATH = ("argparse", "typing", "platform", "dataclasses", "inspect", "shutil", "bz2", "lzma",
                        "textual", "rich", "httpx", "ssl")
PROBE = ("import sys, io, contextlib\n"
         "from pytui.app.cli import main\n"
         "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
         "    code = main(sys.argv[1:])\n"
         "assert code == 0 and out.getvalue().strip(), (code, out.getvalue())\n"
         f"print(' '.join(m for m in {NOT_ON_THE_LIST_PATH!r} if m in sys.modules))\n")


@pytest.mark.parametrize("flags", [[], ["--all-platforms", "--all-versions"], ["--json"]])
@pytest.mark.parametrize("catalog", ["embedded", "uv's"])
def test_list_imports_none_of_the_modules_measured_on_its_path(
        tmp_path: Path, uv_catalog_path: Path, flags: list[str], catalog: str) -> None:
    argv = ["list", *flags] + (["--downloads-json", str(uv_catalog_path)] if catalog == "uv's" else [])
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for run in ("first", "later"):  # the first parses the catalog, the later reads its parsed cache
        done = subprocess.run([sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "", f"{run} run of pytui {' '.join(argv)} imported: {done.stdout.strip()}"
