"""notebooks/explore.ipynb runs top to bottom on the public API; the concordance it uses finds what the counts say."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, REPO

NOTEBOOK = REPO / "notebooks" / "explore.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 10
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    # the notebook uses the package's public API only
    source = "\n".join("".join(c["source"]) for c in code)
    assert "import textmine as tm" in source and "from textmine" not in source and "tm._" not in source


@pytest.mark.slow
def test_notebook_executes_without_errors(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html_tables = [o for o in outputs if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"]]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(html_tables) >= 6   # documents, tokens, keywords, trend, topics, prevalence, KWIC
    assert len(images) >= 3        # word cloud, trend plot, topic prevalence plot
    text = json.dumps([o for o in outputs], ensure_ascii=False)
    assert "25 lines" in text and "report.html" in text and "AI玩具" in text


def test_kwic_finds_every_occurrence_at_its_place_in_the_original_file(prepared):
    import pandas as pd

    import textmine as tm

    lines = tm.kwic_table(prepared, ["具身智能"], width=8)
    trends = tm.run(prepared.config, stages=("trends",), corpus=prepared.corpus).tables["trends"]
    # as many lines as the theme's count over the corpus: 24 × 具身智能 (25 in the files, one in the table of
    # contents) and 1 × 具身机器人 (its rule)
    assert len(lines) == trends.loc[trends.theme == "具身智能", "count"].sum() == 25
    assert sorted(lines["match"].value_counts().items()) == [("具身智能", 24), ("具身机器人", 1)]
    originals = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    for row in lines.itertuples():
        assert originals[row.doc_id][row.start:row.end] == row.match
        assert len(row.left) <= 8 and len(row.right) <= 8
    assert lines.iloc[0]["date"] == "2025"
    assert isinstance(lines, pd.DataFrame)
