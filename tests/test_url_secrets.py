"""A password in a mirror's URL (`--mirror` / UV_PYTHON_INSTALL_MIRROR) is never shown: uv
shows `http://user:****@host/…` (its DisplaySafeUrl); pytui printed the password in every
download error and in `list --show-urls` (text and JSON); the TUI's side is in
tests/ui/test_download_source.py."""

from __future__ import annotations

import json
import re

from cli_harness import Pytui, assert_clean_failure
from fixtures_archives import write_uv_catalog
from hypothesis import assume, given
from hypothesis import strategies as st
from pytui.core.url_secrets import without_secrets

SECRET = "s3cretPW"


def test_user_info_is_shown_as_uv_shows_it() -> None:
    # uv 0.13: `user:****@` with a password, `****@` for a user alone (often a token).
    assert without_secrets(f"http://user:{SECRET}@127.0.0.1:1/x") == "http://user:****@127.0.0.1:1/x"
    assert without_secrets("http://tok@h/x") == "http://****@h/x"
    assert without_secrets(f"http://:{SECRET}@h") == "http://:****@h"
    assert without_secrets(f"(file://u:{SECRET}@localhost/x: HTTP 404); (redirected to "
                           f"https://x:{SECRET}@z/)") == ("(file://u:****@localhost/x: HTTP 404); "
                                                          "(redirected to https://x:****@z/)")
    # An `@` in a path, a query or outside a URL is no user info.
    for text in ("http://h/a@b", "https://h/y?u@v", "mail user@example.org", "http://user:****@h/"):
        assert without_secrets(text) == text


@given(user=st.text(alphabet="abc:%@.-_~", max_size=8),
       rest=st.text(alphabet="ab/?#:@. ", max_size=12))
def test_no_password_survives(user: str, rest: str) -> None:
    shown = without_secrets(f"error (https://{user}:{SECRET}@mirror.example{rest}) more")
    assert SECRET not in shown, shown


# What a malformed mirror or catalog value may hold in its password: white space, `@`, `:`,
# %-escapes, non-ASCII. Not `/`, `?` or `#`: those end the netloc, so no parser reads a password
# holding one (the request goes to another host and its error names it).
_PASSWORD_CHARS = st.characters(blacklist_characters="/?#", blacklist_categories=("Cs",))
# A password of one to five digits then `/`, `?`, `#` or white space reads as a port, as every
# URL parser reads it (`http://host:8080/a@b`, `https://host:8080 see me@x`).
_PORT_SHAPED = re.compile(r"[0-9]{1,5}[.,:;)\]]?[\s/?#]")


@given(password=st.text(_PASSWORD_CHARS, min_size=1, max_size=12),
       user=st.text(alphabet="abc.-_~% ", max_size=6),
       rest=st.text(alphabet="ab/?#:@. \n", max_size=12))
def test_what_is_shown_does_not_depend_on_the_password(password: str, user: str, rest: str) -> None:
    # The password masked only up to its first white space: `https://user:pa ss@host/x` showed
    # ` ss` (and everything after a newline). Whatever the password, the line shown is the same.
    def shown(secret: str) -> str:
        return without_secrets(f"error (https://{user}:{secret}@mirror.example{rest}) more")

    assume(not _PORT_SHAPED.match(password))
    assert shown(password) == shown("x"), (password, shown(password))


def test_a_password_with_white_space_is_shown_as_stars() -> None:
    assert without_secrets("https://user:pa ss@host/x: HTTP 404") == "https://user:****@host/x: HTTP 404"
    assert without_secrets("see http://u:a\nb c@h/x") == "see http://u:****@h/x"
    assert without_secrets("http://u:p@ss w@rd@h/") == "http://u:****@h/"


def test_a_password_holding_a_slash_is_shown_as_stars() -> None:
    # No URL parser reads a password there (the netloc ends at the `/`), so the pieces were
    # shown as the URL's text: `https://user:pa/ss@host/x`.
    assert without_secrets("https://user:pa/ss@host/x: HTTP 404") == "https://user:****@host/x: HTTP 404"
    assert without_secrets("(https://u:a?b#c@h/)") == "(https://u:****@h/)"
    assert without_secrets("https://me@corp:pa/ss@host") == "https://me@corp:****@host"
    # A password without one still ends at the netloc's last `@`; a path's `@` is no user info.
    assert without_secrets("https://user:pw@host/path@x") == "https://user:****@host/path@x"


def test_text_after_a_url_is_no_user_name() -> None:
    # A user name alone has no white space: `see me` was shown as `****`.
    for text in ("https://host see me@example", "at https://h\tx me@there"):
        assert without_secrets(text) == text


def test_a_port_is_no_password() -> None:
    # `host:8080` then a path with an `@`, or text after the URL up to a later `@`, looked
    # like user info: `http://host:****@b`, `https://host:****@x`.
    for text in ("http://host:8080/a@b", "https://host:8080 see me@x", "http://[::1]:8080/a@b",
                 "http://127.0.0.1:8080: refused; mail me@example.org", "(see http://h:80) me@x",
                 "http://h:8080?u@v", "https://h:443#me@x"):
        assert without_secrets(text) == text
    assert without_secrets("http://u:p@[::1]:8080/x@y") == "http://u:****@[::1]:8080/x@y"
    assert without_secrets("http://u:1234@host:8080/") == "http://u:****@host:8080/"
    # A host holds no `:` unless bracketed: these are passwords `:0/…` and `:0/…` (Hypothesis
    # found the first: it was shown whole, read as the host `:` and port 0).
    assert without_secrets("https://::0/s3cretPW@m") == "https://:****@m"
    assert without_secrets("https://u::0/s3cretPW@m") == "https://u:****@m"


def test_a_password_holding_white_space_or_an_at_sign_and_a_slash_is_shown_as_stars() -> None:
    # Only what came before its first `/`, `?` or `#` was hidden: `pa ss/x` was shown whole,
    # `pa/s s` as `pa/s s@host` (no `@` in reach), `pa/s@s` as `****@s@host`.
    for password in ("pa ss/x", "pa/s s", "pa/s@s", "p a/s @s#x y"):
        assert without_secrets(f"https://user:{password}@host/x: HTTP 404") == \
            "https://user:****@host/x: HTTP 404", password
    # An `@` before the first `/` is the URL it reads as (host `ss`, path `/x@host`), as uv shows it.
    assert without_secrets("https://user:p@ss/x@host") == "https://user:****@ss/x@host"


_ANY_CHARS = st.characters(blacklist_categories=("Cs",))


@given(left=st.text(_ANY_CHARS, max_size=8), cut=st.sampled_from("/?#"),
       right=st.text(_ANY_CHARS, max_size=8),
       user=st.text(alphabet="abc.-_~% ", max_size=6),
       rest=st.text(alphabet="ab/?#:@. \n", max_size=12))
def test_a_password_with_anything_after_its_slash_is_not_shown(left: str, cut: str, right: str,
                                                               user: str, rest: str) -> None:
    # White space, `@`, anything at all in a password, but no `@` before its first `/?#`.
    password = f"{left}{cut}{SECRET}{right}"
    assume("@" not in left and "/" not in left and "?" not in left and "#" not in left)
    assume(not _PORT_SHAPED.match(password))
    shown = without_secrets(f"error (https://{user}:{password}@mirror.example{rest}) more")
    assert SECRET not in shown, shown


def test_hostile_text_is_read_whole() -> None:
    # 200 KB of URLs, passwords or schemes (`a.a.a…`): one pass over the line, each `://`
    # costing the text to its next `/` and 256 characters more (core/url_secrets.py).
    assert without_secrets("a://a:pw@" * 22_000) == "a://a:****@" * 22_000
    for text in ("a.a." * 50_000 + "@", "x:/" * 60_000 + "@", "http://h:8080/" * 14_000 + "@"):
        assert without_secrets(text) == text
    assert without_secrets("http://u:" + "a/" * 100_000 + "@") == "http://u:" + "a/" * 100_000 + "@"


_SLASHED_CHARS = st.characters(blacklist_characters="@", blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))


@given(left=st.text(_SLASHED_CHARS, max_size=8), cut=st.sampled_from("/?#"),
       right=st.text(_SLASHED_CHARS, max_size=8),
       user=st.text(alphabet="abc.-_~% ", max_size=6),
       rest=st.text(alphabet="ab/?#:@. \n", max_size=12))
def test_a_password_cut_by_a_slash_is_not_shown(left: str, cut: str, right: str, user: str,
                                                rest: str) -> None:
    password = f"{left}{cut}{SECRET}{right}"
    assume(not _PORT_SHAPED.match(password))
    shown = without_secrets(f"error (https://{user}:{password}@mirror.example{rest}) more")
    assert SECRET not in shown and f"{cut}{SECRET}" not in shown, shown


def test_the_cli_never_prints_a_mirrors_password(pytui: Pytui) -> None:
    made = pytui.make("3.12.8")  # listed under its GitHub release URL, which a mirror serves
    write_uv_catalog(pytui.catalog, [made.build])
    secret = SECRET + " with space"  # masked up to the space, it showed ` with space`
    mirror = pytui.server.base_url.replace("http://", f"http://user:{secret}@") + "/missing"
    for args in (("install", "3.12"), ("--offline", "install", "3.12")):
        result = pytui.run(*args, UV_PYTHON_INSTALL_MIRROR=mirror)
        line = assert_clean_failure(result)
        assert "http://user:****@127.0.0.1:" in line and "space" not in str(result), str(result)
    listed = pytui.run("list", "--show-urls", "3.12", UV_PYTHON_INSTALL_MIRROR=mirror)
    assert listed.returncode == 0 and "http://user:****@127.0.0.1:" in listed.stdout, str(listed)
    as_json = pytui.run("list", "3.12", "--output-format", "json", UV_PYTHON_INSTALL_MIRROR=mirror)
    urls = [row["url"] for row in json.loads(as_json.stdout)]
    assert urls and all(url.startswith("http://user:****@127.0.0.1:") for url in urls), urls
    assert "space" not in listed.stdout + listed.stderr + as_json.stdout + as_json.stderr


def test_a_mirrors_user_info_is_sent_as_basic_auth_to_its_own_host_only(pytui: Pytui) -> None:
    # uv (and httpx, for https) send a mirror URL's user info as `Authorization: Basic`;
    # pytui's http:// client sent none, so a mirror that asks for a password got a bare GET.
    # A redirect to another host (here `localhost` for `127.0.0.1`) must not get it.
    from base64 import b64encode

    made = pytui.make("3.12.8")
    write_uv_catalog(pytui.catalog, [made.build])
    port = pytui.server.base_url.rsplit(":", 1)[1]
    pytui.server.add_file(made.url_path, made.path, mode="redirect",
                          mode_args={"location": f"/same{made.url_path}"})
    pytui.server.add_file(f"/same{made.url_path}", made.path, mode="redirect",
                          mode_args={"location": f"http://localhost:{port}/other{made.url_path}"})
    pytui.server.add_file(f"/other{made.url_path}", made.path)
    mirror = pytui.server.base_url.replace("http://", f"http://user:{SECRET}@")
    result = pytui.run("install", "3.12", UV_PYTHON_INSTALL_MIRROR=mirror)
    assert result.returncode == 0, str(result)
    sent = "Basic " + b64encode(f"user:{SECRET}".encode()).decode()
    for path, auth in ((made.url_path, sent), (f"/same{made.url_path}", sent),
                       (f"/other{made.url_path}", None)):
        requests = pytui.server.requests_for(path)
        assert requests and requests[0].headers.get("authorization") == auth, (path, requests)


def test_list_show_urls_escapes_what_a_mirror_value_would_do_to_the_terminal(pytui: Pytui) -> None:
    # `pytui list --show-urls` printed a mirror's ESC sequence and bidi mark as they are (the
    # error lines escape them): `\x1b]52;…` writes the clipboard, U+202E reverses the line.
    made = pytui.make("3.12.8")
    write_uv_catalog(pytui.catalog, [made.build])
    listed = pytui.run("list", "--show-urls", "3.12",
                       UV_PYTHON_INSTALL_MIRROR="http://127.0.0.1:1/\x1b]52;c;aGk=\x07/\u202ex")
    assert listed.returncode == 0 and "\\x1b]52;c;aGk=\\x07/\\u202ex/" in listed.stdout, str(listed)
    assert not any(ch in listed.stdout for ch in "\x1b\x07\u202e"), str(listed)


def test_a_catalog_urls_password_is_not_in_cache_list_json(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    with_user = made.with_url(made.build.url.replace("http://", f"http://user:{SECRET}@"))
    write_uv_catalog(pytui.catalog, [with_user.build])
    installed = pytui.run("install", "3.12")
    assert installed.returncode == 0 and SECRET not in str(installed), str(installed)
    listed = pytui.run("cache", "list", "--json")
    urls = [row["url"] for row in json.loads(listed.stdout)]
    assert urls == [with_user.build.url.replace(f":{SECRET}@", ":****@")], urls
