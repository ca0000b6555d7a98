"""The README's tour runs as written, from a checkout beside ``shared/seeds``, and writes
everything into one folder of its own (issue 16: it used to write into the repository root)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tour_commands() -> list[str]:
    """The lines of the README's tour block, without their comments."""
    readme = REPO.joinpath("README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A tour in ten commands") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the tour has no sh block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_tour_starts_in_a_folder_of_its_own_and_puts_kg_on_path():
    commands = tour_commands()
    assert commands[0].startswith("mkdir -p tour && cd tour")
    assert all(c.startswith("kg ") for c in commands[1:]), commands
    readme = REPO.joinpath("README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in readme and ".venv/bin/kg" in readme
    makefile = REPO.joinpath("Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PYTHON \?= python3\.11$", makefile, re.M)  # the README's python3.11
    assert "python3.11 -m venv" in readme


@pytest.mark.slow
def test_the_tour_runs_and_writes_only_into_its_folder(tmp_path, seeds_dir):
    checkout = tmp_path / "main"
    checkout.mkdir()
    (checkout / "kg").symlink_to(REPO / "kg")  # the tour reads ../kg/data/samples
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "seeds").symlink_to(seeds_dir)
    lines = [c for c in tour_commands() if not c.startswith("kg serve")]  # serve never ends
    script = "set -e\n" + "\n".join(
        f"{line} || test $? -eq 1 -a '{line[:8]}' = 'kg audit'" for line in lines
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("KG_STORE", None)
    done = subprocess.run(
        ["bash", "-c", script], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in checkout.iterdir()) == ["kg", "tour"]
    written = {p.name for p in (checkout / "tour").iterdir()}
    assert {"kg-store", "report", "tree.html", "duplicates.html", "graph.ttl"} <= written
