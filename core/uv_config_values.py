"""What is inside the values of uv's settings, checked where uv 0.13.9 checks it and the check is
cheap and declared (docs/uv-compat.md#configuration-files; each case observed with `uv python
list` on a `uv.toml`): the elements of an array (strings; a string or a table; a table with its
required key), a URL's scheme and host (none, or one holding a character no host may hold), an
empty index URL, a package name, an index's name, a requirement's first character, the table
form of `exclude-dependencies`, and `required-version`'s PEP 440 syntax. Not uv's whole parser:
the rest of a URL (a port past 65535, an IPv4 or IPv6 address, a non-ASCII host), of a PEP 508
requirement (`a!!`), of a marker, a date, and the keys inside the other tables are uv's to check
(uv refuses, pytui runs). The top-level types are core/uv_config_schema.py's."""

from __future__ import annotations

import re

from pytui.core.url_host import host_fault as _host_fault

# Each element a string: uv says "invalid type: integer `5`, expected a string".
_STRINGS = """extra-index-url find-links no-proxy environments required-environments preview-features
    no-build-isolation-package no-sources-package reinstall-package no-build-package
    no-binary-package exclude-dependencies upgrade-package constraint-dependencies
    build-constraint-dependencies override-dependencies"""
# Each element a string or a table (a table with `host` for allow-insecure-host).
_STRING_OR_TABLE = "allow-insecure-host cache-keys override-dependencies exclude-dependencies"
# Each element a table, with this key a string (uv: "missing field `url`").
_TABLE_WITH = {"index": "url", "dependency-metadata": "name"}
# A package name (uv: "Not a valid package or extra name"), or a PEP 508 requirement, whose
# name uv reads first ("Expected package name starting with an alphanumeric character").
_NAMES = """no-build-isolation-package no-sources-package reinstall-package no-build-package
    no-binary-package exclude-dependencies"""
_REQUIREMENTS = "upgrade-package constraint-dependencies build-constraint-dependencies override-dependencies"
# Strings uv reads as a URL: with no scheme (`x`, `/x`) uv refuses `publish-url` ("relative URL
# without a base"); an http(s) URL with no host (`http://`) any of them ("empty host").
_ABSOLUTE_URL = ("publish-url",)
_URLS = ("publish-url", "check-url", "index-url")
_URL_ARRAYS = ("extra-index-url", "find-links")

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_INDEX_NAME = re.compile(r"[A-Za-z0-9._-]*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# An empty index URL: uv reads it as a path ("path could not be converted to an absolute path").
_EMPTY = "an empty path to uv, which cannot make it absolute"
# PEP 440, as uv's version parser takes it (epoch, post, dev and local parts included); a
# specifier's clause is an operator and a version, `.*` only after `==` / `!=` and only after the
# release numbers (uv refuses `==1.0a1.*`, `==1.0.dev1.*`, `==1.0+x.*`).
_RELEASE = r"v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*"
_VERSION = (rf"{_RELEASE}"
            r"(?:[-_.]?(?:alpha|beta|preview|pre|rc|a|b|c)[-_.]?[0-9]*)?"
            r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?"
            r"(?:[-_.]?dev[-_.]?[0-9]*)?")
_LOCAL = r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?"
_BARE = re.compile(rf"{_VERSION}{_LOCAL}\Z", re.IGNORECASE)
# A local part (`+x`) only after `==`, `!=` or `===` (uv refuses `>=1+x`).
_CLAUSE = re.compile(rf"(?:(~=|<=|>=|<|>)\s*{_VERSION}|(===|==|!=)\s*{_VERSION}{_LOCAL}"
                     rf"|(==|!=)\s*{_RELEASE}\.\*)\Z", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STRINGS_SET, _STRING_OR_TABLE_SET = _words(_STRINGS), _words(_STRING_OR_TABLE)
_NAMES_SET, _REQUIREMENTS_SET = _words(_NAMES), _words(_REQUIREMENTS)


def _said(value: object) -> str:
    from pytui.core.uv_config_file import _kind_of

    return _kind_of(value)


def _specifiers_fault(text: str) -> str | None:
    """Why uv refuses `text` as `required-version` (None: uv parses it)."""
    if not text:  # uv takes an empty one (and refuses one of spaces only)
        return None
    text = text.strip()
    if _BARE.match(text):  # a bare version, as `==`
        return None
    for clause in text.split(","):
        clause = clause.strip()
        match = _CLAUSE.match(clause)
        if match is None:
            from pytui.core.env import shown_value

            return f"`{shown_value(clause)}` is not an operator and a version" if clause else "an empty clause"
        if match[1] == "~=" and "." not in clause.split("+")[0]:
            return "~= needs at least two parts of a version"
    return None


def _url_fault(key: str, text: str) -> str | None:
    if key in _ABSOLUTE_URL and not _SCHEME.match(text):
        return "not an absolute URL (no scheme such as https://)"
    if not text:  # uv reads it as a path, and cannot make an empty one absolute
        return _EMPTY
    return _host_fault(text, index=key not in _ABSOLUTE_URL)


def _exclusion_fault(where: str, item: dict) -> str | None:
    """Why uv refuses an `exclude-dependencies` table (uv's PackageExclusion: `package`, a table
    with a package `name` and an optional PEP 440 `version`, and `dependencies`, package names;
    no other key in either table)."""
    found = _keys_fault(where, item, ("package", "dependencies"), ("package", "dependencies"))
    if found is not None:
        return found
    package, names = item["package"], item["dependencies"]
    if not isinstance(package, dict):
        return f"{where}'s `package` is {_said(package)}, expected a table with `name`"
    found = _keys_fault(f"{where}'s `package`", package, ("name", "version"), ("name",))
    if found is not None:
        return found
    if not isinstance(package["name"], str) or not _NAME.match(package["name"]):
        return f"{where}'s package `name` is {_said(package['name'])}, not a package name"
    version = package.get("version", "")
    if not isinstance(version, str) or ("version" in package and not _BARE.match(version.strip())):
        return f"{where}'s package `version` is {_said(version)}, not a PEP 440 version"
    if not isinstance(names, list):
        return f"{where}'s `dependencies` is {_said(names)}, expected an array"
    bad = next((name for name in names if not isinstance(name, str) or not _NAME.match(name)), None)
    return None if bad is None else f"{where}'s `dependencies` holds {_said(bad)}, not a package name"


def _keys_fault(what: str, table: dict, keys: tuple[str, str], needed: tuple[str, ...]) -> str | None:
    other = next((key for key in table if key not in keys), None)
    if other is not None:
        return f"{what} has `{_shown(other)}`, expected `{keys[0]}` or `{keys[1]}`"
    missing = next((key for key in needed if key not in table), None)
    return None if missing is None else f"{what} is a table without `{missing}`"


def _shown(text: str) -> str:
    from pytui.core.env import shown_value

    return shown_value(text)


def _index_fault(where: str, item: dict) -> str | None:
    """Why uv refuses an `[[index]]` table: its `url` (as `index-url`), or its `name`, which
    holds ASCII letters, digits, `-`, `_` and `.` only (uv's IndexName; an empty one is taken)."""
    url = item["url"]
    found = _EMPTY if not url \
        else _host_fault(url)
    if found is not None:
        return f"{where}'s `url` is {found}"
    if "name" in item:
        name = item["name"]
        if not isinstance(name, str):
            return f"{where}'s `name` is {_said(name)}, expected a string"
        if not _INDEX_NAME.match(name):
            return f"{where}'s `name` is {_said(name)}, not an index name (ASCII letters, digits, " \
                   "-, _ and . only)"
    return None


def _element_fault(key: str, index: int, item: object) -> str | None:
    where = f"`{key}` item {index}"
    if isinstance(item, str):
        if key in _STRINGS_SET or key in _STRING_OR_TABLE_SET:
            if key in _NAMES_SET and not _NAME.match(item):
                return f"{where}, {_said(item)}, is not a package name (letters, digits, -, _ and ., " \
                       "starting and ending with a letter or digit)"
            if key in _REQUIREMENTS_SET and not re.match(r"\s*[A-Za-z0-9]", item):
                return f"{where}, {_said(item)}, is not a requirement (it starts with a package name)"
            if key in _URL_ARRAYS:
                found = _host_fault(item) if item else _EMPTY
                return None if found is None else f"{where}, {_said(item)}, is {found}"
            return None
        return f"{where} is {_said(item)}, expected a table"
    if isinstance(item, dict):
        if key in _STRING_OR_TABLE_SET:
            if key == "allow-insecure-host" and not isinstance(item.get("host"), str):
                return f"{where} is a table without a string `host`"
            if key == "exclude-dependencies":
                return _exclusion_fault(where, item)
            return None
        wanted = _TABLE_WITH.get(key)
        if wanted is not None:
            if not isinstance(item.get(wanted), str):
                return f"{where} is a table without a string `{wanted}`"
            if key == "index":
                return _index_fault(where, item)
            return None
    if key in _STRING_OR_TABLE_SET:
        return f"{where} is {_said(item)}, expected a string or a table"
    if key in _TABLE_WITH:
        return f"{where} is {_said(item)}, expected a table with `{_TABLE_WITH[key]}`"
    return f"{where} is {_said(item)}, expected a string"


def fault(key: str, value: object) -> str | None:
    """Why uv refuses what is inside `value` (already of a type uv takes for `key`); None when
    pytui finds nothing uv refuses."""
    if isinstance(value, list):
        if key in _STRINGS_SET or key in _STRING_OR_TABLE_SET or key in _TABLE_WITH:
            for index, item in enumerate(value, 1):
                found = _element_fault(key, index, item)
                if found is not None:
                    return found
        return None
    if not isinstance(value, str):
        return None
    if key == "required-version":
        found = _specifiers_fault(value)
        return None if found is None else f"`required-version` is {_said(value)}, not a PEP 440 " \
                                          f"version specifier ({found})"
    if key in _URLS:
        found = _url_fault(key, value)
        return None if found is None else f"`{key}` is {_said(value)}, {found}"
    return None


__all__ = ["fault"]
