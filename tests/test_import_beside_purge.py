"""`pytui cache purge --all` in another process while `pytui cache import` has made its
temporary copy but not yet locked it. The purge took such a copy for one a killed import left
(nobody holds its lock) and removed it; the import then wrote into a file no longer in the cache
dir and failed at its rename ("cannot write to …: No such file or directory"). The import then
learnt to lock its copy and check it is still the one in the cache dir (making another if a
purge took it), but the purge still said it removed a copy "left by an interrupted import" of a
live import. Now a copy whose writer (the pid its name carries) is running is left to it.

The import is a real pytui stopped at its `try_lock` by tests/step_hook.py; the purge runs while
it waits, so the interleaving is an event's.
"""

from __future__ import annotations

from cli_harness import Pytui, cache_name
from step_hook import paused_at, resume

LOCKING_THE_COPY = "pytui.core.cache_import.try_lock"


def test_a_purge_leaves_a_live_imports_copy_not_yet_locked(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    proc = paused_at(pytui, LOCKING_THE_COPY, "cache", "import", str(made.path))
    copies = [p.name for p in pytui.cache.iterdir() if p.name.startswith(".import.")]
    assert len(copies) == 1, copies
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0, str(purged)
    assert ".import." not in purged.stdout and "interrupted import" not in purged.stdout, str(purged)
    assert (pytui.cache / copies[0]).exists()  # the live import's, left to it
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert pytui.cached() == [cache_name(made)]
    assert not [p.name for p in pytui.cache.iterdir() if p.name.startswith(".import.")]
