"""An install job's summary depends on whether its build was listed installed, read on the UI
thread when the job is made (Job.listed), never by the job's thread as it starts: a listing
landing in that instant made `i` on an install lacking its links say that another process had
installed it meanwhile. A small unit test: the gateway is a stand-in."""

from __future__ import annotations

from pathlib import Path

from pytui.app.job_bodies import JobBodies
from pytui.app.job_record import INSTALL
from pytui.app.messages import JobEnded
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.jobs import InstallResult
from pytui.core.progress import CancelToken
from view_state import NEW, a_state, an_installation, three_builds


class _Posted:
    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True


class _AlreadyInstalled:
    """The install finds the key there (status `already`) and no link left to make."""

    def install(self, build, **_: object) -> InstallResult:
        return InstallResult(build, "already", None)

    def restore_links(self, *_: object, **__: object) -> tuple[list[str], list[str]]:
        return [], []


def _bodies(state: AppState) -> tuple[JobBodies, _Posted]:
    bodies, app = JobBodies(), _Posted()
    bodies._app, bodies._state, bodies.gateway = app, state, _AlreadyInstalled()  # type: ignore[assignment]
    return bodies, app


def test_the_summary_follows_what_was_listed_when_the_job_was_made(tmp_path: Path) -> None:
    build = three_builds()[NEW]
    state = a_state(tmp_path, build)
    state.installations.append(an_installation(state.settings.install_root, build))
    job = state.add_job(INSTALL, build.key, build=build)
    assert job.listed
    # A listing lands before the job's thread starts: it no longer shows the install.
    state.installations.clear()
    assert not state.add_job(INSTALL, build.key, build=build).listed
    bodies, app = _bodies(state)
    bodies._install(job.job_id, CancelToken(), build, state.settings, Catalog([build]),
                    False, None, False, job.listed)
    ended = [m for m in app.messages if isinstance(m, JobEnded)]
    assert [m.summary for m in ended] == [
        f"{build.key} was already installed; no link was missing by the time the job ran"]
