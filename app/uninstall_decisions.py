"""What `u` does, and what the purge screen's outdated rule must recheck (no Textual):
uninstall an idle install after saying what it frees and which environments it would break;
the answers are app/decisions.py's. `x` and `!` share the idle-install check; Delete is `u`
on Installed and `p` on Cached.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from pytui.app.decisions import (
    Confirm,
    Decision,
    Line,
    Refuse,
    StartUninstall,
    archive_target,
    decide_purge,
    key_titles,
    nothing_highlighted,
)
from pytui.app.purge_plan import PurgePlan
from pytui.app.state import AppState
from pytui.core.models import Installation
from pytui.widgets.format import short_path


def idle_installation(state: AppState, pane: str, key: str | None,
                      needs: str = "") -> Installation | Refuse:
    """The install a row stands for, when no job works on it; else the one-line refusal
    (`u`, `x` and `!` share it). `needs` ends the "not installed" line."""
    installation = state.installation_at(pane, key)
    if key is None:
        return nothing_highlighted(state, pane, "an install", "3 jumps to Installed")
    if installation is None:
        return Refuse(f"{key} is not installed{needs}.",
                      title="Not installed" if needs else "")
    if state.job_for_key(installation.key) is not None:
        return Refuse(f"{installation.key} is busy; wait for its job or cancel it (c).")
    return installation


def decide_uninstall(state: AppState, pane: str, key: str | None) -> Decision:
    # Said when `u` is pressed though the footer dims it (nothing of this row is installed).
    installation = idle_installation(
        state, pane, key, ": u removes an install, and this build has none (3 jumps to Installed)")
    if isinstance(installation, Refuse):
        return installation
    own = _own_python(state, installation)
    if own is not None:
        return own
    from pytui.app.uninstall_report import question_text

    size = state.sizes.get(installation.key)
    freed = state.freeable.get(installation.key)
    shared = size - freed if size is not None and freed is not None else None
    archived = installation.key in state.cached_by_key()
    lines = [Line(f"Removes {short_path(installation.path, state.home)} and its links."),
             Line(question_text(freed, shared, archived=archived), strong=True)]
    if archived:
        lines.append(Line("The cached archive stays, so it can be reinstalled offline."))
    lines += _breaking_lines(state, installation)
    lines += _pipx_lines(state, installation)
    return Confirm(f"Uninstall {installation.key}?", tuple(lines), confirm="Uninstall",
                   then=StartUninstall(installation), name="confirm-uninstall",
                   recheck=partial(_redecide_uninstall, installation.key),
                   short_titles=uninstall_titles(installation))


def uninstall_titles(installation: Installation) -> tuple[str, ...]:
    """The uninstall question's shorter titles (`Remove 3.12.8?` at 20 columns): the line
    naming the key below the title was scrolled out of view by the buttons there."""
    return key_titles(("Uninstall", "Remove"), installation)


def decide_delete(state: AppState, pane: str, key: str | None) -> Decision:
    """Delete or `d` (a file manager's key, lazygit's): the focused pane's own removal, which
    asks first - `u` on Installed, `p` on Cached. Elsewhere it would be a guess between the
    two, so it says which keys do what (it did nothing at all)."""
    if pane == "installed":
        return decide_uninstall(state, pane, key)
    if pane == "cached":
        return decide_purge(state, pane, key)
    # Said for this row: `u` and `p` only where they would act (it said both for any build).
    here = []
    if pane == "available" and key is not None:
        if key in state.installed_keys:
            here.append("u uninstalls this build")
        if archive_target(state, pane, key) is not None:
            here.append("p purges its archive")
    said = "; here " + " and ".join(here) if here else ""
    return Refuse("Delete (or d) removes the highlighted install on Installed (3) or archive "
                  f"on Cached (2){said}.", severity="information", title="Delete")


def _redecide_uninstall(key: str, state: AppState) -> Decision:
    return decide_uninstall(state, "installed", key)


def _breaking_lines(state: AppState, installation: Installation) -> list[Line]:
    """What uninstalling would break (core/environment.py `would_break`), as the CLI refuses it."""
    from pytui.core.environment import rebuilt_by_pipx, would_break

    # Said whatever the answer while no whole-tree check has ended: the question is asked
    # again when one does (job_actions.redecide_questions).
    if state.environments is None:
        if state.envs_failed:
            why = f"not checked ({state.envs_note})"
        elif state.envs_scanning:
            why = "not checked yet: the scan is still running (this question changes when it ends)"
        else:
            why = "not checked yet (e, then r scans them)"
        return [Line(f"Environments: {why}; `pytui uninstall` checks them all.", strong=True)]
    pipx_key = _pipx_default_key(state)
    breaking = would_break(state.environments, {installation.key}, state.installed_keys, pipx_key)
    rebuilt = [Line(f"pipx's shared libraries venv {short_path(env.path, state.home)} uses it: pipx "
                    "rebuilds it on its default Python at its next install or upgrade.")
               for env in rebuilt_by_pipx(state.environments, {installation.key},
                                          state.installed_keys, pipx_key)]
    scope = " (the scan was partial)" if state.envs_partial else ""
    if state.envs_quick:
        # Only the known environments were checked so far: said, whatever they show.
        still = ("the whole tree is still being checked (this question changes when it ends)"
                 if state.envs_scanning else "the whole-tree check was stopped (e, then r runs it)")
        note = [Line(f"Environments: only a quick check so far; {still}; or use "
                     "`pytui uninstall`, which checks it all.", status=True)]
        if not breaking:
            return rebuilt + note
        # The same heading as after a whole check: the note says how far it went, and a
        # rescan that finds the same environments is no change to announce.
        return _breaking_list(state, installation, breaking, "") + rebuilt + note
    # A rescan under way (`u` starts one): what the last whole check found, and that it is
    # being checked again for environments made since.
    rechecking = ([Line("Environments: checking again for any made since the last check (this "
                        "question changes when it ends).", status=True)] if state.envs_scanning else [])
    if not breaking:
        return rebuilt + rechecking
    return _breaking_list(state, installation, breaking, scope) + rebuilt + rechecking


def _pipx_lines(state: AppState, installation: Installation) -> list[Line]:
    """The `pipx` on PATH runs on the install (app/uninstall_safety.pipx_broken): said, as
    `pytui uninstall` refuses it; a yes removed it without a word."""
    from pytui.app.uninstall_safety import pipx_broken

    broken = pipx_broken({installation.key}, state.installed_keys, state.settings.install_root)
    if broken is None:
        return []
    _, script, _ = broken
    return [Line(f"Breaks pipx: the pipx on PATH ({short_path(Path(script), state.home)}) runs on it, "
                 "and every pipx command would fail.", strong=True)]


def _own_python(state: AppState, installation: Installation) -> Refuse | None:
    """The refusal when the install is the Python this pytui runs on, as `pytui uninstall`
    refuses it (app/own_python.py): a yes left the next `pytui` unable to start."""
    if state.environments is None:
        return None
    from pytui.app.own_python import own_environment, own_python_line
    from pytui.core.environment import would_break

    own = own_environment(would_break(state.environments, {installation.key}, state.installed_keys,
                                      _pipx_default_key(state)))
    if own is None:
        return None
    remaining = [i for i in state.installations if i.key != installation.key]
    return Refuse(own_python_line(own, remaining, state.settings.bin_dir, "nothing is removed"),
                  title="pytui runs on it")


def _pipx_default_key(state: AppState) -> str | None:
    """The install pipx's default Python lies in (core/env_places.pipx_default_python), if any."""
    import os

    from pytui.core.env_places import pipx_default_python
    from pytui.core.environment import key_under

    return key_under(pipx_default_python(os.environ), state.settings.install_root)


def _breaking_list(state: AppState, installation: Installation, breaking: list,
                   partial: str) -> list[Line]:
    noun = "environment" if len(breaking) == 1 else "environments"
    lines = [Line(f"Breaks {len(breaking)} {noun}{partial}:", strong=True)]
    lines += [Line(f"  {short_path(env.path, state.home)}") for env in breaking[:5]]
    if len(breaking) > 5:
        lines.append(Line(f"  and {len(breaking) - 5} more (pytui envs {installation.key})"))
    return lines


def prune_now_used(state: AppState, plan: PurgePlan) -> list[str]:
    """The installs of an outdated-rule plan that the newest environment result (quick or
    whole) says are used directly or no longer outdated: pruning them now could break one."""
    if state.environments is None:
        return []  # nothing newer than the plan's own scan
    from pytui.app.uninstall_safety import outdated

    gone, _ = outdated(state.installations, state.environments)
    still = {i.key for i in gone}
    return [i.key for i, _ in plan.installs if i.key not in still]
