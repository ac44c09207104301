"""Shared fixtures: the bundled corpus, prepared once per test session, and the shared data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(name: str) -> Path:
    """A file from ../shared/data, or skip the test with a message saying what is missing."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared data file ../shared/data/{name} is not present next to the repository")
    return path


def shopping_reviews(**read_csv):
    """The 62,774 labelled online-shopping reviews (columns ``cat``, ``label``, ``review``), or skip."""
    import zipfile

    import pandas as pd

    with zipfile.ZipFile(shared_file("online_shopping_10_cats.zip")) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            return pd.read_csv(handle, **read_csv)


@pytest.fixture(scope="session")
def config():
    import textmine as tm

    return tm.Config().replace(corpus={"path": str(CORPUS)})


@pytest.fixture(scope="session")
def prepared(config):
    import textmine as tm

    return tm.prepare(config)
