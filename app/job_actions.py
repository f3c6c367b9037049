"""A part of PytuiApp (see app_base.py): the keys that act on builds and jobs (install,
upgrade, uninstall, purge, verify, cancel, quit), carried out from what `decisions`,
`install_decisions` and `uninstall_decisions` decide, and the messages a job sends while it
runs and when it ends."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pytui.app.app_base import AppBase
from pytui.app.job_view import short_error
from pytui.app.messages import JobEnded, JobNote, JobProgress, Purged
from pytui.app.stalls import say_stalls
from pytui.app.startup import lazy_module, screens_above_main
from pytui.widgets.format import human_size, one_line
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.rows import cached_row_key
from textual.worker import Worker

if TYPE_CHECKING:
    import asyncio

    from pytui.app import decisions as decide
    from pytui.app import install_decisions, purge_screen, screens, uninstall_decisions
    from pytui.app.purge_plan import PurgePlan
else:  # executed on first use: the first screen needs none of them (app/startup.py)
    decide = lazy_module("pytui.app.decisions")
    install_decisions = lazy_module("pytui.app.install_decisions")
    uninstall_decisions = lazy_module("pytui.app.uninstall_decisions")
    screens = lazy_module("pytui.app.screens")
    purge_screen = lazy_module("pytui.app.purge_screen")


# The first line of a question whose answer changed while it was open, or since the yes.
CHANGED = "Changed while this was open (a newer check or a job ended): read it again."
ASKED_AGAIN = "Asked again: the answer changed since the question was shown."


# Signals that quit the TUI as `q` does (quit_on_terminate_signals).
_TERMINATE_SIGNALS = ("SIGTERM", "SIGHUP")


class JobActions(AppBase):
    # Set once quitting waits for the running jobs: their ends no longer list the disk.
    _quitting = False
    # What quitting cancelled, for the terminal after the app ends ("" when no job ran).
    quit_note = ""
    # uv's "not on your PATH" line was said after an install (once a session).
    _path_hint_said = False
    # The loop that holds the SIGTERM/SIGHUP handlers, while it does.
    _signal_loop: asyncio.AbstractEventLoop | None = None
    # Each open question (made on first use: one dict per app) and the decision it shows.
    _questions: dict[screens.ConfirmModal, decide.Confirm] | None = None

    # -- what the user points at ------------------------------------------------------------

    def _target(self) -> tuple[str, str | None]:
        """(pane, row key) the user points at: the focused table, the focused job's build (as
        Available's row: Details shows that job), else what Details shows."""
        focused = self.focused
        if isinstance(focused, KeyedTable):
            return focused.id or "available", focused.highlighted_key
        if isinstance(focused, JobRow):
            # `i` on a cancelled job's row retries it; it installed Available's highlighted
            # row, another build than the one Details showed.
            job = self.state.jobs.get(focused.job_id)
            return "available", job.key if job is not None else None
        # What Details shows: on the empty Jobs panel (a dismissed row's focus) that is nothing,
        # not Available's highlighted row, which `p` asked to purge unseen.
        pane, key = self.renderer.details_target()
        return ("available", None) if pane == "jobs" else (pane, key)

    # -- the keys ---------------------------------------------------------------------------

    def action_install(self) -> None:
        pane, key = self._target()
        self.carry_out(install_decisions.decide_install(self.state, self.vm, pane, key))

    def action_install_asking(self) -> None:
        pane, key = self._target()
        self.carry_out(install_decisions.decide_install(self.state, self.vm, pane, key, ask=True))

    def action_uninstall(self) -> None:
        self.carry_out(self._checking_environments(
            partial(uninstall_decisions.decide_uninstall, self.state, *self._target())))

    def action_purge(self) -> None:
        self.carry_out(decide.decide_purge(self.state, *self._target()))
        self.measure_purged_trees()

    def measure_purged_trees(self) -> None:
        """The kept tree of each open purge question's archive whose bytes are not measured
        (just asked, or a listing that changed dropped them): measured in a thread, and the
        question says them in place (`on_tree_freed`). A newer measure drops an older one still
        running (a stale number never lands)."""
        for shown in self._open_questions().values():
            if isinstance(shown.then, decide.StartPurge):
                for archive in shown.then.archives:
                    if archive.tree and archive.name not in self.state.tree_freed:
                        self.runner.measure_tree_freed(archive)

    def action_delete(self) -> None:
        self.carry_out(self._checking_environments(
            partial(uninstall_decisions.decide_delete, self.state, *self._target())))

    def _checking_environments(self, decide_now: Callable[[], decide.Decision]) -> decide.Decision:
        """An uninstall question, with the environments checked again: the last scan (at start,
        or the last `e`/`r`) knows nothing of a venv made since in another shell, and a yes
        would break it. The rescan is quick (the kept walks are revalidated); the question
        says it is checking and changes in place when the result is in."""
        decision = decide_now()
        if (isinstance(decision, decide.Confirm) and decision.name == "confirm-uninstall"
                and not self.state.envs_scanning):
            self.runner.scan_envs()
            decision = decide_now()
        return decision

    def action_purge_rules(self) -> None:
        self.push_screen(purge_screen.PurgeRulesModal(self.runner.planner(), id="purge-rules"),
                         callback=self._purge_rules_chosen)

    def _purge_rules_chosen(self, plan: PurgePlan | None) -> None:
        if plan is None:
            return
        if plan.archives or plan.leftovers or plan.loose:
            from pytui.app.purge_plan import ALL

            # Every leftover with the `all` rule; else those of the plan's archives.
            self.carry_out(decide.StartPurge(plan.archives, leftovers=plan.rule == ALL,
                                             trees=bool(plan.loose)))
        if plan.installs:
            used = uninstall_decisions.prune_now_used(self.state, plan)
            if used:
                # A newer check found a user since the preview: the preview is made again,
                # saying why in it (a toast would be dismissed as it opens) and in History.
                news = (f"Not uninstalled: a newer environment check finds {used[0]} in use "
                        "directly. The preview is made again.")
                self.history.add("uninstall", "outdated installs", "warning", news)
                self.call_after_refresh(self._purge_rules_again, news)
                return
            self.carry_out(decide.StartPrune(tuple(i for i, _ in plan.installs)))

    def _purge_rules_again(self, news: str) -> None:
        self.push_screen(purge_screen.PurgeRulesModal(self.runner.planner(), rule="outdated",
                                                      news=news, id="purge-rules"),
                         callback=self._purge_rules_chosen)

    def action_upgrade(self) -> None:
        self.carry_out(install_decisions.decide_upgrade(self.state))

    def action_verify(self) -> None:
        self.carry_out(decide.decide_verify(self.state))

    def action_cancel_job(self) -> None:
        focused = self.focused
        focused_job = focused.job_id if isinstance(focused, JobRow) else None
        self.carry_out(decide.decide_cancel(self.state, focused_job, *self._target()))

    async def action_quit(self) -> None:
        if not self._quitting:
            self.carry_out(decide.decide_quit(self.state))

    # -- carrying out decisions -------------------------------------------------------------

    def carry_out(self, decision: decide.Decision) -> None:
        if isinstance(decision, decide.Refuse):
            self.notify(decision.message, title=decision.title, markup=False,
                        severity=decision.severity,
                        timeout=8 if decision.severity == "error" else 5)
        elif isinstance(decision, decide.Confirm):
            self._ask(decision)
        elif isinstance(decision, decide.StartInstall):
            self._dismiss_ended(decision.build.key)
            job = self.runner.start_install(decision.build, reinstall=decision.reinstall)
            self.renderer.job(job)
            self.renderer.all()
        elif isinstance(decision, decide.StartUninstall):
            # Its build's ended install row ("done") would stand beside "removed" (a prune's
            # uninstalls replace theirs too: _start_jobs).
            self._dismiss_ended(decision.installation.key)
            self.renderer.job(self.runner.start_uninstall(decision.installation))
        elif isinstance(decision, decide.StartUpgrade | decide.StartPrune):
            self._start_jobs(decision)
        elif isinstance(decision, decide.StartVerify):
            self.renderer.job(self.runner.start_verify())
        elif isinstance(decision, decide.StartPurge):
            # A job may have started on one of them since the question.
            in_use = self.state.in_use_names()
            archives = [a for a in decision.archives if cached_row_key(a.name) not in in_use]
            if archives or decision.leftovers or decision.trees:
                self.runner.purge(archives, leftovers=decision.leftovers, named=decision.named)
        elif isinstance(decision, decide.CancelJob):
            ended = self.runner.cancel(decision.job_id)
            if ended is not None:  # still queued: it ends now, through the one handler
                self.on_job_ended(ended)
            self.renderer.job(self.state.jobs[decision.job_id])
        elif isinstance(decision, decide.DismissJob):
            self.query_one("#jobs", JobList).remove_job(decision.job_id)
            self.state.jobs.pop(decision.job_id, None)
            self.renderer.all()
        elif isinstance(decision, decide.Quit):
            if self.state.running_jobs() or self.state.purging:
                self.run_worker(self._quit(), group="quit", exclusive=True)
            else:
                self.exit(0)

    def _start_jobs(self, decision: decide.StartUpgrade | decide.StartPrune) -> None:
        """An upgrade's installs or a prune's uninstalls: one job each in the Jobs panel."""
        if isinstance(decision, decide.StartUpgrade):
            from pytui.app.upgrade_plan import replaces_install

            for build in decision.builds:
                self._dismiss_ended(build.key)
                reinstall = replaces_install(self.state.installations, build)
                self.renderer.job(self.runner.start_install(build, upgrade=True, reinstall=reinstall))
        else:
            for installation in decision.installations:
                if self.state.job_for_key(installation.key) is None:  # started meanwhile
                    self._dismiss_ended(installation.key)
                    self.renderer.job(self.runner.start_uninstall(installation, prune=True))
        self.renderer.all()

    def _dismiss_ended(self, key: str) -> None:
        """A new job for `key` replaces the rows of its ended ones (History keeps them)."""
        jobs = self.query_one("#jobs", JobList)
        for job in [j for j in self.state.jobs.values() if j.ended and j.key == key]:
            jobs.remove_job(job.job_id)
            del self.state.jobs[job.job_id]

    # -- questions re-decided on newer news ------------------------------------------------

    def _ask(self, decision: decide.Confirm, *, again: bool = False) -> None:
        lines = ((decide.Line(ASKED_AGAIN, strong=True),) if again else ()) + decision.lines
        modal = screens.ConfirmModal(decision.title, lines, confirm=decision.confirm,
                                     cancel=decision.deny, danger=decision.danger, id=decision.name,
                                     short_titles=decision.short_titles)
        self._open_questions()[modal] = decision
        self.push_screen(modal, callback=partial(self._confirmed, modal))

    def _open_questions(self) -> dict[screens.ConfirmModal, decide.Confirm]:
        """Each open question and the decision it shows now."""
        if self._questions is None:
            self._questions = {}
        return self._questions

    def redecide_questions(self, *, disk_changed: bool = False) -> None:
        """What the app knows changed (an environment scan, a job ended, `disk_changed`: a new
        listing of the cache and root): each open question that can be decided again is, and
        shown again in place when its answer changed (an uninstall that now breaks an
        environment says so before the yes)."""
        for modal, shown in list(self._open_questions().items()):
            if shown.recheck is None:
                continue
            now = shown.recheck(self.state)
            if now == shown:
                continue
            if isinstance(now, decide.Confirm) and decide.same_answer(now, shown):
                # Only a check's status line came or went: updated, not "changed".
                self._open_questions()[modal] = now
                modal.ask_again(now.title, now.lines, changed=False, short_titles=now.short_titles)
                continue
            if isinstance(now, decide.Confirm):
                self._open_questions()[modal] = now
                modal.ask_again(now.title, (decide.Line(CHANGED, strong=True), *now.lines),
                                short_titles=now.short_titles)
            elif self.screen is modal:  # nothing to ask any more: say why instead
                del self._open_questions()[modal]
                modal.dismiss(False)
                self.carry_out(now)
        for screen in screens_above_main(self):
            if isinstance(screen, purge_screen.PurgeRulesModal):
                screen.replan(self.runner.planner(), disk_changed=disk_changed)

    def _confirmed(self, modal: screens.ConfirmModal, yes: bool | None) -> None:
        shown = self._open_questions().pop(modal, None)
        if not yes or shown is None:
            return
        # Checked once more against the newest state: what was said yes to must still be true.
        now = shown.recheck(self.state) if shown.recheck is not None else shown
        if decide.same_answer(now, shown):
            self.carry_out(shown.then)
        elif isinstance(now, decide.Confirm):
            # Once the answered one is gone (a modal keeps its id until then).
            self.call_after_refresh(partial(self._ask, now, again=True))
        else:
            self.carry_out(now)

    async def _quit(self, return_code: int = 0) -> None:
        self._quitting = True
        from pytui.app.job_view import quit_note

        running = self.state.running_jobs()
        await self.runner.shutdown()
        # Printed by run_tui once the terminal is the shell's again (app/tui.py); a purge that
        # ended within the grace left nothing to say.
        self.quit_note = quit_note(running, list(self.state.purging.values()))
        self.exit(return_code=return_code)

    def quit_on_terminate_signals(self) -> None:
        """SIGTERM (`kill`, a service manager) and SIGHUP (the terminal went away) quit as `q`
        does without asking: the running jobs are cancelled (their stages removed, `.part`s
        kept) and Textual gives the terminal back; the exit code is 128 + the signal, as a
        shell reports a process a signal ended. Python's default for both is to die where it
        stands, leaving the terminal in the alternate screen with mouse reporting on."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in _TERMINATE_SIGNALS:
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                loop.add_signal_handler(number, self.quit_on_signal, int(number))
            except (NotImplementedError, RuntimeError, ValueError):  # no such handler here
                continue
            self._signal_loop = loop

    def forget_terminate_signals(self) -> None:
        """The loop's handlers back to the defaults once the app ends (a process running apps
        one after another, the tests, keeps no finished app behind a signal)."""
        import signal

        loop, self._signal_loop = self._signal_loop, None
        if loop is None or loop.is_closed():
            return
        for name in _TERMINATE_SIGNALS:
            number = getattr(signal, name, None)
            if number is not None:
                loop.remove_signal_handler(number)

    def quit_on_signal(self, number: int) -> None:
        """Quit as `q` does without asking, with exit code 128 + `number`: on SIGTERM and
        SIGHUP, and when a program pytui handed the terminal to got the hang-up instead."""
        if self._quitting:
            return  # already on its way out (the grace bounds the wait)
        self._quitting = True
        self.run_worker(self._quit(128 + number), group="quit", exclusive=True)

    # -- what jobs report -------------------------------------------------------------------

    def tick_stalls(self) -> None:
        """Every STALL_TICK: a download with no new bytes for a while says so (app/stalls.py)."""
        for job in say_stalls(self.state):
            self.renderer.job(job)

    def on_job_progress(self, message: JobProgress) -> None:
        before = self.state.jobs.get(message.job_id)
        was_downloading = before is not None and before.phase == "download"
        job = self.state.progress(message.job_id, message.phase, message.done, message.total,
                                  message.speed, message.unit)
        if job is not None:
            self.renderer.job(job)
            if was_downloading and job.phase != "download":
                # The archive is in place now: the header's total is measured again rather
                # than fall back to the `.part` measured before (header_view.cache_total).
                self.runner.measure_cache()

    def on_job_note(self, message: JobNote) -> None:
        # Not for an ended job: an abandoned job's thread warned after its row had settled.
        job = self.state.reporting_job(message.job_id)
        if job is None:
            return
        if message.warning:
            # Something the user should know (not a wait): say it, keep it in the history.
            self.history.add(job.kind, job.title, "warning", message.text)
            self.notify(message.text, title=job.title, severity="warning", markup=False,
                        in_history=True)
            return
        if message.logged:
            self.history.add(job.kind, job.title, "note", message.text)
        if self.state.note(message.job_id, message.text, phase=message.phase) is not None:
            self.renderer.job(job)

    def on_job_ended(self, message: JobEnded) -> None:
        job = self.state.end_job(message.job_id, message.outcome, error=message.error,
                                 summary=message.summary, warning=message.warning)
        if job is None:
            return
        self.runner.job_ended(job.job_id)
        outcome = "warning" if message.warning else message.outcome
        self.history.add(job.kind, job.title, outcome, message.error or message.summary)
        if message.outcome == "failed":
            # The job row's short form (the title names the build): the whole error, with the
            # key again, the mirror's URL and both digests, made a toast taller than an 80x24
            # screen. H and the job's details show it whole.
            self.notify(short_error(job) or "failed", title=f"{job.title} failed (H: history)",
                        severity="error", markup=False, timeout=10, in_history=True)
        elif message.outcome == "done" and message.summary:
            # In the install's own toast (two toasts show at once: a third pushed out the
            # end-of-life warning said just before).
            # Not after "installed meanwhile by another process; nothing more to do": this job
            # linked nothing (uv says it after installing executables only).
            hint = self._path_hint() if job.kind == "install" and message.linked else None
            said = message.summary if hint is None else f"{message.summary}. {hint}"
            self.notify(said, markup=False, in_history=True, verbatim=hint is not None,
                        severity="warning" if message.warning or hint else "information",
                        timeout=10 if message.warning or hint else 5)
        self.renderer.job(job)
        self.renderer.all()
        # An open quit question counts the jobs still running.
        self.redecide_questions()
        if not self._quitting:
            self.runner.scan_disk()

    def _path_hint(self) -> str | None:
        """uv's `… is not on your PATH` line, as `pytui install` says it after installing, once
        a session (kept in History): the bin dir's `python3.13` was not found by name in another
        shell, and nothing said why. Said verbatim: a `~` in `export PATH="…"` would not expand."""
        settings = self.state.settings
        if self._path_hint_said or settings.no_bin:
            return None
        from pytui.app.path_hint import path_warning

        line = path_warning(settings.bin_dir, settings.env)
        if line is not None:
            self._path_hint_said = True
            self.history.add("install", "PATH", "warning", line)
        return line

    def on_purged(self, message: Purged) -> None:
        def say(subject: str, outcome: str, line: str) -> None:
            self.history.add("purge", subject, outcome, line)
            self.notify(line, title="Cache", severity="warning" if outcome == "warning" else "information",
                        markup=False, in_history=True)

        if message.error:
            self.history.add("purge", "archives", "failed", message.error)
            self.notify(message.error, title="Purge failed", severity="error", markup=False,
                        in_history=True)
        else:
            left = message.leftovers
            for name, size, left_by in left.found if left is not None else ():
                say("leftovers", "done", f"Removed {one_line(name)} (left by {left_by}, {human_size(size)}).")
            if left is not None and (more := left.count - len(left.found)) > 0:
                more_size = left.size - sum(size for _, size, _ in left.found)
                say("leftovers", "done", f"Removed {more} more leftover{'s' if more != 1 else ''} of "
                    f"killed runs ({human_size(more_size)}).")
            for name in message.gone:
                say("archives", "done", f"{one_line(name)} was already gone from the cache (removed by "
                    "another process since it was listed); nothing to purge.")
            if message.count or not (message.downloading or (left and left.count) or message.gone
                                     or message.freed):
                say("archives", "done", f"Purged {purged_text(message.count, message.partials)}, "
                    f"freed {human_size(message.freed)}.")
            elif (left and left.count) or message.freed:
                # (No archive: leftovers, or kept trees whose archive was gone.)
                say("leftovers" if left and left.count else "trees", "done", f"Freed {human_size(message.freed)}.")
            for name in message.downloading:
                say("archives", "warning", decide.kept_held(one_line(name), message.holders.get(name)))
            for line in message.trees_kept:
                said = one_line(line)
                say("archives", "warning", said[:1].upper() + said[1:])
            self.state.forget_sizes()
            self.size_watch.forget()
        self.runner.scan_disk()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        purges = len(self.state.purging)
        result = self.runner.worker_state_changed(event.worker, event.state)
        if len(self.state.purging) != purges:
            self.redecide_questions()  # an open quit question named that purge
        if isinstance(result, JobEnded):
            self.on_job_ended(result)
        elif result:
            # A listing or measuring thread hit something unexpected: say so, keep running.
            self.history.add("background", event.worker.name, "failed", result)
            self.notify(result, severity="error", markup=False, in_history=True)


def purged_text(count: int, partials: int) -> str:
    """`1 archive`, `1 partial download`, `2 archives and 1 partial download` (a stopped
    download is no archive: the Cached pane counts it apart)."""
    archives = count - partials
    parts = [f"{archives} archive{'s' if archives != 1 else ''}"] if archives or not partials else []
    if partials:
        parts.append(f"{partials} partial download{'s' if partials != 1 else ''}")
    return " and ".join(parts)
