"""Writing a run folder: cached CSV bytes, unit and token tables, what a folder may hold."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import textmine as tm

from conftest import CORPUS


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_cached_unit_and_token_tables_follow_the_text(tmp_path, corpus_copy):
    """With the cache on, units.csv and tokens.csv are found by the digests of the units and tokens; a warm
    run must copy the same bytes, and an edited document must give the tables of a run without cache."""
    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})

    def segment_tables(config, out):
        tm.write_run(tm.run(config, ("kwic",)), out, images=False)
        return [(out / name).read_bytes() for name in ("units.csv", "tokens.csv")]

    cold = segment_tables(config, tmp_path / "cold")
    assert segment_tables(config, tmp_path / "warm") == cold
    report = sorted(corpus_copy.glob("*.txt"))[0]
    report.write_text(report.read_text(encoding="utf-8").replace("数据", "數據", 1) + "\n\n新增的一段关于具身智能的文字。\n",
                      encoding="utf-8")
    edited = segment_tables(config, tmp_path / "edited")
    assert edited == segment_tables(config.replace(scale={"cache": False}), tmp_path / "fresh")
    assert edited[0] != cold[0] and edited[1] != cold[1]


def test_large_tables_are_written_from_cached_csv_bytes(tmp_path, prepared, monkeypatch):
    import pandas as pd

    from textmine.io import write

    frame = pd.DataFrame([(u.unit_id, t, s, len(t) / 3) for u in prepared.tokens for t, s in zip(u.terms, u.starts)],
                         columns=["unit_id", "term", "start", "weight"])
    assert len(frame) >= write.CACHED_CSV_ROWS   # every token of the bundled corpus: one row each
    from textmine.io.cache import Cache

    first = write.OutputWriter(tmp_path / "a", Cache(tmp_path / "cache"))
    first.write_table("tokens_long.csv", frame)
    assert first.path("tokens_long.csv").read_bytes() == write.table_to_csv(frame)

    def no_formatting(frame):
        raise AssertionError("formatted again")

    monkeypatch.setattr(write, "table_to_csv", no_formatting)
    second = write.OutputWriter(tmp_path / "b", Cache(tmp_path / "cache"))
    second.write_table("tokens_long.csv", frame)
    assert second.hashes == first.hashes
    changed = frame.assign(weight=frame["weight"] + 1e-3)
    with pytest.raises(AssertionError, match="formatted again"):   # other content: another key
        second.write_table("other.csv", changed)
    first.discard()
    second.discard()


def _files(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_command_adds_its_files_to_a_folder_of_the_same_text_and_the_manifest_says_so(tmp_path, capsys):
    from textmine.cli import main

    out = tmp_path / "out"
    common = ["--corpus", str(CORPUS), "--out", str(out), "--quiet", "--no-cache"]
    assert main(["trends", *common, "--themes", "智能体,算力"]) == 0
    trends_csv = (out / "trends.csv").read_bytes()
    assert main(["kwic", "算电协同", *common]) == 0
    capsys.readouterr()
    manifest = _manifest(out)
    # every file present is listed, and which command wrote it
    assert set(manifest["outputs"]) == _files(out) - {"manifest.json"}
    assert [c["command"].split(" --")[0] for c in manifest["commands"]] == ["textmine trends", "textmine kwic 算电协同"]
    assert "kwic.csv" in manifest["commands"][1]["files"] and "trends.csv" in manifest["commands"][0]["files"]
    assert manifest["stages"] == ["kwic", "trends"]
    assert manifest["commands"][1]["config"]["kwic"]["queries"] == ["算电协同"]
    # the earlier command's files are untouched
    assert (out / "trends.csv").read_bytes() == trends_csv
    # the same stage again replaces its own files, nothing else
    assert main(["kwic", "智能体", *common]) == 0
    manifest = _manifest(out)
    assert len(manifest["commands"]) == 2 and manifest["commands"][1]["command"].startswith("textmine kwic 智能体")
    assert set(pd.read_csv(out / "kwic.csv")["query"]) == {"智能体"}


def test_a_command_on_another_text_refuses_and_leaves_the_folder_as_it_was(tmp_path, corpus_copy, capsys):
    from textmine.cli import main

    out = tmp_path / "out"
    assert main(["trends", "--corpus", str(CORPUS), "--out", str(out), "--quiet", "--no-cache"]) == 0
    before = {name: (out / name).read_bytes() for name in _files(out)}
    edited = corpus_copy / "xinhua-ai-trends-2026.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n新增一段。\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["kwic", "算力", "--corpus", str(corpus_copy), "--out", str(out), "--quiet", "--no-cache"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "holds results of 'textmine trends" in error
    assert "for another text (corpus files changed: xinhua-ai-trends-2026.txt); write these with --out" in error
    assert {name: (out / name).read_bytes() for name in _files(out)} == before


def test_the_refusal_names_what_made_the_text_differ():
    from textmine.io.write import text_difference

    old = {"textmine": "0.1.0+aaa", "corpus": {"files": {"a.txt": "1", "b.txt": "2"}},
           "config": {"corpus": {"path": "x", "text_col": "text"}, "clean": {"min_unit_chars": 4}, "filter": {}}}
    same_text = {**old, "config": {**old["config"], "corpus": {"path": "y", "text_col": "text"}}}
    assert text_difference(old, same_text) == "corpus files or settings changed"   # a moved folder is the same text
    assert text_difference(old, {**old, "textmine": "0.1.0+bbb"}) == "made by textmine 0.1.0+aaa, this is 0.1.0+bbb"
    assert text_difference(old, {**old, "corpus": {"files": {"a.txt": "1", "b.txt": "3", "c.txt": "4"}},
                                 "config": {**old["config"], "clean": {"min_unit_chars": 8},
                                            "segment": {"lexicon": "none"}}}) == (
        "corpus files changed: b.txt, c.txt; [clean] min_unit_chars changed; [segment] lexicon changed")


@pytest.mark.slow
def test_a_full_run_replaces_every_earlier_file(tmp_path):
    """A run with a k range writes topic_k_selection.*; a later full run without one must not leave them behind."""
    import textmine as tm

    config = tm.Config().replace(corpus={"path": str(CORPUS)}, scale={"cache": False},
                                 topics={"k_range": "3:4:1", "iterations": 20, "stability_runs": 1},
                                 output={"wordclouds": False})
    out = tmp_path / "out"
    tm.write_run(tm.run(config, stages=("topics", "keywords")), out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert (out / "topic_k_selection.csv").is_file() and (out / "topic_k_selection.png").is_file()
    tm.write_run(tm.run(config.replace(topics={"k_range": ""})), out)
    assert not (out / "topic_k_selection.csv").exists() and not (out / "topic_k_selection.png").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"        # not textmine's: kept
    assert set(_manifest(out)["outputs"]) == _files(out) - {"manifest.json", "notes.txt"}


def test_unit_token_and_document_tables_written_row_by_row_are_the_bytes_pandas_writes(prepared, tmp_path):
    """units.csv, tokens.csv and documents.csv are written with the csv writer pandas uses, without a DataFrame:
    the same bytes for the corpus, a slice of the reviews and cells with quotes, commas, line breaks and formulas."""
    from conftest import shopping_reviews

    from textmine.io.write import (
        _document_rows,
        documents_csv,
        documents_table,
        table_to_csv,
        tokens_csv,
        tokens_table,
        units_csv,
        units_table,
    )

    reviews = shopping_reviews(dtype=str, keep_default_na=False).iloc[:2000]
    odd = ["=HYPERLINK(\"x\")，好评", "-5分，“差评”, 逗号,引号\"", "+ 第一行\n第二行", "@某人 '=1+1 \t制表"]
    table = tmp_path / "t.csv"
    import pandas as pd

    pd.DataFrame({"id": [f"r{i}" for i in range(len(reviews))] + ["=id", "-id", "'+id", "@id"],
                  "text": list(reviews["review"]) + odd, "title": [""] * len(reviews) + ["=t", "", "a,b", "\"q\""]}
                 ).to_csv(table, index=False)
    other = tm.prepare(tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False}))
    for each in (prepared, other):
        documents = {d.id: d for d in each.corpus}
        assert units_csv(each.units, documents) == table_to_csv(units_table(each))
        assert tokens_csv(each.tokens) == table_to_csv(tokens_table(each))
        assert documents_csv(_document_rows(each)) == table_to_csv(documents_table(each))
    assert b"'=HYPERLINK" in units_csv(other.units, {}) and b"'=id" in documents_csv(_document_rows(other))


def test_a_table_made_in_parts_is_the_table_made_whole(prepared):
    """units.csv and tokens.csv are made and written 50,000 rows at a time; the parts, joined, must be the bytes of
    the whole table, wherever the part boundaries fall (and with no rows, the header alone)."""
    from textmine.io.write import (TOKEN_COLUMNS, UNIT_COLUMNS, csv_header, table_to_csv, tokens_csv_parts,
                                   tokens_table, units_csv_parts, units_table)

    documents = {d.id: d for d in prepared.corpus}
    units, tokens = table_to_csv(units_table(prepared)), table_to_csv(tokens_table(prepared))
    assert len(prepared.units) == len(prepared.tokens) == 390
    for size in (1, 7, 389, 390, 391):
        parts = list(units_csv_parts(prepared.units, documents, rows_per_part=size))
        assert b"".join(parts) == units and len(parts) == 1 + -(-390 // size)
        parts = list(tokens_csv_parts(prepared.tokens, rows_per_part=size))
        assert b"".join(parts) == tokens and len(parts) == 1 + -(-390 // size)
    assert list(units_csv_parts([], {})) == [csv_header(UNIT_COLUMNS)]
    assert list(tokens_csv_parts([])) == [csv_header(TOKEN_COLUMNS)]
    assert b"".join(tokens_csv_parts([], header=False)) == b""


def test_repeated_texts_make_the_same_tables(tmp_path):
    """A text filed again (reviews posted twice, a report with several paragraphs copied under another id) gives
    ``Prepared.unit_firsts``, and units.csv and tokens.csv made with it, the end of each repeated line made once,
    are the bytes of the tables made row by row, wherever the parts fall."""
    from conftest import shopping_reviews

    from textmine.io.write import table_to_csv, tokens_csv_parts, tokens_table, units_csv_parts, units_table

    reviews = list(shopping_reviews(dtype=str, keep_default_na=False)["review"].iloc[:400])
    report = "算电协同推动智算集群落地。\n\n具身智能与智能体进入工厂，“大模型”走向行业，成本下降。\n\n=第三段，有逗号。"
    texts = reviews[:300] + reviews[:200] + [report] + reviews[300:400] + reviews[350:360] + [report]
    table = tmp_path / "t.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts}).to_csv(table, index=False)
    each = tm.prepare(tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False}))
    firsts = each.unit_firsts
    assert firsts is not None and len(firsts) == len(each.units)
    repeats = [(unit, each.units[first]) for unit, first in zip(each.units, firsts.tolist()) if unit is not each.units[first]]
    filed_again = [f"r{i}" for i, text in enumerate(texts) if text in texts[:i]]
    assert sorted({unit.doc_id for unit, _ in repeats}) == sorted(filed_again) and len(filed_again) >= 211
    assert len(repeats) > len(filed_again)   # the report: several units
    assert all(int(first.doc_id[1:]) < int(unit.doc_id[1:]) for unit, first in repeats)
    assert all((u.index, u.kind, u.text, u.start, u.end) == (f.index, f.kind, f.text, f.start, f.end)
               for u, f in repeats)
    units, tokens = table_to_csv(units_table(each)), table_to_csv(tokens_table(each))
    documents = {d.id: d for d in each.corpus}
    for size in (1, 7, 50, 199, 100_000):
        assert b"".join(units_csv_parts(each.units, documents, rows_per_part=size, unit_firsts=firsts)) == units
        assert b"".join(tokens_csv_parts(each.tokens, rows_per_part=size, unit_firsts=firsts)) == tokens
    once = tm.prepare(tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False}),
                      corpus=tm.Corpus(tuple(d for d in each.corpus if int(d.id[1:]) < 300)))
    assert once.unit_firsts is None


def test_files_written_in_the_writing_thread_are_published_with_their_digests(tmp_path, prepared):
    import hashlib

    from textmine.io.write import OutputWriter, tokens_csv, tokens_csv_parts

    whole = tokens_csv(prepared.tokens)
    writer = OutputWriter(tmp_path / "out")
    writer.write_bytes("tokens.csv", whole)
    writer.write_parts("parts/tokens.csv", tokens_csv_parts(prepared.tokens))
    file = writer.open_parts("two.csv")
    file.add(b"a,b\n")
    file.add(b"1,2\n")
    file.close()
    assert writer.wrote("two.csv") and not writer.wrote("three.csv")
    assert writer.path("tokens.csv").read_bytes() == whole   # a file asked for is there in full
    writer.commit({"command": "test"})
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["outputs"]) == {"tokens.csv", "parts/tokens.csv", "two.csv"}
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == digest
    assert (tmp_path / "out" / "parts" / "tokens.csv").read_bytes() == whole
    assert (tmp_path / "out" / "two.csv").read_bytes() == b"a,b\n1,2\n"


def test_a_file_the_writing_thread_cannot_write_fails_the_command_and_keeps_the_earlier_outputs(tmp_path):
    from textmine.io.write import OutputWriter

    out = tmp_path / "out"
    first = OutputWriter(out)
    first.write_bytes("a.csv", b"x,y\n")
    first.commit({"command": "first"})
    second = OutputWriter(out)
    second.write_bytes("a.csv", b"x,y\n1,2\n")
    (second.staging / "b.csv").mkdir()   # where b.csv goes there is a folder: the write fails in the thread
    second.write_bytes("b.csv", b"z\n")
    with pytest.raises(IsADirectoryError):
        second.commit({"command": "second"})
    second.discard()
    assert (out / "a.csv").read_bytes() == b"x,y\n" and not (out / "b.csv").exists()
    assert not second.staging.exists()


def _written_by_pandas(frame, monkeypatch, *, header=True) -> str:
    """What ``table_to_csv`` writes when pandas writes the table (the path for tables of any other dtypes)."""
    from textmine.io import write

    with monkeypatch.context() as patched:
        patched.setattr(write, "_plain_columns", lambda frame: None)
        return write._csv_text(frame, header=header)


def test_tables_of_plain_columns_are_written_as_pandas_writes_them(monkeypatch):
    """Tables of text, integer, float and boolean columns are written row by row with the csv module; every cell
    must read as pandas writes it: formulas guarded, quotes, commas and line breaks quoted, missing cells empty,
    floats in FLOAT_FORMAT, and tables of other dtypes left to pandas."""
    import numpy as np

    from textmine.io import write

    text = ["=SUM(A1)", "-5分，“差评”", 'a "quoted", comma', "两行\n文字", "", "'+1", "普通", None]
    frame = pd.DataFrame({
        "text": pd.array(text, dtype="str"),
        "objects": pd.Series([None if t is None else t.upper() for t in text], dtype=object),
        "count": np.arange(-3, 5, dtype=np.int64),
        "small": np.arange(8, dtype=np.uint8),
        "score": [0.1, -0.0, float("nan"), float("inf"), 1e-9, 123456789.0, -2.5, 1 / 3],
        "single": np.linspace(0, 1, 8, dtype=np.float32),
        "flag": [True, False] * 4,
        7: ["x"] * 8,
    })
    assert write._plain_columns(frame) is not None
    for header in (True, False):
        assert write._csv_text(frame, header=header) == _written_by_pandas(frame, monkeypatch, header=header)
    lone_empty = pd.DataFrame({"text": ["", "a", ""]})
    assert write._csv_text(lone_empty, header=True) == _written_by_pandas(lone_empty, monkeypatch) == 'text\n""\na\n""\n'
    empty = pd.DataFrame(columns=["a", "b"])
    assert write._csv_text(empty, header=True) == _written_by_pandas(empty, monkeypatch) == "a,b\n"
    for other in (pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}),
                  pd.DataFrame({"mixed": ["a", 1.5]}, dtype=object),
                  pd.DataFrame({"when": pd.to_datetime(["2024-01-02", "2025-03-04"])})):
        assert write._plain_columns(other) is None, other.dtypes


def test_every_table_of_a_run_is_written_as_pandas_writes_it(bundled_run, monkeypatch):
    """Each CSV of the bundled corpus's run, read back, is written to the same bytes by the row writer and by pandas."""
    from textmine.io import csvsafe, write

    tables = sorted(bundled_run.rglob("*.csv"))
    assert len(tables) > 20
    for path in tables:
        frame = csvsafe.read_output_csv(path)
        assert write._plain_columns(frame) is not None, path.name
        assert write._csv_text(frame, header=True) == _written_by_pandas(frame, monkeypatch), path.name
        assert write.table_to_csv(frame) == path.read_bytes(), path.name
