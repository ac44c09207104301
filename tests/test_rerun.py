"""An unchanged ``textmine run`` writes nothing; any change to what decides its files runs it again."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, textmine


def _small_corpus(folder):
    """Three bundled reports cut to their first paragraphs (a whole run in a few seconds)."""
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:3]:
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 60]
        (folder / path.name).write_text("\n\n".join(paragraphs[:25]), encoding="utf-8")
    return folder


#: a light job (one topic fit, no images): what is tested is whether it runs, not what it computes
CONFIG = """[scale]
cache_dir = "cache"
[topics]
stability_runs = 1
specificity = 0
iterations = 50
[output]
wordclouds = false
plots = false
"""


def _runner(folder):
    def rerun(*args):
        done = textmine("run", *args, cwd=folder, cache=True)
        assert done.returncode == 0, done.stderr
        return done.stderr
    return rerun


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A project folder (corpus, config with its cache beside it) run once."""
    folder = tmp_path_factory.mktemp("project")
    _small_corpus(folder / "corpus")
    (folder / "textmine.toml").write_text(CONFIG, encoding="utf-8")
    assert "up to date" not in _runner(folder)()
    return folder


@pytest.fixture
def job(first_run, tmp_path):
    """A copy of the project folder after its first run, and ``rerun(*args)`` running it again there. Every
    path in the config is relative, so the copy is up to date as the original is."""
    import shutil

    folder = tmp_path / "project"
    shutil.copytree(first_run, folder)
    return folder, _runner(folder)


def _files(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_unchanged_rerun_writes_nothing(job):
    folder, rerun = job
    out = folder / "outputs"
    before = _files(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["rendered"]) == {"report.html", "report.md", "tables.xlsx"}
    assert len(manifest["run_key"]) == 64 and len(before) > 20
    said = rerun()
    assert "is up to date" in said and "nothing to do" in said
    assert _files(out) == before   # not one file written again, the manifest included


# three of the changes, each a whole run of 4-5 s, run with `pytest -m slow` (the suite stays under 3 minutes)
@pytest.mark.parametrize("change", ["corpus edited", pytest.param("corpus file added", marks=pytest.mark.slow),
                                    "output deleted", "report edited", "setting changed", "named file changed",
                                    pytest.param("other command", marks=pytest.mark.slow),
                                    pytest.param("no cache", marks=pytest.mark.slow)])
def test_any_change_runs_again(job, change):
    folder, rerun = job
    out = folder / "outputs"
    original = {name: data for name, (data, _) in _files(out).items()}
    args = ()
    if change == "corpus edited":
        first = sorted((folder / "corpus").glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n\n算力网络与算电协同正在加快建设。", encoding="utf-8")
    elif change == "corpus file added":
        (folder / "corpus" / "note.md").write_text("具身智能和智能体的新进展。" * 20, encoding="utf-8")
    elif change == "output deleted":
        (out / "keyness.csv").unlink()
    elif change == "report edited":
        (out / "report.html").write_text("edited", encoding="utf-8")
    elif change == "setting changed":
        args = ("--seed", "7")
    elif change == "named file changed":
        (folder / "lexicon.txt").write_text("算电协同\n", encoding="utf-8")
        config = folder / "textmine.toml"
        config.write_text(config.read_text(encoding="utf-8") + '[segment]\nlexicons = ["lexicon.txt"]\n',
                          encoding="utf-8")
        rerun()
        (folder / "lexicon.txt").write_text("算电协同\n具身智能\n", encoding="utf-8")
    elif change == "other command":
        assert textmine("kwic", "算力", cwd=folder, cache=True).returncode == 0
    elif change == "no cache":
        args = ("--no-cache",)
    said = rerun(*args)
    assert "up to date" not in said, change
    now = {name: data for name, (data, _) in _files(out).items()}
    if change in ("output deleted", "report edited", "other command", "no cache"):
        # the same inputs: the run gives back the very tables, graph files and workbook it wrote the first time
        # (the manifest and the report, which give the run's date and timings, aside)
        same = [name for name in original if name not in ("manifest.json", "report.html", "report.md")]
        assert len(same) > 20 and all(now.get(name) == original[name] for name in same), change
    if change != "no cache":   # a run with the cache records its key again: the next rerun is instant
        assert "is up to date" in rerun(*args), change


def test_the_key_follows_every_package_down_the_tree():
    """The versions in the rerun key: textmine's requirements and theirs (Pillow writes every PNG but is
    required by matplotlib and wordcloud, not by textmine), with the versions installed."""
    import re
    from importlib import metadata

    from textmine.provenance import dependency_versions

    versions = dependency_versions()
    direct = {re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0].lower().replace("_", "-")
              for r in metadata.requires("textmine") if "extra ==" not in r}
    assert direct <= set(versions) and len(versions) > len(direct) + 20
    assert versions["pillow"] == metadata.version("Pillow") and versions["matplotlib"] == metadata.version("matplotlib")
    assert "pytest" not in versions   # a test extra, not a dependency of a run
