"""What the Environments view's details say to do, without Textual: a broken environment's
mend line (the build it names is one the catalog lists or one installed, and the command that
recreates it) and an unmet pin's next step."""

from __future__ import annotations

from pathlib import Path

from envs_view_state import NEW, OLD, envs_state
from fixtures_archives import make_build
from pytui.app.envs_view import env_details
from pytui.core.environment import Environment


def test_a_broken_environments_details_say_what_mends_it(tmp_path: Path) -> None:
    """The details said what a broken environment wanted, never what to do next."""
    from pytui.app.envs_view import env_details

    wanted = [make_build(version="3.10.16"), make_build(version="3.13.1", variant="freethreaded"),
              make_build(version="3.11.9")]
    state = envs_state(tmp_path, [NEW], [OLD, NEW, *wanted])
    patch = Environment(tmp_path / "a" / ".venv", "venv", None, "patch", "broken",
                        wanted="cpython-3.10.16-linux-x86_64-gnu",
                        error="wanted cpython-3.10.16-linux-x86_64-gnu (…), which is not installed")
    minor = Environment(tmp_path / "b" / ".venv", "venv", None, "minor", "broken",
                        wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    free = Environment(tmp_path / "c" / ".venv", "venv", None, "patch", "broken",
                       wanted="cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    mends = {env.path.parent.name: dict(env_details(state, env))["mend"]
             for env in (patch, minor, free, gone)}
    assert mends["a"] == ("install 3.10.16 again (Esc, then / 3.10.16 and i on its "
                          "row), or recreate the environment with an installed Python "
                          "(uv venv -p 3.12)")
    assert mends["b"].startswith("install a 3.11 (Esc, then / 3.11 and i on its row)")
    assert "/ cpython-3.13.1+freethreaded-linux-x86_64-gnu and i" in mends["c"]
    assert mends["d"] == "recreate the environment with an installed Python (uv venv -p 3.12)"
    # A uv tool or a pipx venv is made again by its tool: `uv venv` there makes an empty venv
    # where the tool's packages were (it said `uv venv -p 3.12` for a uv tool; newuser31).
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "minor", "broken",
                       wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"] == (
        "install a 3.11 (Esc, then / 3.11 and i on its row), or reinstall the tool with an installed "
        "Python (uv tool install --reinstall --python 3.12 tabulate)")
    pipx = Environment(tmp_path / "venvs" / "black", "pipx", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, pipx))["mend"] == (
        "reinstall it with an installed Python (pipx reinstall --python "
        f"~/{state.settings.bin_dir.relative_to(tmp_path)}/python3.12 black)")
    # A working one has none.
    ok = Environment(tmp_path / "e" / ".venv", "venv", NEW.key, "patch", "ok")
    assert "mend" not in dict(env_details(state, ok))


def test_a_broken_environments_mend_names_only_a_build_the_catalog_lists(tmp_path: Path) -> None:
    """It said `install 3.10.5 again (Esc, then / 3.10.5 …)` of a build the loaded catalog did
    not have (papercut35): the build of that minor `uv python install 3.10` takes, else that it
    lists none. That is the newest patch, not the nearest: the environment is made again with
    `uv venv -p 3.10`, which takes the newest 3.10 installed and downloads the newest (uv 0.13.9:
    `uv python install 3.10.5` is `No download found for request`, `uv python install 3.10` on
    a catalog of 3.10.4 and 3.10.16 installs 3.10.16); it named 3.10.4 for a 3.10.5, listed only
    under `a`, which `uv venv -p 3.10` passes over once a newer 3.10 is installed."""
    from pytui.app.envs_view import env_details

    older, newest = make_build(version="3.10.4"), make_build(version="3.10.16")
    state = envs_state(tmp_path, [NEW], [OLD, NEW, older, newest, make_build(version="3.10.17rc1")])

    def mend(version: str) -> str:
        env = Environment(tmp_path / "a" / ".venv", "venv", None, "patch", "broken",
                          wanted=f"cpython-{version}-linux-x86_64-gnu")
        return dict(env_details(state, env))["mend"]

    # 3.10.16, not the nearer 3.10.4 (nor the pre-release): what `uv python install 3.10` takes.
    assert mend("3.10.5") == (
        "the catalog has no 3.10.5; its newest 3.10 is 3.10.16 (Esc, then / 3.10.16 and i on its "
        "row): install it, then recreate the environment with 3.10.16 (uv venv -p 3.10)")
    # Three lines in the 80x24 detail box's 63 cells, as `install 3.10.16 again …` (a fourth
    # was cut off by the box).
    from rich.console import Console
    from rich.text import Text
    assert len(Text(mend("3.10.5")).wrap(Console(width=63), 63)) <= 3
    assert "newest 3.10 is 3.10.16 (Esc, then / 3.10.16 and" in mend("3.10.18")
    # A minor with pre-releases alone: the newest of them, as uv takes it.
    state = envs_state(tmp_path, [NEW], [OLD, NEW, make_build(version="3.15.0a2"), make_build(version="3.15.0b1")])
    assert "newest 3.15 is 3.15.0b1 (Esc, then / 3.15.0b1 and" in mend("3.15.0a1")
    state = envs_state(tmp_path, [NEW], [OLD, NEW, older, newest])
    # `r` in the view rescans: the catalog is refreshed on the main screen.
    assert mend("3.9.5") == (
        "the catalog has no 3.9 build (Esc, then r refreshes it): recreate the environment with "
        "an installed Python (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "ruff", "uv-tool", None, "patch", "broken",
                       wanted="cpython-3.10.5-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"].endswith(
        "then reinstall the tool with 3.10.16 (uv tool install --reinstall --python 3.10 ruff)")
    assert mend("3.10.16").startswith("install 3.10.16 again (Esc, then / 3.10.16 and i")


def test_the_mend_line_names_a_python_that_is_installed(tmp_path) -> None:
    """`uv venv -p 3.12` was named as "an installed Python" whatever was installed: with 3.11
    and 3.13 alone it named one uv would download. It names the newest installed minor."""
    from pytui.app.envs_view import env_details

    installed = [make_build(version="3.11.9"), make_build(version="3.13.1")]
    state = envs_state(tmp_path, installed, installed)
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    assert dict(env_details(state, gone))["mend"] == (
        "recreate the environment with an installed Python (uv venv -p 3.13)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert "(uv tool install --reinstall --python 3.13 tabulate)" in dict(env_details(state, tool))["mend"]
    # A pre-release is named only when no release is installed (it named 3.14 for a 3.14.0rc2
    # beside 3.13.1; newuser33).
    rc = [*installed, make_build(version="3.14.0rc2")]
    assert dict(env_details(envs_state(tmp_path, rc, rc), gone))["mend"].endswith("(uv venv -p 3.13)")
    only_rc = [make_build(version="3.14.0rc2")]
    assert dict(env_details(envs_state(tmp_path, only_rc, only_rc), gone))["mend"].endswith(
        "(uv venv -p 3.14)")


def test_an_unmet_pins_details_say_what_to_do(tmp_path: Path) -> None:
    """A `.python-version` no install satisfies (Status `unmet`, Key `none`): its details said
    `pin 3.9 (no install satisfies it)` and nothing to do next, as a broken one's `mend` does."""
    from pytui.app.envs_view import env_details

    state = envs_state(tmp_path, [NEW], [OLD, NEW, make_build(version="3.9.21")])
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    fields = dict(env_details(state, pin))
    assert fields["how"] == "pin 3.9 (no install satisfies it)", fields
    assert fields["next"] == "install a 3.9 (Esc, then / 3.9 and i on its row)", fields
    # A pin an install satisfies has none.
    met = Environment(tmp_path / "q" / ".python-version", "pin", NEW.key, None, "ok", request="3.12")
    assert "next" not in dict(env_details(state, met))


def test_a_minor_mend_and_an_unmet_pins_next_name_only_a_minor_the_catalog_lists(
        tmp_path: Path) -> None:
    """`install a 3.11 (Esc, then / 3.11 …)` was said of a broken venv that followed 3.11's
    link, and `install a 3.9 …` of an unmet pin, when the loaded catalog had no 3.11 or 3.9
    for this platform: they say so in the words a missing patch's mend says it (29c831b)."""
    from pytui.app.envs_view import env_details

    other_os = make_build(version="3.11.9", os_name="macos", arch="aarch64", libc="none")
    state = envs_state(tmp_path, [NEW], [OLD, NEW, other_os])
    minor = Environment(tmp_path / "b" / ".venv", "venv", None, "minor", "broken",
                        wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu")
    assert dict(env_details(state, minor))["mend"] == (
        "the catalog has no 3.11 build (Esc, then r refreshes it): recreate the environment with "
        "an installed Python (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "minor", "broken",
                       wanted="cpython-3.13+freethreaded-linux-x86_64-gnu")
    assert dict(env_details(state, tool))["mend"] == (
        "the catalog has no 3.13+freethreaded build (Esc, then r refreshes it): reinstall the "
        "tool with an installed Python (uv tool install --reinstall --python 3.12 tabulate)")
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    assert dict(env_details(state, pin))["next"] == (
        "the catalog has no 3.9 build (Esc, then r refreshes it): pin an installed Python "
        "instead (uv python pin 3.12)")
    # Listed for this platform: installed from Available, as before.
    listed = [OLD, NEW, make_build(version="3.11.9"), make_build(version="3.9.21"),
              make_build(version="3.13.1", variant="freethreaded")]
    state = envs_state(tmp_path, [NEW], listed)
    assert dict(env_details(state, minor))["mend"].startswith(
        "install a 3.11 (Esc, then / 3.11 and i on its row), or recreate")
    assert dict(env_details(state, tool))["mend"].startswith(
        "install a 3.13+freethreaded (Esc, then / 3.13+freethreaded and i")
    assert dict(env_details(state, pin))["next"] == (
        "install a 3.9 (Esc, then / 3.9 and i on its row)")
    # A catalog not loaded yet names what was wanted, as a patch's mend does.
    state.catalog = None
    assert dict(env_details(state, pin))["next"].startswith("install a 3.9 (")


def test_with_nothing_installed_the_mend_installs_a_python_before_recreating(tmp_path):
    """With no install in the root, the mend said "recreate the environment with an installed
    Python (uv venv -p 3.12)": there was none (attacker36)."""
    state = envs_state(tmp_path, [], [NEW])
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3", error="wanted /opt/py/bin/python3, which "
                       "does not exist")
    assert dict(env_details(state, gone))["mend"] == (
        "install 3.12 (Esc, then / 3.12 and i on its row), then recreate the environment with "
        "it (uv venv -p 3.12)")
    tool = Environment(tmp_path / "tools" / "tabulate", "uv-tool", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, tool))["mend"].startswith(
        "install 3.12 (Esc, then / 3.12 and i on its row), then reinstall the tool with it (")


def test_with_nothing_installed_the_mend_names_what_uv_would_install(tmp_path: Path) -> None:
    """With nothing installed the mend named 3.12 whatever the catalog held. uv 0.13.9 with no
    request and nothing installed (`uv python install`, `uv venv`) takes the newest stable
    CPython the catalog has for this host (3.13.1 beside 3.12.8 and 3.14.0rc2): the mend names
    that minor (with no catalog loaded, or none for this host, the newest minor released by
    today: tests/test_example_minor_released.py)."""
    from pytui.app.envs_view import env_details, installed_minor

    catalog = [OLD, NEW, make_build(version="3.13.1"), make_build(version="3.14.0rc2"),
               make_build(version="3.15.1", os_name="macos", arch="aarch64", libc="none")]
    state = envs_state(tmp_path, [], catalog)
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, gone))["mend"] == (
        "install 3.13 (Esc, then / 3.13 and i on its row), then recreate the environment with "
        "it (uv venv -p 3.13)")
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    assert dict(env_details(state, pin))["next"].endswith(
        ": pin 3.13 instead (uv python pin 3.13, which installs it too)")
    state.catalog = None
    # Released by the state's day (its clock, as every support status: it took the real date).
    import datetime as _dt

    from pytui.core.example_minor import released_minor

    state.clock = lambda: _dt.datetime(2025, 11, 1, 12).timestamp()
    assert installed_minor(state) == released_minor(state.settings.state_dir, "2025-11-01") == "3.14"
