"""The scrolling dialogs' hint names only the keys that reach what is out of view."""

from pytui.app.scroll_hint import MORE_ABOVE, MORE_BELOW, MORE_BOTH, scroll_hint


def test_a_body_that_fits_has_no_hint() -> None:
    assert scroll_hint(0, 0) == ""


def test_the_hint_follows_the_position() -> None:
    assert scroll_hint(0, 10) == MORE_BELOW
    assert scroll_hint(4, 10) == MORE_BOTH
    assert scroll_hint(10, 10) == MORE_ABOVE
    # Textual's scroll offsets are floats; past the end (a shrinking body) is the end.
    assert scroll_hint(10.5, 10) == MORE_ABOVE
