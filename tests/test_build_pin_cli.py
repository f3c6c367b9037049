"""`UV_PYTHON_CPYTHON_BUILD` pins the release `pytui install` downloads, as it pins uv's
(docs/uv-compat.md#request-grammar): pytui read none of it, and installed the newest build
where `uv python install 3.12` (0.13.9) installs the pinned one."""

from __future__ import annotations

from cli_harness import Pytui, assert_clean_failure, key_of, snapshot


def test_the_pinned_build_is_the_one_installed(pytui: Pytui) -> None:
    pytui.add("3.12.8", "20250115")
    older = pytui.add("3.12.7", "20241016")
    result = pytui.run("install", "3.12", UV_PYTHON_CPYTHON_BUILD="20241016")
    assert result.returncode == 0, str(result)
    assert f" + {older.build.key}" in result.stderr, result.stderr
    assert sorted(p.name for p in pytui.root.iterdir() if p.name.startswith("cpython-3.12.")) == \
        [older.build.key], list(pytui.root.iterdir())


def test_a_pin_no_build_has_is_one_line_naming_the_variable(pytui: Pytui) -> None:
    pytui.add("3.12.8", "20250115")
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    result = pytui.run("install", "3.12", UV_PYTHON_CPYTHON_BUILD="20230101")
    line = assert_clean_failure(result, 2)  # as uv's `No download found for request`
    assert line.startswith("error: no download found for request `3.12` with build 20230101 "
                           "(UV_PYTHON_CPYTHON_BUILD) on "), line
    assert line.endswith("; see `pytui list --all-versions`, or unset UV_PYTHON_CPYTHON_BUILD"), line
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
    # An empty value is unset, as in uv, and another implementation's pin leaves CPython's
    # choice alone: the newest build.
    result = pytui.run("install", "3.12", UV_PYTHON_CPYTHON_BUILD="", UV_PYTHON_PYPY_BUILD="7.3.0")
    assert result.returncode == 0 and f" + {key_of('3.12.8')}" in result.stderr, str(result)
