"""core/uv_config.py under files made to cost: work bounded by what uv 0.13.9 reads at once
(a workspace's member globs, a TOML file's keys), and a working directory that is gone."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

import pytest
from fixtures_fs import make_nested
from pytui.core.uv_config import ConfigFileError, load


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}


def test_a_member_glob_of_many_double_stars_is_matched_in_bounded_steps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty-four `**` over a member twenty directories deep: trying every split of each was
    exponential (`pytui list` there ran for minutes; uv 0.13.9 answers in 2.7 s). The matcher
    now tries each component against each pattern position at most once."""
    root = tmp_path / "ws"
    pattern = "/".join(["**"] * 24 + ["nomatch"])
    _write(root / "pyproject.toml", f'[tool.uv.workspace]\nmembers = ["{pattern}"]\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    member = root.joinpath(*"abcdefghijklmnopqrst")
    _write(member / "pyproject.toml", '[project]\nname = "m"\nversion = "1"\n'
                                      '[tool.uv]\npython-install-mirror = "http://member"\n')
    calls = 0
    real = fnmatch.fnmatchcase

    def counted(name: str, pat: str) -> bool:
        nonlocal calls
        calls += 1
        if calls > 25 * 21:  # a position per pattern component, for each path component
            raise AssertionError(f"{calls} component matches for one glob")
        return real(name, pat)

    monkeypatch.setattr(fnmatch, "fnmatchcase", counted)
    # Not a member (nothing matches "nomatch"): its own [tool.uv] is read.
    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://member"
    _write(root / "pyproject.toml", f'[tool.uv.workspace]\nmembers = ["{"/".join(["**"] * 24)}/t"]\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    calls = 0
    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://root"


def test_a_member_glob_over_a_directory_deeper_than_the_recursion_limit(tmp_path: Path,
                                                                        removed_at_end: list[Path]) -> None:
    """`packages/**` over a directory 1,100 levels deep: os.walk (recursive before Python 3.12)
    ended `pytui list` from a member in a RecursionError traceback. The deep directories are
    members without a pyproject.toml (one holds a file), so the workspace is broken and the
    member's own [tool.uv] is read, as uv 0.13.9 reads it (checked by hand: `uv python list
    --show-urls` there shows the member's mirror)."""
    root = tmp_path / "ws"
    _write(root / "pyproject.toml", '[project]\nname = "root"\nversion = "1"\n'
                                    '[tool.uv.workspace]\nmembers = ["packages/**"]\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    member = root / "packages" / "p"
    _write(member / "pyproject.toml", '[project]\nname = "p"\nversion = "1"\n'
                                      '[tool.uv]\npython-install-mirror = "http://member"\n')
    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://root"
    removed_at_end.append(member)
    make_nested(member, sys.getrecursionlimit() + 100)

    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://member"


def _dotted(parts: int, name: str = "a") -> str:
    return ".".join([name] + ["a"] * (parts - 1))


def test_a_key_of_more_parts_than_uv_parses_is_refused_before_the_parser(tmp_path: Path) -> None:
    """uv 0.13.9 stops past 80 parts ('recursion limit'); tomllib takes a key of n parts in
    ~n² steps or more (40,000 parts: 103 s; 500,000 in 1 MiB: no end). 80 parts are parsed
    (and the key is then uv's unknown field); 81 are refused in one line, as a uv.toml, and a
    project's pyproject.toml holding one is passed over with a warning, as uv does."""
    given = _write(tmp_path / "given.toml", f"{_dotted(80)} = true\n")
    env = {**_env(tmp_path), "UV_CONFIG_FILE": str(given)}
    with pytest.raises(ConfigFileError, match="unknown field `a`"):
        load(env, tmp_path)
    given.write_text(f"{_dotted(81)} = true\n")
    with pytest.raises(ConfigFileError) as err:
        load(env, tmp_path)
    assert str(err.value) == (f"uv's configuration file {given}: not valid TOML: a key of more "
                              "than 80 parts (uv's TOML parser stops there too); fix it, or name "
                              "another file (--config-file / UV_CONFIG_FILE)")
    project = tmp_path / "project"
    _write(project / "uv.toml", 'python-install-mirror = "http://above"\n')
    _write(project / "src" / "pyproject.toml", f"[{_dotted(81, 'tool')}]\nuv = 1\n")
    config = load(_env(tmp_path), project / "src")
    assert config.get("python-install-mirror") == "http://above"
    assert config.warnings == (f"ignoring the [tool.uv] settings of {project / 'src' / 'pyproject.toml'}: "
                               "not valid TOML: a key of more than 80 parts (uv's TOML parser stops "
                               "there too) (uv passes over the file too); fix it for both to read them",)


def test_keys_whose_parts_add_up_past_the_bound_are_not_parsed(tmp_path: Path) -> None:
    """Within uv's depth, keys still add up: 6,000 of 80 parts (1 MiB) took tomllib 9 s. Their
    dots squared past MAX_KEY_COST are refused unparsed (340 such keys, 57 KB, within the
    64 KiB a uv.toml may have: 2,121,940)."""
    given = _write(tmp_path / "given.toml",
                   "".join(f"{_dotted(80, f'k{i}')} = 1\n" for i in range(340)))
    with pytest.raises(ConfigFileError, match=r"not read: keys of more parts than pytui parses "
                                              r"\(their dots squared add up past 2,000,000"):
        load({**_env(tmp_path), "UV_CONFIG_FILE": str(given)}, tmp_path)


@pytest.mark.parametrize("text", [
    'python-install-mirror = "http://' + "a." * 300 + 'example"\n',
    "python-install-mirror = 'http://" + "a." * 300 + "example'\n",
    'python-install-mirror = """http://\\"""' + "a." * 300 + '"""\n',
    "python-install-mirror = '''http://\n" + "a." * 300 + "'''\n",
    "# " + "a." * 300 + '\npython-install-mirror = "http://x"\n',
    '"' + "a." * 300 + '" = 1\n',
    "".join(f"{_dotted(79, f'k{i}')} = 1.5\n" for i in range(300)),
], ids=["basic", "literal", "multiline-escaped-quote", "multiline-literal", "comment", "quoted-key",
        "many-keys-within-the-bound"])
def test_dots_in_strings_and_comments_are_no_key_parts(text: str) -> None:
    from pytui.core.toml_keys import check

    check(text)


@pytest.mark.parametrize("before", [
    "x = '''y''''\n",  # one quote of the string's own before the closing three
    "x = '''y'''''\n",  # two
    'x = """y""""\n',
    'x = """y"""""\n',
    "x = 'never closed\n",  # the parser refuses it; the scan still reads on from the next line
], ids=["literal-4", "literal-5", "basic-4", "basic-5", "unclosed-literal"])
def test_a_string_the_scan_cannot_be_fooled_by_hides_no_key_after_it(tmp_path: Path, before: str) -> None:
    """A multi-line string may end in four or five quotes (the first one or two are its own):
    the scan took the last one for a string that never closed and checked nothing after it, so
    a key of 12,000 parts went to tomllib (2.3 s; 40,000 parts took it 103 s)."""
    from pytui.core.toml_keys import KeysTooCostly, check

    text = before + f"{_dotted(12_000)} = true\n"
    with pytest.raises(KeysTooCostly, match="a key of more than 80 parts"):
        check(text)
    given = _write(tmp_path / "given.toml", text)
    with pytest.raises(ConfigFileError, match="a key of more than 80 parts"):
        load({**_env(tmp_path), "UV_CONFIG_FILE": str(given)}, tmp_path)


def _padded(head: str, size: int) -> str:
    return head + "#" * (size - len(head) - 1) + "\n"


def test_a_uv_toml_past_its_bound_is_refused_before_the_parser(tmp_path: Path) -> None:
    """A uv.toml is a few lines; tomllib took 1-2.5 s on 1 MiB of table headers at load 2.3
    (3-15 s under load), the bound before. 64 KiB is read, a byte more refused in one line."""
    from pytui.core.uv_config_file import MAX_CONFIG_BYTES

    path = _write(tmp_path / "p" / "uv.toml", _padded("offline = true\n", MAX_CONFIG_BYTES))
    assert path.stat().st_size == MAX_CONFIG_BYTES == 64 * 1024
    assert load(_env(tmp_path), path.parent).get("offline") is True
    _write(path, _padded("offline = true\n", MAX_CONFIG_BYTES + 1))
    with pytest.raises(ConfigFileError, match="larger than the 64 KiB pytui reads") as caught:
        load(_env(tmp_path), path.parent)
    assert "\n" not in str(caught.value) and "--no-config" in str(caught.value)


def test_a_pyproject_past_its_bound_is_passed_over_with_a_warning(tmp_path: Path) -> None:
    """A project's pyproject.toml is a few KiB (tens in large projects): 256 KiB is read, a
    byte more passed over with a warning (the walk goes on upward), never parsed."""
    from pytui.core.uv_config_file import MAX_PYPROJECT_BYTES

    head = '[project]\nname = "p"\nversion = "1"\n[tool.uv]\noffline = true\n'
    path = _write(tmp_path / "p" / "pyproject.toml", _padded(head, MAX_PYPROJECT_BYTES))
    assert MAX_PYPROJECT_BYTES == 256 * 1024
    config = load(_env(tmp_path), path.parent)
    assert config.get("offline") is True and not config.warnings
    _write(path, _padded(head, MAX_PYPROJECT_BYTES + 1))
    config = load(_env(tmp_path), path.parent)
    assert config.get("offline") is None
    assert config.warnings and "larger than the 256 KiB pytui reads" in config.warnings[0], config.warnings
