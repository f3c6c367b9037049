"""The conventional keys without an app (no Pilot, no Textual): the sort rule, what `y`
copies, what `x`/`!` would run or why they refuse, the config file that keeps the theme, and
the keymap they all come from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_archives import make_build
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app import config as cfg
from pytui.app import decisions as d
from pytui.app import launch, sorting
from pytui.app.sorting import SortOrder, sort_rows
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.settings import Settings
from pytui.widgets.rows import AvailableRow, CacheRow, InstalledRow
from ui_helpers import HOST

VERSIONS = ("3.9.21", "3.10.16", "3.13.0rc1", "3.13.0", "3.12.10", "3.12.9")


def _state(tmp_path: Path, *builds: Build, env: dict[str, str] | None = None) -> AppState:
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **(env or {})}
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env=env)
    return AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                    catalog=Catalog(list(builds), source="test"), disk_listed=True)


def _install(state: AppState, build: Build, *, runnable: bool = True) -> Installation:
    """An install dir whose interpreter is this test's own Python (so `x` would run it)."""
    path = state.settings.install_root / build.key
    installation = Installation(build, path, build.build)
    if runnable:
        target = path / installation.executable
        target.parent.mkdir(parents=True)
        target.symlink_to(os.path.realpath(sys.executable))
    state.installations.append(installation)
    return installation


# -- sorting ----------------------------------------------------------------------------------


def test_versions_sort_as_numbers_not_text() -> None:
    rows = [AvailableRow(build=make_build(version=v)) for v in VERSIONS]
    ordered = sort_rows("available", rows, SortOrder("version"))
    assert [r.build.version for r in ordered] == ["3.9.21", "3.10.16", "3.12.9", "3.12.10",
                                                  "3.13.0rc1", "3.13.0"]
    backwards = sort_rows("available", rows, SortOrder("version", reverse=True))
    assert [r.build.version for r in backwards] == ["3.13.0", "3.13.0rc1", "3.12.10", "3.12.9",
                                                    "3.10.16", "3.9.21"]
    # The Key column too (Installed, Cached): 3.9 before 3.10.
    keys = [InstalledRow(key=make_build(version=v).key, build=None, size=None) for v in VERSIONS]
    assert [r.key.split("-")[1] for r in sort_rows("installed", keys, SortOrder("key"))][:2] \
        == ["3.9.21", "3.10.16"]


def test_sizes_sort_as_bytes_and_unknown_sizes_stay_last() -> None:
    sizes = [9_000, None, 100_000_000, 512, None, 70_000]
    rows = [InstalledRow(key=f"k{i}", build=None, size=s) for i, s in enumerate(sizes)]
    up = sort_rows("installed", rows, SortOrder("size"))
    assert [r.size for r in up] == [512, 9_000, 70_000, 100_000_000, None, None]
    down = sort_rows("installed", rows, SortOrder("size", reverse=True))
    assert [r.size for r in down] == [100_000_000, 70_000, 9_000, 512, None, None]
    # Ties keep the pane's own order (k1 before k4 both ways).
    assert [r.key for r in up[-2:]] == ["k1", "k4"] == [r.key for r in down[-2:]]
    archives = [CacheRow(name=f"a{i}", size=s, build_key=None, state="ok")
                for i, s in enumerate((10, 2_000, 300))]
    assert [r.size for r in sort_rows("cached", archives, SortOrder("size"))] == [10, 300, 2_000]


def test_build_dates_and_pypy_versions_sort_as_numbers() -> None:
    assert sorting.natural("7.3.9") < sorting.natural("7.3.17")
    assert sorting.natural("20250115") < sorting.natural("20251010")


def test_s_cycles_the_columns_then_back_to_the_panes_own_order() -> None:
    order = sorting.UNSORTED
    seen = []
    for _ in range(len(sorting.COLUMNS["installed"]) + 1):
        order = sorting.next_column("installed", order)
        seen.append(order.column)
    assert seen == ["key", "size", "used", "update", "support", "build", ""]
    assert sorting.reversed_order(SortOrder("size")) == SortOrder("size", reverse=True)
    assert sorting.clicked("cached", SortOrder("size"), "size") == SortOrder("size", True)
    assert sorting.clicked("cached", SortOrder("size"), "build") == SortOrder("build")
    assert sorting.clicked("cached", SortOrder("size"), "nonsense") == SortOrder("size")
    assert sorting.describe("available", SortOrder("version", True)) == "by Version ↓"
    assert sorting.describe("available", sorting.UNSORTED) == ""
    rows = [AvailableRow(build=make_build(version=v)) for v in VERSIONS]
    assert sort_rows("available", rows, SortOrder("", reverse=True)) == rows[::-1]


def test_the_view_model_sorts_each_pane_and_says_so(tmp_path) -> None:
    builds = [make_build(version=v, sha256=f"{i:02x}" * 32) for i, v in enumerate(VERSIONS)]
    state = _state(tmp_path, *builds)
    state.view = state.view.__class__(all_versions=True)
    vm = ViewModel()
    natural_order = [r.build.version for r in vm.available_rows(state)]
    assert natural_order[0] == "3.13.0"  # uv's order: newest first
    state.sort["available"] = SortOrder("version")
    assert [r.build.version for r in vm.available_rows(state)][:2] == ["3.9.21", "3.10.16"]
    assert vm.available_subtitle(state, 6).endswith("· by Version ↑")
    for build, size in zip(builds[:3], (3, 1, 2), strict=True):
        _install(state, build, runnable=False)
        state.sizes[build.key] = size
    state.sort["installed"] = SortOrder("size", reverse=True)
    assert [state.sizes[r.key] for r in vm.installed_rows(state)] == [3, 2, 1]
    assert vm.installed_subtitle(state) == "3 interpreters · e: environments · by Size ↓"


# -- y: copy a path -----------------------------------------------------------------------------


def test_y_copies_the_install_dir_the_archive_path_or_the_url(tmp_path) -> None:
    build, other = make_build(version="3.12.8"), make_build(version="3.13.1")
    state = _state(tmp_path, build, other)
    installation = _install(state, build, runnable=False)
    archive = CachedArchive(state.settings.cache_dir / build.cache_filename, 10, build)
    state.archives.append(archive)
    assert d.decide_copy(state, "installed", build.key) == \
        d.CopyText(str(installation.path), "install dir")
    assert d.decide_copy(state, "cached", archive.name) == \
        d.CopyText(str(archive.path), "archive path")
    # The URL the install downloads from first (Astral's mirror, as uv), not the catalog's.
    astral = other.url.replace("https://github.com/astral-sh/",
                               "https://releases.astral.sh/github/")
    assert d.decide_copy(state, "available", other.key) == d.CopyText(astral, "download URL")
    assert isinstance(d.decide_copy(state, "available", None), d.Refuse)
    assert "downloading" in d.decide_copy(state, "cached", "nope.tar.gz").message
    assert isinstance(d.decide_copy(state, "installed", other.key), d.Refuse)


# -- x and !: a REPL or a shell ----------------------------------------------------------------


def test_x_runs_the_installs_own_interpreter(tmp_path) -> None:
    build = make_build(version="3.12.8")
    state = _state(tmp_path, build)
    installation = _install(state, build)
    decision = launch.decide_launch(state, "installed", build.key, launch.REPL, can_suspend=True)
    assert isinstance(decision, launch.Launch)
    assert decision.argv == (str(installation.path / "bin" / "python3.12"),)
    assert "python3.12" in decision.title and "returns to pytui" in decision.banner
    # From the Available row of the same build too.
    same = launch.decide_launch(state, "available", build.key, launch.REPL, can_suspend=True)
    assert isinstance(same, launch.Launch) and same.argv == decision.argv


def test_shell_puts_the_bin_dir_first_and_distrusts_shell(tmp_path) -> None:
    build = make_build(version="3.12.8")
    state = _state(tmp_path, build, env={"SHELL": "/bin/sh"})
    installation = _install(state, build)
    decision = launch.decide_launch(state, "installed", build.key, launch.SHELL,
                                    can_suspend=True)
    assert isinstance(decision, launch.Launch)
    assert decision.argv == ("/bin/sh",)
    assert decision.env["PATH"].split(os.pathsep)[0] == str(installation.path / "bin")
    assert decision.env["PATH"].endswith("/usr/bin:/bin")
    for hostile in ("sh", "/nonexistent/shell", str(tmp_path), ""):
        assert launch.login_shell({"SHELL": hostile}) == launch.FALLBACK_SHELL


def test_x_and_shell_refuse_in_one_line(tmp_path) -> None:
    build, other, broken, gone = (make_build(version=v)
                                  for v in ("3.12.8", "3.13.1", "3.11.11", "3.10.16"))
    state = _state(tmp_path, build, other, broken, gone)
    _install(state, build)
    _install(state, broken, runnable=False).path.mkdir(parents=True)
    _install(state, gone, runnable=False)  # listed, then removed by uv or another pytui

    def refusal(pane: str, key: str | None, *, can_suspend: bool = True) -> str:
        decision = launch.decide_launch(state, pane, key, launch.REPL, can_suspend=can_suspend)
        assert isinstance(decision, d.Refuse), decision
        assert "\n" not in decision.message
        return decision.message

    assert "not installed" in refusal("available", other.key)
    assert refusal("installed", None).startswith("Nothing is highlighted: highlight an install")
    assert " is missing: part of the install is gone" in refusal("installed", broken.key)
    # Its dir gone since the listing: said as such, not as an incomplete install (`x` said
    # "… is missing or not executable: the install is incomplete (u, then i reinstalls it)").
    assert refusal("installed", gone.key) == (
        f"{gone.key} is no longer installed: uv or another pytui process removed it since it "
        "was listed (r lists the install root again).")
    assert "cannot hand over" in refusal("installed", build.key, can_suspend=False)
    state.add_job("uninstall", build.key, installation=state.installation(build.key))
    assert "busy" in refusal("installed", build.key)


def test_run_interactive_runs_the_program_and_says_how_it_ended(tmp_path, capfd,
                                                                monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    ok = launch.Launch("t", (sys.executable, "-c", "print(6*7)"), dict(os.environ), "banner")
    # The toast's title names the program (`python3.15 REPL`): the line does not again.
    assert launch.run_interactive(ok) == "exited"
    out = capfd.readouterr().out
    # As lazygit hands over: the screen cleared first (the program's output landed over the
    # last TUI frame), the banner in blue and a blank line, then the program's output.
    assert out.startswith(launch.CLEAR_SCREEN), repr(out)
    assert out.endswith(f"{launch.BANNER_COLOUR}banner{launch.PLAIN}\n\n42\n"), repr(out)
    failing = launch.Launch("t", (sys.executable, "-c", "raise SystemExit(3)"), {})
    assert launch.run_interactive(failing) == "exited with status 3"
    missing = launch.Launch("t", (str(tmp_path / "no-such"),), {})
    assert launch.run_interactive(missing).startswith(f"could not run {tmp_path / 'no-such'}")


def test_the_banner_is_wrapped_at_spaces_to_the_terminal_width(capfd, monkeypatch) -> None:
    """At 80 columns the shell's banner ran past the edge and the terminal folded it inside the
    bin dir's path (`…-gnu/b` over `in first on PATH`): it is wrapped at spaces, a path wider
    than the terminal cut at a `/`, as notifications are."""
    monkeypatch.setenv("NO_COLOR", "1")
    bin_dir = "~/.local/share/uv/python/cpython-3.12.8-linux-x86_64-gnu/bin"
    banner = f"pytui: /bin/bash with {bin_dir} first on PATH (python, python3.12) — exit returns to pytui"
    for columns, whole in ((80, bin_dir), (40, "cpython-3.12.8-linux-x86_64-gnu/bin")):
        monkeypatch.setenv("COLUMNS", str(columns))
        launch.run_interactive(launch.Launch("t", ("/bin/true",), {}, banner))
        lines = capfd.readouterr().out.removeprefix(launch.CLEAR_SCREEN).split("\n")
        assert all(len(line) <= columns for line in lines), (columns, lines)
        assert any(whole in line for line in lines), (columns, lines)
        assert " ".join(" ".join(lines).split()).replace("/ ", "/") == banner, (columns, lines)


def test_a_shells_banner_naming_a_root_with_an_escape_is_printed_escaped(tmp_path, capfd) -> None:
    """The banner is printed to the terminal the TUI let go of, so the TUI's drawing guard does
    not cover it: a root whose name holds an OSC (set the title, write the clipboard) wrote it."""
    import dataclasses

    build = make_build(version="3.12.8")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}
    settings = Settings.resolve(install_dir=tmp_path / "r\x1b]0;pwned\x07", cache_dir=tmp_path / "cache",
                                env=env)
    state = AppState(settings=settings, host=HOST, home=tmp_path / "home", clock=lambda: 1000.0,
                     catalog=Catalog([build], source="test"), disk_listed=True)
    _install(state, build)
    decision = launch.decide_launch(state, "installed", build.key, launch.SHELL, can_suspend=True)
    assert isinstance(decision, launch.Launch) and "\x1b" in decision.banner

    assert launch.run_interactive(dataclasses.replace(decision, argv=("/bin/true",))) == "exited"

    out = capfd.readouterr().out
    # No escape but pytui's own: the screen cleared, the banner's colour on and off.
    for own in (launch.CLEAR_SCREEN, launch.BANNER_COLOUR, launch.PLAIN):
        out = out.replace(own, "", 1)
    assert "\x1b" not in out and "\x07" not in out, repr(out)
    assert "r\\x1b]0;pwned\\x07" in out, repr(out)


# -- the config file -----------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)}


def test_config_lives_beside_scan_paths(tmp_path) -> None:
    from pytui.core.env_places import config_scan_file

    env = _env(tmp_path)
    assert cfg.config_path(env) == config_scan_file(env).parent / "config.toml"
    assert cfg.read_config(env) == cfg.UiConfig(cfg.config_path(env))


def test_theme_is_written_atomically_and_read_back(tmp_path) -> None:
    env = _env(tmp_path)
    path = cfg.config_path(env)
    cfg.save_theme(path, "textual-light")
    assert cfg.read_config(env).theme == "textual-light"
    # A person's comments and other lines stay; only the theme line changes.
    path.write_text('# mine\ntheme = "nord"  # dark\n\nfuture = "x"\n')
    cfg.save_theme(path, "gruvbox")
    assert path.read_text() == '# mine\ntheme = "gruvbox"\n\nfuture = "x"\n'
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


@pytest.mark.parametrize(("text", "warning"), [
    ('theme = 3\n', "not a quoted string"),
    ('colour = "red"\n', "unknown setting 'colour'"),
    ('[ui]\n', "not `name = \"value\"`"),
    ('theme = "../../etc/passwd"\n', "not a theme name"),
    ('theme = "' + "a" * 500 + '"\n', "not a theme name"),
    ('theme = "a\\nb"\n', "not a quoted string"),
])
def test_a_bad_line_is_ignored_with_one_warning(tmp_path, text, warning) -> None:
    env = _env(tmp_path)
    path = cfg.config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    config = cfg.read_config(env)
    assert config.theme is None
    assert warning in config.warning_line() and str(path) in config.warning_line()
    assert "\n" not in config.warning_line()


def test_hostile_config_files_are_ignored_not_read(tmp_path) -> None:
    env = _env(tmp_path)
    path = cfg.config_path(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "nord"\n' * (cfg.MAX_CONFIG_BYTES // 10))
    assert "more than" in cfg.read_config(env).warning_line()
    path.write_bytes(b'theme = "\xff"\n')
    assert "not UTF-8" in cfg.read_config(env).warning_line()
    with pytest.raises(OSError, match="not UTF-8"):
        cfg.save_theme(path, "nord")  # not ours to overwrite
    path.unlink()
    os.mkfifo(path)  # would block a plain open()
    assert "FIFO" in cfg.read_config(env).warning_line()
    path.unlink()
    path.mkdir()
    assert "directory" in cfg.read_config(env).warning_line()
    with pytest.raises(OSError):
        cfg.save_theme(path, "nord")


def test_unknown_theme_and_several_warnings(tmp_path) -> None:
    env = _env(tmp_path)
    path = cfg.config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text('theme = "no-such-theme"\n')
    config = cfg.read_config(env)
    assert "no such theme" in cfg.unknown_theme(config, ["textual-dark"])
    assert cfg.unknown_theme(config, ["no-such-theme"]) == ""
    assert cfg.start_theme(config, ["textual-dark"]) == (None, cfg.unknown_theme(
        config, ["textual-dark"]))
    path.write_text('a = "1"\nb = "2"\ntheme = "nord"\n')
    config = cfg.read_config(env)
    assert config.theme == "nord" and config.warning_line().endswith("(and 1 more)")
    # The other lines were ignored, the theme is still used (and said once, in one line).
    theme, line = cfg.start_theme(config, ["nord", "textual-dark"])
    assert theme == "nord" and "unknown setting 'a'" in line and line.endswith("(and 1 more)")


def test_the_first_problem_in_line_order_is_said(tmp_path) -> None:
    # An unknown theme is only found when the app knows its themes, after parsing; it is still
    # said before a later line's problem.
    env = _env(tmp_path)
    path = cfg.config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text('# mine\ntheme = "no-such-theme"\n[garbage\nx = "1"\n')
    theme, line = cfg.start_theme(cfg.read_config(env), ["textual-dark"])
    assert theme is None
    assert "no such theme" in line and "line 2" in line and line.endswith("(and 2 more)")
    # A theme after the bad lines comes after them.
    path.write_text('[garbage\ntheme = "no-such-theme"\n')
    line = cfg.start_theme(cfg.read_config(env), ["textual-dark"])[1]
    assert "ignored line 1" in line and line.endswith("(and 1 more)")
    # A theme that is not a name at all is placed by its line too.
    path.write_text('theme = "../x"\n[garbage\n')
    line = cfg.read_config(env).warning_line()
    assert "not a theme name" in line and "line 1" in line and line.endswith("(and 1 more)")


def test_a_config_that_is_not_utf8_says_what_to_do(tmp_path) -> None:
    env = _env(tmp_path)
    path = cfg.config_path(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "\xff"\n')
    assert cfg.read_config(env).warning_line().endswith("not UTF-8 text; fix or delete the file")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_config_never_raises(text) -> None:
    values, warnings = cfg.parse_config(text, "x")
    assert set(values) <= cfg.KNOWN
    assert all("\n" not in w for w in warnings)


# -- the keymap ----------------------------------------------------------------------------------


def test_new_keys_do_not_collide_and_are_documented() -> None:
    from pytui.app.keymap import KEYMAP, MAIN_ACTIONS, bound_keys, help_rows, table_keys

    app_keys = {part for k in bound_keys() for part in k.keys.split(",")}
    table = {part for k in table_keys() for part in k.keys.split(",")}
    assert not app_keys & table, "a table key shadows an app key"
    assert {"j", "k", "g", "G", "home", "end"} == table
    assert {"1", "2", "3", "4", "s", "S", "y", "x", "exclamation_mark"} <= app_keys
    assert {"focus_pane", "sort", "copy", "repl", "shell"} <= MAIN_ACTIONS
    documented = " ".join(display for display, _ in help_rows())
    for shown in ("j / k", "g / Home", "G / End", "1 / 2 / 3 / 4", "y", "x", "!"):
        assert shown in documented
    assert all(k.help or not k.show for k in KEYMAP)


def test_new_modules_import_no_textual() -> None:
    code = ("import sys; import pytui.app.sorting, pytui.app.config, pytui.app.launch; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_installed_details_name_the_pythonx_y_executable(tmp_path) -> None:
    build = make_build(version="3.13.1", variant="freethreaded")
    state = _state(tmp_path, build)
    _install(state, build, runnable=False)
    details = ViewModel().details(state, "installed", build.key)
    assert details is not None
    install = dict(details.fields)["install"]
    assert install.startswith("~/root/cpython-3.13.1+freethreaded-")
    assert install.endswith("  · python3.13t")
