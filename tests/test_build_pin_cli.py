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


def test_a_huge_pin_is_cut_in_its_line(pytui: Pytui) -> None:
    """A 100,000-character pin made install's and upgrade's line 100 KB (the value whole)."""
    pytui.add("3.12.8", "20250115")
    pytui.call("install", "3.12")
    pytui.add("3.13.1", "20250115")
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    pin = "2" * 100_000
    for args in (("install", "3.13"), ("upgrade",)):
        result = pytui.run(*args, UV_PYTHON_CPYTHON_BUILD=pin)
        assert result.returncode == 2 and "Traceback" not in result.stderr, str(result)[:2000]
        lines = [line for line in result.stderr.splitlines() if "no download found" in line]
        assert len(lines) == 1 and f"with build {'2' * 64}… (UV_PYTHON_CPYTHON_BUILD)" in lines[0], lines
        assert len(result.stderr) < 1000, len(result.stderr)
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
