"""The header names a `--downloads-json` URL without its password, and by its host when it
does not fit (no app): a token in `UV_PYTHON_DOWNLOADS_JSON_URL` was drawn in the clear at the
top of the screen, where every other line masks it (`http://tok:****@…`), and at 80 columns the
URL kept its scheme and lost its host (`catalog http:/…/download-metadata.json`)."""

from __future__ import annotations

from pytui.app.header_view import header_info
from pytui.core.settings import Settings
from pytui.widgets.header import render_header
from view_state import a_state

SECRET_URL = "http://tok:s3cret@127.0.0.1:8732/download-metadata.json"


def _with_catalog_url(tmp_path, url: str):
    state = a_state(tmp_path)
    state.settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                      downloads_json=url, env={"HOME": str(tmp_path)})
    return state


def test_the_catalog_urls_password_is_never_drawn(tmp_path) -> None:
    info = header_info(_with_catalog_url(tmp_path, SECRET_URL))
    assert info.catalog_source == "http://tok:****@127.0.0.1:8732/download-metadata.json"
    for width in (200, 118, 78, 38):
        assert "s3cret" not in render_header(info, width).plain


def test_a_catalog_url_too_long_for_the_line_keeps_its_host() -> None:
    from pytui.widgets.rows import HeaderInfo

    def first_line(source: str, width: int) -> str:
        info = HeaderInfo(offline=False, catalog_source=source, catalog_note="2 min old",
                          install_root="~/r", cache_dir="~/c", cache_size=None, builds=6)
        return render_header(info, width).plain.split("\n")[0]

    url = "http://127.0.0.1:8732/download-metadata.json"
    # Where it fits, whole.
    assert f"catalog {url} · 6 builds" in first_line(url, 118)
    line = first_line(url, 78)
    assert len(line) <= 78 and "http:" not in line, line
    assert "catalog 127.0.0" in line and line.count("…") == 1, line
    assert "/download-metadata.json · 6 builds · 2 min old" in line, line
    # A user name and its masked password go before the host does.
    masked = first_line("https://tok:****@mirror.example.com/pbs/download-metadata.json", 78)
    assert "catalog mirror." in masked and "tok" not in masked, masked
