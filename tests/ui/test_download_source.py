"""Details, `y` and the install question name one URL: the one the install downloads from.
With --mirror, Details showed the catalog's GitHub URL (and `y` copied it) while the install
question said `Downloads http://mirror/…`; without one, uv's order: Astral's mirror, then
GitHub. No Pilot: the view rules alone."""

from __future__ import annotations

from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app.install_decisions import decide_install
from pytui.app.view_model import ViewModel
from pytui.core.settings import Settings
from view_state import a_state

MIRROR = "http://127.0.0.1:9/pbs"
PASSWORD = "s3cretPW"


def test_details_copy_and_question_name_the_mirror(tmp_path) -> None:
    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      mirror=MIRROR, env={"HOME": str(tmp_path)})
    suffix = build.url.split("/releases/download/", 1)[1]
    details = ViewModel().details(state, "available", build.key)
    assert ("url", f"{MIRROR}/{suffix}") in details.fields, details.fields
    assert d.decide_copy(state, "available", build.key) == d.CopyText(f"{MIRROR}/{suffix}", "download URL")
    question = decide_install(state, ViewModel(), "available", build.key, ask=True)
    assert f"Downloads {MIRROR}/{suffix}" in str(question), question


def test_without_a_mirror_details_say_astrals_mirror_and_the_question_github_after_it(tmp_path) -> None:
    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    details = dict(ViewModel().details(state, "available", build.key).fields)
    # One word: Details shows it whole, wrapped after a `/`.
    assert details["url"].startswith("https://releases.astral.sh/github/python-build-standalone/")
    assert " " not in details["url"]
    question = decide_install(state, ViewModel(), "available", build.key, ask=True)
    assert f"Downloads {details['url']} (if that fails, from github.com)" in str(question), question


def test_the_question_says_a_stopped_download_resumes(tmp_path) -> None:
    # With a cancelled download's `.part` kept, Enter asked `Downloads <url>` as if from scratch.
    from pytui.core.models import CachedArchive

    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    part = state.settings.cache_dir / (build.cache_filename + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(bytes(1024))
    state.archives.append(CachedArchive(part, 1024, build, state="partial", expected_size=4096))
    url = dict(ViewModel().details(state, "available", build.key).fields)["url"]
    question = str(decide_install(state, ViewModel(), "available", build.key, ask=True))
    assert f"Resumes its stopped download (25%, 1.0 KiB kept) from {url}" in question, question


def test_the_tui_never_shows_a_mirrors_password(tmp_path) -> None:
    # With a password in the mirror's URL, Details, `y`, the question, a job's error and
    # History (and its log) showed it; uv shows `user:****@`.
    from pytui.app.history import LOG_NAME, History

    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      mirror=f"http://user:{PASSWORD}@127.0.0.1:9/pbs",
                                      env={"HOME": str(tmp_path)})
    url = dict(ViewModel().details(state, "available", build.key).fields)["url"]
    assert url.startswith("http://user:****@127.0.0.1:9/pbs/"), url
    assert d.decide_copy(state, "available", build.key) == d.CopyText(url, "download URL")
    question = str(decide_install(state, ViewModel(), "available", build.key, ask=True))
    assert f"Downloads {url}" in question and PASSWORD not in question, question

    job = state.add_job("install", build.key, build=build)
    failed = f"could not download {build.key} (http://user:{PASSWORD}@127.0.0.1:9/pbs/x: HTTP 404)"
    state.note(job.job_id, f"retrying in 2 s: redirected to http://u:{PASSWORD}@elsewhere/")
    assert PASSWORD not in state.jobs[job.job_id].note
    ended = state.end_job(job.job_id, "failed", error=failed)
    assert ended is not None and ended.error == failed.replace(f":{PASSWORD}@", ":****@")

    history = History(tmp_path / "state")
    history.add("install", build.key, "failed", failed)
    assert PASSWORD not in history.entries[-1].message
    assert PASSWORD not in (tmp_path / "state" / LOG_NAME).read_text()


def test_a_huge_mirror_value_is_shown_cut(tmp_path) -> None:
    # A 100 KB UV_PYTHON_INSTALL_MIRROR was folded whole into Details on every redraw (a third
    # of a second per cursor move) and into the question.
    from pytui.app.download_source import MAX_SHOWN_URL

    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      mirror="http://127.0.0.1:9/" + "a" * 100_000,
                                      env={"HOME": str(tmp_path)})
    url = dict(ViewModel().details(state, "available", build.key).fields)["url"]
    assert url.startswith("http://127.0.0.1:9/aaa") and len(url) < MAX_SHOWN_URL + 40, len(url)
    assert url.endswith(" characters)"), url[-40:]
    question = str(decide_install(state, ViewModel(), "available", build.key, ask=True))
    assert f"Downloads {url}" in question and len(question) < 2 * MAX_SHOWN_URL, len(question)


def test_details_say_which_config_file_set_the_mirror(tmp_path) -> None:
    """A mirror from uv's configuration file (core/uv_config.py): Details shows its URL and,
    under it, the file that set it; a --mirror over the file's is not said to come from it."""
    build = make_build(version="3.12.8")
    state = a_state(tmp_path, build)
    project = tmp_path / "project"
    project.mkdir()
    (project / "uv.toml").write_text(f'python-install-mirror = "{MIRROR}"\n')
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      env=env, cwd=project)
    suffix = build.url.split("/releases/download/", 1)[1]
    fields = dict(ViewModel().details(state, "available", build.key).fields)
    assert fields["url"] == f"{MIRROR}/{suffix}"
    assert fields["mirror"] == "python-install-mirror in ~/project/uv.toml", fields
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      env=env, cwd=project, mirror="http://127.0.0.1:9/flag")
    fields = dict(ViewModel().details(state, "available", build.key).fields)
    assert fields["url"].startswith("http://127.0.0.1:9/flag/") and "mirror" not in fields, fields
