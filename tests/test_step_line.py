"""A warning that carries its next steps as data (core/errors.StepLine) cannot be turned into
plain text by accident: as a `str` subclass, `.replace`, slicing, `+` and f-strings each made
text of it with its steps gone, and the TUI then said the CLI's words (`--force`) for a key it
names itself. Its words (`str()`) stay the CLI's, byte for byte."""

from __future__ import annotations

import pytest
from pytui.core import errors
from pytui.core.errors import FORCE, Step, StepLine, said

LINE = StepLine("Executable already exists at /b/python3.12 but is not managed by uv; ",
                Step(FORCE, "use --force to replace it"))
CLI = "Executable already exists at /b/python3.12 but is not managed by uv; use --force to replace it"


def test_its_words_are_the_cli_s_and_a_view_says_its_own():
    assert str(LINE) == CLI
    assert said(LINE, {FORCE: "`pytui install --force KEY` replaces it"}).endswith(
        "uv; `pytui install --force KEY` replaces it")
    assert said(LINE, None) == CLI and said("plain", {FORCE: "x"}) == "plain"


def test_no_str_operation_drops_its_steps_unseen():
    assert not isinstance(LINE, str)
    with pytest.raises(TypeError):
        LINE + "."  # type: ignore[operator]  # the misuse this refuses
    with pytest.raises(TypeError):
        LINE[:10]  # type: ignore[index]  # the misuse this refuses
    with pytest.raises(TypeError):
        f"warning: {LINE}"
    with pytest.raises(AttributeError):
        LINE.replace("uv", "pytui")  # type: ignore[attr-defined]  # the misuse this refuses
    with pytest.raises(TypeError):
        assert "--force" in LINE  # type: ignore[operator]  # the misuse this refuses


def test_an_f_string_outside_the_tests_says_the_cli_s_words_not_a_traceback(monkeypatch):
    monkeypatch.setattr(errors, "STRICT_FORMAT", False)
    assert f"warning: {LINE}" == f"warning: {CLI}"


def test_it_is_not_changed_and_compares_by_its_parts():
    with pytest.raises(AttributeError):
        LINE.parts = ("other",)  # type: ignore[misc]  # the misuse this refuses
    again = StepLine("Executable already exists at /b/python3.12 but is not managed by uv; ",
                     Step(FORCE, "use --force to replace it"))
    assert again == LINE and hash(again) == hash(LINE) and LINE != CLI
