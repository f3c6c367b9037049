"""`pytui cache purge --all` in another process while `pytui cache import` has made its
temporary copy but not yet locked it. The purge takes such a copy for one a killed import left
(nobody holds its lock) and removes it; the import then wrote into a file no longer in the cache
dir and failed at its rename ("cannot write to …: No such file or directory"). The import now
locks its copy and checks it is still the one in the cache dir; if a purge took it, it makes
another, so the import succeeds and nothing is left behind.

The import is a real pytui stopped at its `try_lock` by tests/step_hook.py; the purge runs while
it waits, so the interleaving is an event's.
"""

from __future__ import annotations

from cli_harness import Pytui, cache_name
from step_hook import paused_at, resume

LOCKING_THE_COPY = "pytui.core.cache_import.try_lock"


def test_an_import_whose_copy_a_purge_took_makes_another_and_succeeds(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    proc = paused_at(pytui, LOCKING_THE_COPY, "cache", "import", str(made.path))
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and ".import." in purged.stdout, str(purged)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert pytui.cached() == [cache_name(made)]
    assert not [p.name for p in pytui.cache.iterdir() if p.name.startswith(".import.")]
