"""Shared fixtures: the bundled corpus, prepared once per test session, and the shared data folder."""

from __future__ import annotations

import os
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


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (the default, see pyproject.toml): one test process per core, at most four, because many
    tests start processes of their own (command lines, topic fits, Dask workers)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores))


#: test files whose tests read the whole run of the bundled corpus (the session fixture ``bundled_run``)
BUNDLED_RUN_FILES = ("tests/test_pipeline.py", "tests/test_report.py")


def pytest_xdist_make_scheduler(config, log):
    """Tests go to the test processes file by file, so a module's fixtures are made once; the files in
    :data:`BUNDLED_RUN_FILES` go to the same process, so the run they share is made once too."""
    from xdist.scheduler import LoadFileScheduling

    class FileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "bundled_run" if scope in BUNDLED_RUN_FILES else scope

    return FileScheduling(config, log)


@pytest.fixture(scope="session")
def config():
    import textmine as tm

    return tm.Config().replace(corpus={"path": str(CORPUS)}, scale={"cache": False})


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory, config):
    """The bundled corpus run through the API with the cache off (as a notebook would), written to a folder,
    and the report rendered from it: shared by every test that reads a whole run's files."""
    import textmine as tm

    out = tmp_path_factory.mktemp("bundled-run")
    tm.write_run(tm.run(config), out)
    tm.write_report(out)
    return out


@pytest.fixture(scope="session")
def prepared(config):
    import textmine as tm

    return tm.prepare(config)


#: commands that read and write the cache: tests run them with --no-cache, so no test reads results an
#: earlier test (or earlier code) left in a shared cache folder
CACHING_COMMANDS = ("run", "segment", "keywords", "topics", "trends", "keyness", "kwic", "network")


def textmine(*args, cwd=REPO, cache: bool = False):
    """``textmine ARGS`` as a separate process (the installed command line), with its output."""
    import subprocess
    import sys

    args = list(args)
    if not cache and args and args[0] in CACHING_COMMANDS and "--help" not in args and "--no-cache" not in args:
        args.append("--no-cache")
    return subprocess.run([sys.executable, "-m", "textmine.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def cpc_config(**sections):
    """A config over the 16 party-congress reports of ../shared/data (or skip), cache off."""
    import textmine as tm

    path = shared_file("cpc_congress_reports.jsonl")
    return tm.Config().replace(corpus={"path": str(path), "text_col": "content", "id_col": "id", "date_col": "year"},
                               scale={"cache": False}, **sections)


def cpc_rows() -> list[dict]:
    """The congress reports as JSON rows (id, year, content …), read independently of textmine."""
    import json

    return [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text("utf-8").splitlines()]


def one_file_corpus(tmp_path, name: str, text: str):
    """A config for a corpus of one document ``name``.txt holding ``text`` (no cache, no images)."""
    import textmine as tm

    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return tm.Config().replace(corpus={"path": str(folder)}, scale={"cache": False},
                               output={"wordclouds": False, "plots": False})


def first_paragraphs(tmp_path, n: int):
    """The first ``n`` paragraphs of a bundled report as a corpus of one document (:func:`one_file_corpus`)."""
    text = (CORPUS / "xinhua-ai-trends-2026.txt").read_text(encoding="utf-8")
    return one_file_corpus(tmp_path, f"first{n}",
                           "\n\n".join([b for b in text.split("\n\n") if len(b.strip()) > 60][:n]))


@pytest.fixture
def corpus_copy(tmp_path):
    """A copy of corpus/ a test may edit."""
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def cpc():
    """The congress series, prepared once (skipped without the shared data)."""
    import textmine as tm

    return tm.prepare(cpc_config(trends={"by": "year"}))


# -- generated text for the property tests (hypothesis): arbitrary Unicode, mixed scripts, control characters and
# the junk the cleaner removes (URLs, e-mail addresses, footnote marks, markdown, page markers) ----------------------

def _strategies():
    from hypothesis import strategies as st

    from textmine.config import CleanConfig
    from textmine.normalize import SimplifiedFolder

    EXAMPLES = 700
    SPACE = set(" \t\n\r\f\v\u3000\u00a0\u200b\ufeff\x1c\x1d\x1e\x1f\x85\u2028\u2029")

    FRAGMENTS = st.sampled_from([
        "智能体", "具身智能", "大模型", "人工智能", "發展", "臺灣", "GPT-4o", "DeepSeek-R1", "5G", "。", "，", "：", "“", "”",
        "（上接第1版）", "¹", "²³", "[1]", "注1：", "来源：", "https://www.gov.cn/a?b=1", "www.example.com", "a@b.cn",
        "**", "`", "# ", "## ", "- ", "1. ", "> ", "图 3 ", "图为", "摄", "本报记者 王某", "\n", "\n\n", " ", "\u3000",
        "\t", "\r\n", "\x00", "\x0b", "\u200b", "\ufeff", "=", "ｆｕｌｌ１２３", "😀", "é", "\u0301", "ﬁ",
    ])
    TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)
    LONG_TEXT = st.integers(min_value=2000, max_value=20000).map(lambda n: ("具身智能与大模型推动产业变革，" * n)[:n])

    FOLDER = SimplifiedFolder()
    CONFIGS = [CleanConfig(), CleanConfig(fold_traditional=False, drop_captions=False, drop_footnotes=False,
                                          join_page_breaks=False, min_unit_chars=1)]

    return EXAMPLES, SPACE, TEXT, LONG_TEXT, FOLDER, CONFIGS


EXAMPLES, SPACE, TEXT, LONG_TEXT, FOLDER, CONFIGS = _strategies()


def maps_back(char: str, original: str) -> bool:
    return char == original or (char == " " and (original in SPACE or original.isspace()))
