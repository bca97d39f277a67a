"""The file system: symbolic links, the output folder, and builds killed at any moment."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitegen.write import check_output_dir
from tests.conftest import MINI, REPO, run_cli


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def outside_snapshot(root: Path, output: Path) -> dict[str, bytes]:
    """Every file under root except the output folder, its staging siblings and the build cache."""
    return {p: b for p, b in tree(root).items()
            if not p.startswith((output.name + "/", f".{output.name}.", ".sitegen-cache/"))}


PERSON = "---\nname: Jane Doe\naliases: [Doe]\n---\n"
ARTICLE = "---\ntitle: A report\nlanguage: en\npeople: [jane-doe]\n---\nDoe spoke.\n"


def test_symbolic_link_loops_are_survived(make_site, tmp_path: Path):
    root = make_site({"content/people/jane-doe.md": PERSON, "content/articles/report.md": ARTICLE,
                      "themes/default/static/site.css": "p {}"})
    (root / "content/people/self.md").symlink_to("self.md")
    (root / "content/people/loop").symlink_to(".")
    (root / "themes/default/static/loop").symlink_to(".")
    (root / "content/events").symlink_to("events")
    result = run_cli("build", "--root", str(root), "--output", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert "content/people/self.md: warning: symbolic link is broken or loops" in result.err
    assert (tmp_path / "out/static/site.css").is_file()
    assert not (tmp_path / "out/static/loop").exists()


def test_links_out_of_the_project_are_never_followed(make_site, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    root = make_site({"content/people/jane-doe.md": PERSON, "content/articles/report.md":
                      ARTICLE.replace("people: [jane-doe]", "people: [jane-doe]\ncapture:\n  file: s.txt")})
    (root / "content/articles/s.txt").symlink_to(secret)
    (root / "content/people/leak.md").symlink_to(secret)
    (root / "themes/default/static").mkdir(parents=True)
    (root / "themes/default/static/leak.txt").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(root), "--output", str(out))
    assert result.code == 1  # the capture is missing: its link is not followed
    assert "content/articles/s.txt: warning: symbolic link leads outside content/" in result.err
    (root / "content/articles/report.md").write_text(ARTICLE)
    assert run_cli("build", "--root", str(root), "--output", str(out)).code == 0
    assert all(b"TOP SECRET" not in data for data in tree(out).values())


@pytest.mark.parametrize("make_target", ["file", "symlink-loop", "home", "content-parent"])
def test_dangerous_output_folders_are_refused(make_target: str, make_site, tmp_path: Path):
    root = make_site({"content/people/jane-doe.md": PERSON})
    target = {"file": tmp_path / "a-file", "symlink-loop": tmp_path / "loop", "home": Path.home(),
              "content-parent": root}[make_target]
    if make_target == "file":
        target.write_text("keep me")
    if make_target == "symlink-loop":
        target.symlink_to(target)
    problems = check_output_dir(target, root)
    assert [p.code for p in problems] == ["output-dir-refused"]
    if make_target == "file":
        assert run_cli("build", "--root", str(root), "--output", str(target)).code == 2
        assert target.read_text() == "keep me"


def test_nothing_outside_the_output_folder_changes(tmp_path: Path):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root, symlinks=True)
    before = outside_snapshot(root, root / "public")
    assert run_cli("build", "--root", str(root)).code == 0
    assert run_cli("check", "--root", str(root)).code == 0
    assert outside_snapshot(root, root / "public") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".public")) == []


# --- killed builds -------------------------------------------------------------------------------

DRIVER = textwrap.dedent('''
    """Run `sitegen build`, stopping dead (for the parent to kill) at one step of writing."""
    import os, sys
    event, count, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seen = 0

    def hook(name, args):
        global seen
        if name == "open" and event == "write":
            writing = isinstance(args[0], str) and ".public.new-" in args[0] and "w" in str(args[1])
            if not writing:
                return
        elif name == "ctypes.dlsym" and event == "swap":
            if args[1] != "renameat2":
                return
        elif name != event:
            return
        seen += 1
        if seen == count:
            os.write(1, b"paused\\n")
            os.read(0, 1)  # never returns: the parent kills us here

    sys.addaudithook(hook)
    from sitegen.cli import main
    sys.exit(main(["build", "--root", root, "--quiet"]))
''')


def _build_killed_at(root: Path, driver: Path, event: str, count: int) -> bool:
    """Start a build and kill -9 it at the step; False if the build never reached it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, str(driver), event, str(count), str(root)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, start_new_session=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the build pauses or ends
    if line == b"paused\n":
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=120)
    process.communicate()
    return line == b"paused\n"


@pytest.mark.parametrize("event, count", [
    ("tempfile.mkdtemp", 1),  # the staging folder exists, empty
    ("write", 1),  # the first file is being written
    ("write", 3),  # a few changed files written
    ("os.link", 1),  # unchanged files are being hard-linked from the old site
    ("os.link", 60),  # halfway through them
    ("swap", 1),  # everything is staged; the atomic exchange is next
    ("shutil.rmtree", 1),  # swapped: the old site is being deleted
])
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new(event: str, count: int, tmp_path: Path):
    root = tmp_path / "site"
    shutil.copytree(MINI, root, symlinks=True)
    assert run_cli("build", "--root", str(root)).code == 0
    old = tree(root / "public")
    article = root / "content/articles/2015-12-01-paris-talks.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Paris", "Paris, France", 1), encoding="utf-8")
    reference = tmp_path / "reference"
    assert run_cli("build", "--root", str(root), "--output", str(reference)).code == 0
    new = tree(reference)
    assert new != old

    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    reached = _build_killed_at(root, driver, event, count)
    assert reached, f"the build never reached {event} #{count}"
    now = tree(root / "public")
    assert now in (old, new), "public/ is a mixture of the old and new site"

    # The next build works despite the leftovers, and ends with the new site.
    assert run_cli("build", "--root", str(root)).code == 0
    assert tree(root / "public") == new
