"""Progress of steps that move no counted bytes (verify, link from the kept tree, finish, a
wait for the root's lock) carries no made-up total: no `extract … (1 B)` line, no `0 B / 1 B`."""

from __future__ import annotations

from cli_harness import Pytui, key_of
from pytui.core.jobs import InstallJob
from pytui.core.progress import Progress
from pytui.core.settings import Settings
from pytui.widgets.job_list import amount_text
from pytui.widgets.rows import JobView


def test_an_install_from_the_kept_tree_says_link_not_a_size(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    first = pytui.run("install", "3.12.8")
    assert first.returncode == 0, str(first)
    assert f"download {key_of('3.12.8')} (" in first.stderr
    pytui.call("uninstall", "3.12.8")
    again = pytui.run("install", "3.12.8")
    assert again.returncode == 0, str(again)
    assert f"link {key_of('3.12.8')} from the tree kept in the cache\n" in again.stderr
    assert "(1 B)" not in again.stderr and "extract" not in again.stderr


def test_step_reports_have_no_placeholder_total(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    settings = Settings.resolve(env=pytui.env())
    for _ in range(2):  # extracted, then linked from the kept tree
        seen: list[Progress] = []
        InstallJob(made.build, settings=settings, progress=seen.append).run()
        steps = [p for p in seen if p.phase in ("resolve", "verify", "link", "finish")]
        assert steps and all(p.total is None and p.done == 0 for p in steps), steps
        pytui.call("uninstall", "3.12.8")
    assert "link" in [p.phase for p in seen]
    # A job that waits for the lock after such a step shows no bytes at all.
    waiting = JobView(job_id=1, title=made.build.key, phase="waiting", done=0, total=None)
    assert amount_text(waiting) == ""
