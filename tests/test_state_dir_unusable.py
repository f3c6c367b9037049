"""A state dir that cannot even be looked at (its path too long for the kernel: ENAMETOOLONG;
for another user, EACCES on a parent) only costs pytui its own kept files. The catalog comes
from its source, and the line never blames the catalog for the state dir.

Before: `Path.is_dir` raised outside the parsed-catalog cache's error handling, and `list`,
`install`, `upgrade` and every `cache` command failed with "catalog ... could not be read (File
name too long); check --downloads-json", naming a catalog file that was fine.
"""

from __future__ import annotations

from cli_harness import Pytui, key_of


def test_list_and_install_work_with_a_state_dir_whose_path_is_too_long(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    catalog = pytui.catalog.read_bytes()
    state = pytui.tmp / ("s" * 300)  # one component past NAME_MAX
    listed = pytui.run("list", PYTUI_STATE_DIR=str(state))
    assert listed.returncode == 0, str(listed)
    assert key_of("3.12.8") in listed.stdout and "Traceback" not in listed.stderr
    installed = pytui.run("install", "3.12", PYTUI_STATE_DIR=str(state))
    assert installed.returncode == 0, str(installed)
    assert (pytui.root / key_of("3.12.8")).is_dir()
    assert pytui.catalog.read_bytes() == catalog
    assert pytui.requests(made) == 1
