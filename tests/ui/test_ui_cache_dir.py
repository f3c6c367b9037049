"""The TUI starts with an unusable cache dir and says why (one error notification naming it).

"Unreadable" is real: `chmod 000` seen by a thread without CAP_DAC_OVERRIDE (tests/fixtures_fs.py),
since root ignores permission bits.
"""

from __future__ import annotations

import stat

import pytest
from fixtures_fs import without_dac_override
from ui_helpers import SIZE, UiWorld, ready


@pytest.mark.parametrize("trouble", ["unreadable", "a file"])
async def test_tui_starts_and_shows_why_the_cache_dir_is_unusable(ui_world: UiWorld, trouble: str) -> None:
    if trouble == "a file":
        cache = ui_world.home / "not-a-dir"
        cache.write_bytes(b"precious")
        ui_world.settings = ui_world.settings.replace(cache_dir=cache)
        cause = "not a directory"
    else:
        cache = ui_world.seed_cache("3.11.11").parent
        cause = "permission denied"
    mode = stat.S_IMODE(cache.stat().st_mode)
    if trouble == "unreadable":
        cache.chmod(0)
    try:
        with without_dac_override():
            app = ui_world.make_app()
            async with app.run_test(size=SIZE) as pilot:
                await ready(pilot)
                problem = app.state.cache_problem
                assert problem is not None and str(cache) in problem and cause in problem
                errors = [n.message for n in app._notifications if n.severity == "error"]
                assert errors == [problem]
                assert app.state.archives == [] and app.state.catalog is not None
                assert app.state.catalog.builds
                assert "cannot read the cache dir" in str(app.query_one("#cached-pane").border_subtitle)
    finally:
        cache.chmod(mode)
    assert cache.is_dir() or cache.read_bytes() == b"precious"
