"""`pytui envs`'s count line says `1 directory`, not `1 directories` (seen with
`pytui envs --scan DIR` on a root with no subdirectory), in the whole-tree and the quick form."""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Pytui
from envs_helpers import make_venv


def test_one_directory_is_singular(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    make_venv(home / ".virtualenvs" / "work")  # found in WORKON_HOME, whatever the roots
    root = pytui.tmp / "empty"
    root.mkdir()  # a root with no subdirectory: the walk reads the root alone
    whole = pytui.run("envs", "--rescan", "--scan", str(root))
    assert whole.returncode == 0, str(whole)
    line = whole.stderr.splitlines()[-1]
    assert line.endswith("(the whole tree checked: 1 directory)"), line
    quick = pytui.run("envs", "--scan", str(root))
    assert quick.returncode == 0, str(quick)
    line = quick.stderr.splitlines()[-1]
    assert "the whole tree, 1 directory, was checked" in line and "1 directories" not in line, line
