import os
import subprocess
import sys

from cli_harness import Pytui

HOOK = """
import sys
import importlib
modname, attr = sys.argv[1].rsplit(".", 1)
mod = importlib.import_module(modname)
if "/" in attr:
    clsname, attr = attr.split("/")
    owner = getattr(mod, clsname)
else:
    owner = mod
original = getattr(owner, attr)
def hooked(*a, **k):
    print("paused", flush=True)
    sys.stdin.readline()
    return original(*a, **k)
setattr(owner, attr, hooked)
from pytui.app.cli import main
sys.exit(main(sys.argv[2:]))
"""


def scene(pytui, hook, *args, other=("cache", "purge", "--all")):
    proc = subprocess.Popen([sys.executable, "-c", HOOK, hook, *args], env=pytui.env(), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=pytui.tmp)
    line = proc.stdout.readline().strip()
    if line != "paused":
        print("NOT PAUSED", proc.communicate())
        return
    print(pytui.run(*other))
    out, err = proc.communicate("go\n", timeout=60)
    print("INSTALL", proc.returncode, out, err)


def test_purge_between(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    scene(pytui, "pytui.core.extract.extract_archive", "install", "3.12")
    print(os.listdir(pytui.cache), os.listdir(pytui.root))
    pytui.call("uninstall", "--all")
    pytui.run("cache", "purge", "--all")
    pytui.call("cache", "import", str(made.path))
    scene(pytui, "pytui.core.cache.ArchiveCache/open_verified", "install", "3.12")
    print(os.listdir(pytui.cache), os.listdir(pytui.root))
