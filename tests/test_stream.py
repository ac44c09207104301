"""Counting a table corpus chunk by chunk equals counting it whole."""

from __future__ import annotations

import pickle

import textmine as tm
from textmine.data import Document

from conftest import CORPUS


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_streaming_vocabulary_equals_the_in_memory_one(tmp_path):
    import pandas as pd

    from textmine.stream import stream_vocab

    corpus = tm.read_corpus(CORPUS)
    table = tmp_path / "reports.csv"
    pd.DataFrame({"id": corpus.ids, "text": [d.text for d in corpus]}).to_csv(table, index=False)
    config = tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False})
    streamed = stream_vocab(config, chunk_docs=1)
    expected = tm.vocab_table(tm.prepare(config).doc_dtm)
    pd.testing.assert_frame_equal(streamed, expected, check_dtype=False)
    assert streamed.loc[streamed.term == "大模型", "count"].item() == 115


def _chunked(path, chunk_docs, **options):
    from textmine.io.stream import TableChunks

    chunks = TableChunks(path, chunk_docs=chunk_docs, **options)
    documents = [doc for chunk in chunks for doc in chunk]
    return documents, chunks.inputs


def _same_reads(path, chunk_docs, **options):
    whole = tm.read_corpus(path, **options)
    documents, inputs = _chunked(path, chunk_docs, **options)
    assert documents == list(whole.documents)
    assert [(r.name, r.status, r.reason, r.detail) for r in inputs] == [
        (r.name, r.status, r.reason, r.detail) for r in whole.inputs]
    return whole


def test_a_table_read_in_chunks_gives_the_documents_of_a_whole_read(tmp_path):
    """Ids, dates, metadata, sources and skipped rows are the same whichever way a table is read, for CSV (with a
    byte-order mark, CRLF line ends, empty and quoted multi-line cells) and JSONL (lines with different keys, an
    invalid line, a line that is not an object)."""
    csv_path = tmp_path / "t.csv"
    csv_path.write_bytes("\ufeffid,text,year,note\r\na,具身智能走进千家万户。,2021,x\r\nb,,2022,\r\n"
                         "c,\"第一段\r\n第二段，“引号”\",2023-05,=1+1\r\nd,   ,2024,\r\ne,最后一行,2024-01-02,\r\n"
                         .encode("utf-8"))
    for size in (1, 2, 100):
        whole = _same_reads(csv_path, size, id_col="id", date_col="year")
    assert whole.ids == ("a", "c", "e") and [r.reason for r in whole.skipped] == ["empty", "empty"]
    assert whole["c"].text == "第一段\n第二段，“引号”" and str(whole["c"].date) == "2023-05"
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"text": "甲文本内容", "year": 2021}\nnot json\n\n[1, 2]\n'
                     '{"text": "乙文本内容", "year": 2022, "extra": 3}\n{"text": "", "year": 2023}\n'
                     '{"text": "丙文本内容", "year": null}\n', encoding="utf-8")
    for size in (1, 3, 100):
        whole = _same_reads(jsonl, size, date_col="year")
    assert whole.ids == ("0", "1", "3") and whole["1"].meta == {"year": "2022", "extra": "3"}
    assert whole["0"].meta == {"year": "2021"} and whole["3"].date is None
    assert [r.reason for r in whole.skipped] == ["invalid", "invalid", "empty"]


def test_chunked_reads_of_the_congress_reports_and_a_slice_of_the_reviews_equal_whole_reads(tmp_path):
    from conftest import shared_file, shopping_reviews

    _same_reads(shared_file("cpc_congress_reports.jsonl"), 5, text_col="content", id_col="id", date_col="year")
    reviews = tmp_path / "reviews.csv"
    shopping_reviews(dtype=str, keep_default_na=False).iloc[30000:37000].to_csv(reviews, index=False)
    whole = _same_reads(reviews, 999, text_col="review")
    assert len(whole) == 6999 and [r.name for r in whole.skipped] == ["reviews.csv row 6426 (id 6425)"]
    # each document read is what the constructor makes of the row, and it pickles back
    made = [Document(d.id, d.text, dict(d.meta), d.date, d.source) for d in whole]
    assert made == list(whole) and pickle.loads(pickle.dumps(list(whole))) == made
    assert whole["6424"].meta == {"cat": "热水器", "label": "1"} and whole["6424"].text == "第二次买了挺好"
    assert whole["6424"].source.endswith("reviews.csv#6425")
    assert len({id(d.meta) for d in whole}) == len(whole)   # each its own metadata


def test_html_in_a_table_cell_is_read_as_its_paragraphs(tmp_path):
    """A CSV of article bodies as a content system exports them (<p> paragraphs, <br/>, &nbsp;, an image, a
    script): each document is its paragraphs, no markup reaches a unit, and a chunked read agrees."""
    import html
    import json as json_

    import pandas as pd

    from conftest import shared_file

    rows = [json_.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(encoding="utf-8").splitlines()]
    paragraphs = [[p for p in r["content"].split("\n\n") if p.strip()] for r in rows]

    def body(paras):
        first, *rest = paras
        head = html.escape(first).replace(" ", "&nbsp;", 1)
        return (f'<p style="text-indent:2em">{head}</p>' + "".join(f"<p>{html.escape(p)}</p>" for p in rest)
                + '<div class="img"><img src="figure.jpg"/></div><script>var views = 1;</script>')

    table = tmp_path / "bodies.csv"
    pd.DataFrame({"id": [r["id"] for r in rows], "body": [body(p) for p in paragraphs],
                  "note": ["价格<100元" for _ in rows]}).to_csv(table, index=False)
    whole = _same_reads(table, 5, text_col="body", id_col="id")
    for doc, r, paras in zip(whole, rows, paragraphs):   # every character, and a paragraph break at every <p>
        assert "".join(doc.text.split()) == "".join(r["content"].split())
        assert len(doc.text.split("\n\n")) >= len(paras)
    first = paragraphs[0][0]
    assert whole.documents[0].text.split("\n\n")[0] == " ".join(first.split())   # &nbsp; read as a space
    assert whole.inputs[0].detail == "HTML read as text in 16 rows" and whole.documents[0].meta["note"] == "价格<100元"
    units = tm.split_units(whole).units
    assert not [u for u in units if "<" in u.text or "figure" in u.text or "views" in u.text]
    assert sum(u.text.count("社会主义") for u in units) == sum(r["content"].count("社会主义") for r in rows)


def test_tab_and_semicolon_separated_tables_read_as_the_comma_separated_one(tmp_path):
    """A database's .tsv export, and a spreadsheet's CSV that separates cells with tabs or semicolons, give the
    documents of the comma-separated table, whole or in chunks (the reports hold commas, semicolons and tabs)."""
    import json as json_

    import pandas as pd

    from conftest import shared_file

    rows = [json_.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(encoding="utf-8").splitlines()]
    frame = pd.DataFrame({"id": [r["id"] for r in rows], "year": [r["year"] for r in rows],
                          "content": [r["content"] for r in rows]})
    assert any("；" in r["content"] or ";" in r["content"] for r in rows)
    frame.to_csv(tmp_path / "comma.csv", index=False)
    reference = tm.read_corpus(tmp_path / "comma.csv", text_col="content", id_col="id", date_col="year")
    for name, sep in (("reports.tsv", "\t"), ("tabs.csv", "\t"), ("semicolons.csv", ";"), ("bars.csv", "|")):
        frame.to_csv(tmp_path / name, sep=sep, index=False)
        whole = _same_reads(tmp_path / name, 5, text_col="content", id_col="id", date_col="year")
        assert [(d.id, d.text, dict(d.meta), d.date) for d in whole] == [
            (d.id, d.text, dict(d.meta), d.date) for d in reference], name


def test_a_duplicate_id_in_a_later_chunk_is_the_error_of_a_whole_read(tmp_path):
    import pytest

    path = tmp_path / "t.csv"
    path.write_text("id,text\na,甲文本\nb,乙文本\na,丙文本\n", encoding="utf-8")
    with pytest.raises(tm.CorpusError) as whole:
        tm.read_corpus(path, id_col="id")
    with pytest.raises(tm.CorpusError) as chunked:
        _chunked(path, 1, id_col="id")
    assert str(chunked.value) == str(whole.value) == (f"{path} row 3: duplicate document id 'a' (first at row 1); "
                                                      f"ids in column 'id' must be unique")
