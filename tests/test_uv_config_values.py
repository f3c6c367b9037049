"""What is inside the values of uv's settings (core/uv_config_values.py): an array's elements, a
URL's scheme and host, a package name, a requirement's first character and `required-version`'s
PEP 440 syntax, checked where uv 0.13.9 checks them. Before, pytui checked the top-level types
only: `publish-url = "x"`, `index = [5]`, `required-version = "bogus"`, an `[[index]]` without
`url` and `constraint-dependencies = ["!!"]` stopped uv and ran pytui. The real uv runs beside
each; what pytui leaves to uv is test_uv_config_schema.py's UV_ONLY."""

from __future__ import annotations

import sys

import pytest
from cli_harness import Pytui
from pytui.core.uv_config_values import fault
from test_uv_config_schema import KEY, _both
from test_uv_interop import UV

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser as a package, as core/uv_config_file.py reads it
    import tomli as tomllib

REFUSED = [
    ('publish-url = "x"\n', '`publish-url` is the string "x", not an absolute URL'),
    ('publish-url = "/x"\n', "not an absolute URL"),
    ('publish-url = "HTTP://?q"\n', "a URL with no host"),
    ('check-url = "http://"\n', '`check-url` is the string "http://", a URL with no host'),
    ('index-url = "https://"\n', "a URL with no host"),
    ('extra-index-url = ["http://x", "http://"]\n', '`extra-index-url` item 2, the string "http://", is a URL'),
    ("index = [5]\n", "`index` item 1 is the integer 5, expected a table with `url`"),
    ('index = [{ name = "a" }]\n', "`index` item 1 is a table without a string `url`"),
    ("[[index]]\nurl = 5\n", "`index` item 1 is a table without a string `url`"),
    ('index = [{ url = "http://" }]\n', "`index` item 1's `url` is a URL with no host"),
    # The URL parser's empty host beyond `http://` (review39): an authority of user or port only,
    # slashes past two or none, a scheme that needs a host, a lower-case `https://` in find-links.
    ('publish-url = "http://user@"\n', "a URL with no host"),
    ('index-url = "http://:80/simple"\n', "a URL with no host"),
    ('check-url = "https:///"\n', "a URL with no host"),
    ('index-url = "https:?x"\n', "a URL with no host"),
    ('publish-url = "ftp://"\n', "a URL with no host"),
    ('find-links = ["https://"]\n', '`find-links` item 1, the string "https://", is a URL with no host'),
    ('extra-index-url = [" http:"]\n', "is a URL with no host"),
    ('index = [{ url = "http://a@b@" }]\n', "`index` item 1's `url` is a URL with no host"),
    ("dependency-metadata = [{}]\n", "`dependency-metadata` item 1 is a table without a string `name`"),
    ("allow-insecure-host = [{}]\n", "`allow-insecure-host` item 1 is a table without a string `host`"),
    ("cache-keys = [5]\n", "`cache-keys` item 1 is the integer 5, expected a string or a table"),
    ("find-links = [true]\n", "`find-links` item 1 is the boolean true, expected a string"),
    ('upgrade-package = ["a", 5]\n', "`upgrade-package` item 2 is the integer 5, expected a string"),
    ('constraint-dependencies = ["!!"]\n', '`constraint-dependencies` item 1, the string "!!", is not a requirement'),
    ('override-dependencies = [""]\n', "is not a requirement"),
    ('reinstall-package = ["a-"]\n', '`reinstall-package` item 1, the string "a-", is not a package name'),
    ('exclude-dependencies = [" a"]\n', "is not a package name"),
    ('required-version = "bogus"\n', '`required-version` is the string "bogus", not a PEP 440 version specifier'),
    ('required-version = ">0.1,"\n', "not a PEP 440 version specifier (an empty clause)"),
    ('required-version = "~=1"\n', "~= needs at least two parts"),
    ('required-version = ">=0.13.*"\n', "`>=0.13.*` is not an operator and a version"),
    ('required-version = ">=0.1+local"\n', "not a PEP 440 version specifier"),
    # `.*` after a pre-, post- or dev-release part (review39: taken before).
    ('required-version = "==0.13.9a1.*"\n', "`==0.13.9a1.*` is not an operator and a version"),
    ('required-version = "!=0.1.dev1.*"\n', "not a PEP 440 version specifier"),
    ('required-version = "  "\n', "not a PEP 440 version specifier"),
    # config40: an empty index URL (a path uv cannot make absolute), a host holding a character
    # no host may hold (uv: "invalid international domain name"), and the names inside tables
    # (an exclude-dependencies table, an index's name): uv stopped, pytui ran.
    ('index-url = ""\n', '`index-url` is the string "", an empty path to uv'),
    ('check-url = ""\n', "an empty path to uv, which cannot make it absolute"),
    ('extra-index-url = [""]\n', '`extra-index-url` item 1, the string "", is an empty path to uv'),
    ('find-links = ["x", ""]\n', '`find-links` item 2, the string "", is an empty path to uv'),
    ('index = [{ url = "" }]\n', "`index` item 1's `url` is an empty path to uv"),
    ('index-url = "https://a b/"\n', '`index-url` is the string "https://a b/", a URL whose host holds a space'),
    ('extra-index-url = ["http://x y"]\n', "item 1, the string \"http://x y\", is a URL whose host holds a space"),
    ('find-links = ["https://a%20b/"]\n', "a URL whose host holds a space"),
    ('check-url = "https://a%zz/"\n', "a URL whose host holds `%`"),
    ('index-url = "https://a%3Ab:80/"\n', "a URL whose host holds `:`"),
    ('index-url = "https://a%ffb/"\n', "a URL whose host is not UTF-8"),
    ('index-url = "https://u@a<b/"\n', "a URL whose host holds `<`"),
    ('publish-url = "ws://a|b/"\n', "a URL whose host holds `|`"),
    ('index = [{ url = "http://a^b:80/" }]\n', "`index` item 1's `url` is a URL whose host holds `^`"),
    ("exclude-dependencies = [{}]\n", "`exclude-dependencies` item 1 is a table without `package`"),
    ('exclude-dependencies = [{ package = { name = "a" } }]\n', "is a table without `dependencies`"),
    ('exclude-dependencies = [{ package = "a", dependencies = [] }]\n',
     "item 1's `package` is the string \"a\", expected a table with `name`"),
    ("exclude-dependencies = [{ package = {}, dependencies = [] }]\n", "`package` is a table without `name`"),
    ('exclude-dependencies = [{ package = { name = "a", x = 1 }, dependencies = [] }]\n',
     "item 1's `package` has `x`, expected `name` or `version`"),
    ('exclude-dependencies = [{ package = { name = "a" }, dependencies = [], x = 1 }]\n',
     "item 1 has `x`, expected `package` or `dependencies`"),
    ('exclude-dependencies = [{ package = { name = "a b" }, dependencies = [] }]\n',
     "package `name` is the string \"a b\", not a package name"),
    ('exclude-dependencies = [{ package = { name = "a", version = "1.*" }, dependencies = [] }]\n',
     "package `version` is the string \"1.*\", not a PEP 440 version"),
    ('exclude-dependencies = [{ package = { name = "a", version = 1 }, dependencies = [] }]\n',
     "package `version` is the integer 1, not a PEP 440 version"),
    ('exclude-dependencies = [{ package = { name = "a" }, dependencies = "b" }]\n',
     "`dependencies` is the string \"b\", expected an array"),
    ('exclude-dependencies = [{ package = { name = "a" }, dependencies = ["b", "a b"] }]\n',
     "`dependencies` holds the string \"a b\", not a package name"),
    ('[[index]]\nurl = "https://x/"\nname = 5\n', "`index` item 1's `name` is the integer 5, expected a string"),
    ('[[index]]\nurl = "https://x/"\nname = "a b"\n', "`name` is the string \"a b\", not an index name"),
    ('index = [{ url = "https://x/", name = "\u00e9" }]\n', "not an index name (ASCII letters"),
]
TAKEN = ['publish-url = "http:x"\n', 'check-url = "x"\n', 'index-url = "HTTP://"\n',
         'extra-index-url = ["x"]\n', 'find-links = ["HTTPS://"]\n', 'index = [{ url = "x", bogus = 1 }]\n',
         'dependency-metadata = [{ name = "a" }]\n', 'allow-insecure-host = ["x", { host = "y" }]\n',
         'cache-keys = [{ file = "x" }]\n', 'constraint-dependencies = [" a>=1"]\n',
         'reinstall-package = ["a.b_c-D"]\n', 'preview-features = ["bogus"]\n',
         'required-version = ""\n', 'required-version = "==0.13.*, !=1.*, ===0.13.9"\n',
         'required-version = " >= 0.1.dev0 , <1 "\n', 'required-version = "v0.13.9"\n',
         'required-version = "~=0.13"\n', 'required-version = ">=0!0.1, !=1!0.13.*"\n',
         'required-version = "v0!0.13.9"\n', 'index-url = "http:x"\n', 'index-url = "http://@x:80"\n',
         'find-links = ["ftp://", "Https://"]\n', 'publish-url = "http://[::1]"\n',
         'publish-url = "file://"\n', 'index = [{ url = "git+https://" }]\n',
         # config40: a path of spaces only, an escape that decodes to a letter or to UTF-8, what
         # a host may hold, an upper-case scheme (a path to uv), a space past the host, the
         # tables' names as uv takes them (an empty index name too).
         'index-url = " "\n', 'find-links = ["\\t"]\n', 'index-url = "https://a%41b/"\n',
         'check-url = "https://a%C3%A9/"\n', 'index-url = "https://a_b{c`d*e/"\n',
         'extra-index-url = ["HTTP://x y"]\n', 'index-url = "https://x/a b/?c d"\n',
         'exclude-dependencies = [{ package = { name = "A.b", version = " v1.0.post1+Loc_al" }, '
         'dependencies = ["b"] }]\n',
         'exclude-dependencies = ["a", { package = { name = "a" }, dependencies = [] }]\n',
         '[[index]]\nurl = "https://x/"\nname = ""\n', 'index = [{ url = "https://x/", name = "-A.b_9" }]\n']


@pytest.mark.parametrize(("text", "says"), REFUSED, ids=[t.split("\n")[0] for t, _ in REFUSED])
def test_a_value_inside_that_uv_refuses_is_refused(text: str, says: str) -> None:
    (key, value), = tomllib.loads(text).items()
    found = fault(key, value)
    assert found is not None and says in found, found


@pytest.mark.parametrize("text", TAKEN, ids=[t.split("\n")[0] for t in TAKEN])
def test_a_value_inside_that_uv_takes_is_taken(text: str) -> None:
    (key, value), = tomllib.loads(text).items()
    assert fault(key, value) is None


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason="uv is not installed")
@pytest.mark.parametrize("text", [t for t, _ in REFUSED] + TAKEN,
                         ids=[t.split("\n")[0] for t, _ in REFUSED] + [t.split("\n")[0] for t in TAKEN])
def test_both_tools_agree(pytui: Pytui, text: str) -> None:
    """Each case above run through both tools on a uv.toml: uv stops where pytui stops (exit 2,
    pytui in one line naming the file and the cause), and both run where uv runs."""
    path, ours, theirs = _both(pytui, text)
    if any(text == refused for refused, _ in REFUSED):
        assert theirs.returncode == 2 and "Failed to parse" in theirs.stderr, theirs.stderr
        lines = ours.stderr.splitlines()
        assert ours.returncode == 2 and len(lines) == 1, ours.stderr
        assert lines[0].startswith(f"error: uv's configuration file {path}: ") and "--no-config" in lines[0]
        return
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0 and ours.stderr == "" and KEY in ours.stdout, ours.stderr
