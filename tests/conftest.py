"""Shared fixtures: the real seeds (``../shared/seeds``) and the bundled samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = Path(os.environ.get("PIKG_SEEDS", REPO.parent / "shared" / "seeds"))
SAMPLES_DIR = REPO / "kg" / "data" / "samples"

SEED_FILES = {
    "000": "000_96d939c67dd7b28c.txt",
    "002": "002_f44a55659bcd5ffe.txt",
    "003": "003_2709046b083e087d.txt",
    "004": "004_eef93c3b92583fa5.txt",
}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"the real seeds are missing: expected {SEEDS_DIR} (set PIKG_SEEDS)")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_path(seeds_dir):
    """``seed_path("000")`` → path of that seed document."""
    return lambda prefix: seeds_dir / SEED_FILES[prefix]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR
