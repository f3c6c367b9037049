"""A download killed (SIGKILL; the OOM killer) while it saved its resume state, between writing
`<part>.json.<pid>.tmp` and renaming it over `<part>.json`, left that temp in the cache dir for
good: the next install of that build downloaded and installed beside it, and neither `cache
verify` nor `cache purge --all` (which removes what killed runs left) removed it; `cache list`
did not show it. Now the next download of that archive removes it (it holds the `.part.lock`,
so no other writer of that state runs), and a purge of every archive removes any whose writer
is gone, naming it as a leftover of a killed run.

The kill lands at the rename through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed, cache_name
from fixtures_archives import MadeArchive
from step_hook import killed_at

SAVING_STATE = "str(args[0]).endswith('.tmp') and '.part.json.' in str(args[0])"


def _killed_saving_state(pytui: Pytui) -> tuple[MadeArchive, str]:
    made = pytui.add("3.12.8")
    killed_at(pytui, "os.replace", "install", "3.12", when=SAVING_STATE)
    left = [name for name in os.listdir(pytui.cache) if name.endswith(".tmp")]
    assert len(left) == 1 and ".part.json." in left[0], left
    return made, left[0]


def test_the_next_download_of_that_archive_removes_the_temp(pytui: Pytui) -> None:
    made, _ = _killed_saving_state(pytui)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.cached() == [cache_name(made)]


def test_a_purge_of_every_archive_removes_a_temp_whose_writer_is_gone(pytui: Pytui) -> None:
    made, temp = _killed_saving_state(pytui)
    live = f"{cache_name(made)}.part.json.{os.getpid()}.tmp"  # a writer still between the two
    (pytui.cache / live).write_text("{}")
    preview = pytui.run("cache", "purge", "--all", "--dry-run")
    assert preview.returncode == 0, str(preview)
    assert f"would remove {temp} (left by an interrupted download" in preview.stdout, str(preview)
    assert live not in preview.stdout
    assert temp in os.listdir(pytui.cache)
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0, str(purged)
    assert f"removed {temp} (left by an interrupted download" in purged.stdout, str(purged)
    assert pytui.cached() == [live]
