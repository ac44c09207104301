"""Bad input gets a clear answer and loses nothing.

Encodings (real text re-encoded as GB18030, GBK, Big5, UTF-16, with and
without byte-order marks), a battery of bad inputs with the exact message, exit
code and what was still produced, atomic and concurrent outputs, CSV cells
that spreadsheets would run, and a run killed by a real signal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from textmine.cli import main
from textmine.io import atomic
from textmine.io.csvsafe import guard_text, read_output_csv, restore_text
from textmine.io.decode import InputRejected, decode_bytes
from textmine.io.read import read_corpus
from textmine.io.write import OutputWriter, table_to_csv

import docfixtures
from conftest import CORPUS, shared_file

XINHUA = (CORPUS / "xinhua-ai-trends-2026.txt").read_text(encoding="utf-8")
PEOPLE = (CORPUS / "people-large-models-2025.txt").read_text(encoding="utf-8")
GOOD_A, GOOD_B = XINHUA[:1200], PEOPLE[:1200]


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


# -- encodings ------------------------------------------------------------------------------------

def _gbk_safe(text: str) -> str:
    return "".join(c for c in text if c.encode("gbk", "ignore"))


@pytest.mark.parametrize("name, encode, expected", [
    ("utf8", lambda t: t.encode("utf-8"), ("utf-8", "utf-8")),
    ("utf8-bom", lambda t: t.encode("utf-8-sig"), ("utf-8-sig", "bom")),
    ("utf16-bom", lambda t: t.encode("utf-16"), ("utf-16-le", "bom")),
    ("utf16be-bom", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), ("utf-16-be", "bom")),
    ("utf16le", lambda t: t.encode("utf-16-le"), ("utf-16-le", "detected")),
    ("gbk", lambda t: _gbk_safe(t).encode("gbk"), ("gb18030", "detected")),
    ("gb18030", lambda t: t.encode("gb18030"), ("gb18030", "detected")),
])
def test_simplified_text_is_decoded_exactly(name, encode, expected):
    text = XINHUA[:3000]
    decoded = decode_bytes(encode(text))
    assert (decoded.encoding, decoded.method) == expected
    original = _gbk_safe(text) if name == "gbk" else text
    assert decoded.text == original.replace("\r\n", "\n")


def test_big5_traditional_text_is_decoded_exactly():
    text = _traditional(PEOPLE[:3000])
    data = text.encode("big5", errors="ignore")
    decoded = decode_bytes(data)
    assert decoded.encoding == "big5" and decoded.text == data.decode("big5")


def test_real_congress_reports_round_trip_through_gb18030_and_big5():
    path = shared_file("cpc_congress_reports.jsonl")
    reports = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    checked = 0
    for report in reports:
        text = report["content"].replace("\r\n", "\n")
        for codec in ("gb18030", "big5"):
            try:
                data = text.encode(codec)
            except UnicodeEncodeError:
                continue  # Big5 cannot hold most Simplified characters
            decoded = decode_bytes(data)
            assert (decoded.encoding, decoded.text) == (codec, text), report["id"]
            checked += 1
    assert checked >= 16


def test_short_texts_are_not_confused_between_gbk_and_big5():
    assert decode_bytes("智能体".encode("gbk")).text == "智能体"
    assert decode_bytes("臺灣人工智慧".encode("big5")).text == "臺灣人工智慧"


def test_named_encoding_is_used_and_a_wrong_one_is_reported():
    data = "具身智能".encode("gb18030")
    assert decode_bytes(data, "gb18030").method == "option"
    with pytest.raises(InputRejected) as caught:
        decode_bytes(data, "utf-8")
    assert str(caught.value) == ('undecodable: not valid utf-8 at byte 0; set [corpus] encoding = "auto" '
                                 'or the right codec')


def test_folder_of_mixed_encodings_records_each_file_in_the_manifest(tmp_path, monkeypatch):
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "gbk.txt").write_bytes(_gbk_safe(GOOD_A).encode("gbk"))
    (corpus / "big5.txt").write_bytes(_traditional(GOOD_B).encode("big5", errors="ignore"))
    (corpus / "utf16.txt").write_bytes(GOOD_B.encode("utf-16"))
    (corpus / "bom.txt").write_bytes(GOOD_A.encode("utf-8-sig"))
    rc, _ = _cli(monkeypatch, tmp_path, "keywords", "--corpus", str(corpus), "--out", str(tmp_path / "o"))
    assert rc == 0
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert {r["name"]: (r["encoding"], r["method"]) for r in manifest["corpus"]["inputs"]} == {
        "big5.txt": ("big5", "detected"), "bom.txt": ("utf-8-sig", "bom"), "gbk.txt": ("gb18030", "detected"),
        "utf16.txt": ("utf-16-le", "bom")}
    assert manifest["corpus"]["skipped"] == []
    assert list(pd.read_csv(tmp_path / "o" / "documents.csv")["doc_id"]) == ["big5", "bom", "gbk", "utf16"]


# -- the battery ------------------------------------------------------------------------------------

def _cli(monkeypatch, cwd: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in this process; returns the exit code (SystemExit included) and nothing else."""
    monkeypatch.chdir(cwd)
    try:
        return main([*args, "--quiet", "--no-images"] if args[0] in ("keywords", "run") else list(args)), ""
    except SystemExit as exc:  # argparse
        return int(exc.code), ""


def _good_folder(root: Path) -> Path:
    corpus = root / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (corpus / "b.txt").write_text(GOOD_B, encoding="utf-8")
    return corpus


def _table(root: Path, name: str, rows: list[dict]) -> Path:
    path = root / name
    if name.endswith(".csv"):
        pd.DataFrame(rows).to_csv(path, index=False)
    elif name.endswith(".xlsx"):
        pd.DataFrame(rows).to_excel(path, index=False)
        (root / "sheet.toml").write_text('[corpus]\nsheet = "Sheet2"\n', encoding="utf-8")
    else:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


# Each case: (id, how to make it, extra args, exit code, exact message, documents still analysed).
# A skipped input's message is the warning; an error's is the one line after "textmine: error: ".
SKIPS = [
    ("empty-file", lambda c: (c / "empty.txt").write_bytes(b""), [],
     "skipped empty.txt: empty (the file has 0 bytes)"),
    ("blank-file", lambda c: (c / "blank.txt").write_text(" \n\u3000\n\t", encoding="utf-8"), [],
     "skipped blank.txt: empty (only white space)"),
    ("cut-off-pdf-named-txt", lambda c: (c / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), [],
     "skipped scan.txt: damaged (not a readable PDF: PDFium reports data format error)"),
    ("binary-with-nul", lambda c: (c / "blob.txt").write_bytes(bytes(range(256)) * 40), [],
     "skipped blob.txt: binary (holds NUL bytes and is not UTF-16/UTF-32 text)"),
    ("control-codes", lambda c: (c / "ctl.md").write_bytes(bytes(range(1, 9)) * 200), [],
     "skipped ctl.md: binary (decodes as utf-8 but 1,600 characters are control codes)"),
    ("shift-jis", lambda c: (c / "jp.txt").write_bytes("日本語のテキストです。これはテストです。".encode("shift_jis")), [],
     "skipped jp.txt: undecodable (no encoding decodes it with confidence; tried UTF-8, GB18030, Big5, "
     "UTF-16 and UTF-32; name it with [corpus] encoding)"),
    ("wrong-named-encoding", lambda c: (c / "gbk.txt").write_bytes("具身智能".encode("gbk")), ["--encoding", "utf-8"],
     'skipped gbk.txt: undecodable (not valid utf-8 at byte 0; set [corpus] encoding = "auto" or the right codec)'),
    ("10-MB-single-line", lambda c: (c / "huge.txt").write_bytes(b"x" * 10_000_000), [],
     "skipped huge.txt: oversized (a single line of 10,000,000 characters is longer than the limit of "
     "1,000,000 ([corpus] max_line_chars))"),
    ("file-over-size-limit", lambda c: (c / "big.txt").write_text("数据要素。\n" * 200_000, encoding="utf-8"),
     ["--config", "limit.toml"],
     "skipped big.txt: oversized (3.2 MB is more than the limit of 1 MB ([corpus] max_file_mb))"),
    ("unsupported-type", lambda c: (c / "slides.pptx").write_bytes(b"PK\x03\x04"), [],
     "skipped slides.pptx: unsupported (.pptx is not a .txt, .md, .pdf, .docx or .html file)"),
    ("old-word-file", lambda c: (c / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100)), [],
     "skipped old.doc: unsupported (.doc is the old Word format; save it as .docx)"),
    ("scanned-pdf", lambda c: docfixtures.write_scanned_pdf(c / "scan.pdf", XINHUA[:2500]), [],
     "skipped scan.pdf: no-text-layer (no text layer on its 2 pages, only images of text; run OCR first)"),
    ("encrypted-pdf", lambda c: docfixtures.write_pdf(c / "locked.pdf", [("paragraph", XINHUA[:800])],
                                                      encrypt=("owner", "secret")), [],
     "skipped locked.pdf: encrypted (needs a password to open; save a copy without the password and use that)"),
    ("damaged-pdf", lambda c: (c / "report.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 300), [],
     "skipped report.pdf: damaged (not a readable PDF: PDFium reports data format error)"),
    ("corrupt-docx", lambda c: docfixtures.write_corrupt_docx(
        c / "broken.docx", docfixtures.write_docx(c.parent / "whole.docx", [("paragraph", XINHUA[:800])],
                                                  header="新华社")), [],
     "skipped broken.docx: damaged (not a readable Word document: its ZIP container is cut off or corrupt; "
     "open and save it again in Word or WPS)"),
    ("html-without-article", lambda c: docfixtures.write_html_without_article(c / "channel.html"), [],
     "skipped channel.html: no-article (no article found: nothing is left beyond navigation, link lists and "
     "footers but lines too short for prose (a sentence of 15 characters, or 80 characters); save the article's "
     "own page, or a short text as .txt)"),
]


@pytest.mark.parametrize("case, make, extra, warning", SKIPS, ids=[s[0] for s in SKIPS])
def test_bad_file_is_skipped_with_a_warning_and_the_rest_is_analysed(case, make, extra, warning, tmp_path,
                                                                       monkeypatch, caplog, capsys):
    corpus = _good_folder(tmp_path)
    make(corpus)
    (tmp_path / "limit.toml").write_text("[corpus]\nmax_file_mb = 1\n", encoding="utf-8")
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING):
        rc, _ = _cli(monkeypatch, tmp_path, "keywords", "--corpus", str(corpus), "--out", str(out), *extra)
    assert rc == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [warning]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    name, rest = warning.removeprefix("skipped ").split(": ", 1)
    reason, detail = rest.split(" (", 1)
    assert manifest["corpus"]["skipped"] == [{"name": name, "status": "skipped", "reason": reason,
                                              "detail": detail[:-1]}]
    assert list(pd.read_csv(out / "documents.csv")["doc_id"]) == ["a", "b"]
    assert set(pd.read_csv(out / "keywords.csv")["doc_id"]) == {"a", "b"}


def test_summary_at_the_end_lists_the_skipped_inputs(tmp_path, monkeypatch, capsys):
    corpus = _good_folder(tmp_path)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")
    monkeypatch.chdir(tmp_path)
    assert main(["keywords", "--corpus", str(corpus), "--out", str(tmp_path / "o"), "--no-images"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[-3:] == [
        "skipped 2 input(s), used 2 document(s) from 2 input(s) (listed under corpus.skipped in manifest.json):",
        "  empty.txt: empty (the file has 0 bytes)",
        "  notes.pdf: damaged (not a readable PDF: PDFium reports data format error)"]


def test_file_not_listed_in_metadata_is_reported(tmp_path, caplog):
    corpus = _good_folder(tmp_path)
    (corpus / "metadata.csv").write_text("id,file,date\nA,a.txt,2025\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        result = read_corpus(corpus)
    assert result.ids == ("A",)
    assert [(r.name, r.reason, r.detail) for r in result.skipped] == [
        ("b.txt", "unlisted", "not listed in metadata.csv; add a row for it to include it")]


def test_document_with_nothing_left_after_cleaning_is_named(caplog):
    import textmine as tm

    corpus = tm.Corpus((tm.Document("a", GOOD_A), tm.Document("photo", "图为2025世界人形机器人运动会现场")))
    with caplog.at_level(logging.WARNING):
        prepared = tm.prepare(tm.Config(), corpus)
    assert {u.doc_id for u in prepared.units} == {"a"}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "document photo has no text left after cleaning (18 characters, all captions, source lines, front matter "
        "or shorter than [clean] min_unit_chars); it counts as empty"]


def test_table_rows_with_empty_text_or_bad_json_are_skipped(tmp_path):
    table = tmp_path / "t.jsonl"
    table.write_text(json.dumps({"id": "a", "text": GOOD_A}, ensure_ascii=False) + "\n{broken\n"
                     + json.dumps({"id": "b", "text": "  "}) + "\n[1, 2]\n", encoding="utf-8")
    corpus = read_corpus(table, id_col="id")
    assert corpus.ids == ("a",)
    assert [(r.name, r.reason, r.detail) for r in corpus.skipped] == [
        ("t.jsonl line 2", "invalid", "not valid JSON (Expecting property name enclosed in double quotes, column 2)"),
        ("t.jsonl line 4", "invalid", "not a JSON object"),
        ("t.jsonl line 3 (id b)", "empty", "only white space"),
    ]


ERRORS = [
    ("strict-mode", lambda r, c: (c / "empty.txt").write_bytes(b""), ["--strict"],
     "strict mode: 1 input(s) of '{c}' cannot be used (empty.txt: empty); fix or remove them, or run without "
     "--strict"),
    ("nothing-usable", lambda r, c: [(c / n).write_bytes(b"") for n in ("a.txt", "b.txt")], [],
     "no usable documents in '{c}': all 2 inputs were skipped (a.txt: empty; b.txt: empty)"),
    ("unknown-config-key", lambda r, c: (r / "x.toml").write_text("[topics]\nnum_topics = 8\n"), ["--config", "x.toml"],
     "x.toml: unknown key [topics] 'num_topics'; did you mean 'k'?"),
    ("misspelt-config-key", lambda r, c: (r / "x.toml").write_text("[topics]\niteration = 8\n"), ["--config", "x.toml"],
     "x.toml: unknown key [topics] 'iteration'; did you mean 'iterations' or 'specificity_iterations'?"),
    ("unknown-config-section", lambda r, c: (r / "x.toml").write_text("[topic]\nk = 8\n"), ["--config", "x.toml"],
     "x.toml: unknown section [topic]; did you mean 'topics'?"),
    ("far-unknown-config-key", lambda r, c: (r / "x.toml").write_text("[topics]\nzzz = 8\n"), ["--config", "x.toml"],
     "x.toml: unknown key [topics] 'zzz'; known keys: engine, k, iterations, fit_on, min_unit_tokens, top_n, workers, k_range, stability_runs, stability_threshold, heldout_fraction, relevance_lambda, examples, term_weight, min_term_count, drop_top, alpha, optimize_alpha, eta, specificity, specificity_iterations"),
    ("wrong-type", lambda r, c: (r / "x.toml").write_text('[keywords]\ntop_n = "ten"\n'), ["--config", "x.toml"],
     "x.toml: [keywords] top_n = 'ten' must be of type int"),
    ("out-of-range", lambda r, c: None, ["--top", "0"],
     "option: [keywords] top_n = 0 is out of range; it must be at least 1"),
    ("negative-limit", lambda r, c: (r / "x.toml").write_text("[corpus]\nmax_line_chars = -5\n"),
     ["--config", "x.toml"], "x.toml: [corpus] max_line_chars = -5 is out of range; it must be at least 1"),
    ("bad-toml", lambda r, c: (r / "x.toml").write_text("[topics\nk = 3\n"), ["--config", "x.toml"],
     "x.toml: not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 8)"),
    ("unknown-encoding", lambda r, c: None, ["--encoding", "klingon"],
     "[corpus] encoding = 'klingon' is not a known encoding; use \"auto\" or a codec name such as utf-8, "
     "gb18030, big5, utf-16"),
    ("missing-corpus", lambda r, c: None, ["--corpus", "nowhere"],
     "corpus 'nowhere' does not exist; give a folder of .txt, .md, .pdf, .docx or .html files or a "
     ".csv/.tsv/.jsonl/.xlsx table with --corpus"),
    ("metadata-names-missing-file", lambda r, c: (c / "metadata.csv").write_text("id,file\nz,z.txt\n"), [],
     "{c}/metadata.csv line 2: file 'z.txt' is not in '{c}'"),
    ("duplicate-id-in-metadata",
     lambda r, c: (c / "metadata.csv").write_text("id,file\nx,a.txt\nx,b.txt\n"), [],
     "{c}/metadata.csv line 3: duplicate document id 'x' (first at line 2); ids in column 'id' must be unique"),
    ("bad-date-in-table", lambda r, c: _table(r, "t.csv", [{"id": "a", "text": GOOD_A, "year": "2021"},
                                                           {"id": "b", "text": GOOD_B, "year": "二〇二一"}]),
     ["--corpus", "t.csv", "--id-col", "id", "--date-col", "year"],
     "t.csv row 2, column 'year': '二〇二一' is not a date; write it as 2017, 2017-05 or 2017-05-04 (also 2017/5/4, "
     "2017.05, 2017年, 2017年5月, 2017年5月4日, 二〇一七年五月四日)"),
    ("duplicate-id-in-table", lambda r, c: _table(r, "t.csv", [{"id": "a", "text": GOOD_A},
                                                               {"id": "a", "text": GOOD_B}]),
     ["--corpus", "t.csv", "--id-col", "id"],
     "t.csv row 2: duplicate document id 'a' (first at row 1); ids in column 'id' must be unique"),
    ("missing-text-column", lambda r, c: _table(r, "t.csv", [{"id": "a", "content": GOOD_A}]),
     ["--corpus", "t.csv"], "'t.csv' has no text column 'text' (use --text-col; columns found: id, content)"),
    ("missing-sheet", lambda r, c: _table(r, "t.xlsx", [{"id": "a", "text": GOOD_A}]),
     ["--corpus", "t.xlsx", "--config", "sheet.toml"],
     "'t.xlsx' has no sheet 'Sheet2'; did you mean 'Sheet1'? (use --sheet or [corpus] sheet; sheets: Sheet1)"),
    ("damaged-workbook", lambda r, c: (r / "t.xlsx").write_bytes(b"PK\x03\x04" + bytes(64)), ["--corpus", "t.xlsx"],
     "table 't.xlsx' cannot be used: not a readable .xlsx workbook (File is not a zip file); open and save it "
     "again in Excel or WPS"),
    ("foreign-output-folder", lambda r, c: (r / "mine").mkdir() or (r / "mine" / "thesis.docx").write_bytes(b"1"),
     ["--out", "mine"],
     "output folder 'mine' holds files textmine did not write (thesis.docx) and no manifest.json; choose a "
     "new or empty folder with --out or [output] dir"),
]


@pytest.mark.parametrize("case, make, extra, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_is_one_line_exit_2_and_previous_outputs_stay(case, make, extra, message, tmp_path,
                                                                 monkeypatch, capsys):
    corpus = _good_folder(tmp_path)
    make(tmp_path, corpus)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}\n", encoding="utf-8")
    (out / "keywords.csv").write_text("doc_id,term,score,rank\nold,旧,1,1\n", encoding="utf-8")
    before = _snapshot(out)
    args = ["keywords", "--corpus", str(corpus), "--out", str(out), *extra]
    rc, _ = _cli(monkeypatch, tmp_path, *args)
    err = capsys.readouterr().err
    assert rc == 2
    assert err == f"textmine: error: {message.format(c=corpus, r=tmp_path.resolve())}\n"
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if ".textmine-new" in p.name]


def test_argument_of_the_wrong_type_is_refused_by_the_parser(tmp_path, monkeypatch, capsys):
    rc, _ = _cli(monkeypatch, tmp_path, "keywords", "--top", "many")
    assert rc == 2
    assert capsys.readouterr().err.splitlines()[-1] == "textmine keywords: error: argument --top: invalid int value: 'many'"


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match="does not exist"):
        main(["keywords", "--corpus", "nowhere", "--debug"])


# -- outputs -------------------------------------------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _consistent(folder: Path) -> dict:
    """The manifest of ``folder``; every output it lists exists with the hash it records."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    return manifest


def test_output_names_cannot_leave_the_output_folder(tmp_path):
    writer = OutputWriter(tmp_path / "out")
    try:
        for name in ("../escape.csv", "/etc/passwd", "wordclouds/../../x.png"):
            with pytest.raises(Exception, match="would leave the output folder"):
                writer.write_bytes(name, b"x")
        writer.write_bytes("wordclouds/a.png", b"x")
    finally:
        writer.discard()
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "x.png").exists()


def test_concurrent_publishers_each_leave_a_complete_set(tmp_path):
    out = tmp_path / "out"
    errors = []

    def publish(n: int) -> None:
        try:
            writer = OutputWriter(out)
            for name in ("a.csv", "b.csv", "sub/c.csv"):
                writer.write_bytes(name, f"{name},{n}\n".encode() * 2000)
            writer.commit({"run": n})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    manifest = _consistent(out)
    n = manifest["run"]
    for name in ("a.csv", "b.csv", "sub/c.csv"):
        assert (out / name).read_text().startswith(f"{name},{n}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.textmine-lock", "out"]


def test_earlier_files_the_run_did_not_write_are_kept(tmp_path):
    out = tmp_path / "out"
    first = OutputWriter(out)
    first.write_bytes("topics.csv", b"t\n")
    first.commit({"run": 1})
    (out / "my-notes.md").write_text("keep me", encoding="utf-8")
    second = OutputWriter(out)
    second.write_bytes("keywords.csv", b"k\n")
    second.commit({"run": 2})
    assert sorted(_snapshot(out)) == ["keywords.csv", "manifest.json", "my-notes.md", "topics.csv"]
    # the manifest lists every file textmine wrote there (your notes are yours, not listed)
    assert _consistent(out)["outputs"] == {"keywords.csv": hashlib.sha256(b"k\n").hexdigest(),
                                           "topics.csv": hashlib.sha256(b"t\n").hexdigest()}


def test_interrupted_fallback_swap_is_restored_by_the_next_run(tmp_path):
    # Without renameat2 the old folder is moved aside before the new one moves in; a run killed
    # between the two renames leaves the old folder aside, and the next run puts it back.
    out = tmp_path / "out"
    first = OutputWriter(out)
    first.write_bytes("keywords.csv", b"old\n")
    first.commit({"run": 1})
    before = _snapshot(out)
    aside = tmp_path / ".out.textmine-old-999999-abcd"
    os.rename(out, aside)
    with atomic.output_lock(out):
        atomic.recover_output_folder(out)
    assert _snapshot(out) == before and not aside.exists()


# -- CSV safety ------------------------------------------------------------------------------------------

def test_formula_cells_are_guarded_and_quotes_and_newlines_survive(tmp_path):
    cells = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 10 1234", "-1", "@SUM(A1)", "\t=1", "'=already", "''+2",
             'say "hi"', "两行\n文字", "a,b", "普通文本", "'plain"]
    frame = pd.DataFrame({"text": cells, "score": [-1.5] * len(cells)})
    data = table_to_csv(frame)
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    import csv

    rows = list(csv.reader(data.decode("utf-8").splitlines(keepends=True)))[1:]
    raw = [r[0] for r in rows]
    assert raw[:7] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+86 10 1234", "'-1", "'@SUM(A1)", "'\t=1",
                       "''=already", "'''+2"]
    assert raw[7:] == cells[7:]
    assert not any(cell[0] in "=+-@\t\r" for cell in raw)
    assert [r[1] for r in rows] == ["-1.5"] * len(cells)
    back = read_output_csv(path)
    assert list(back["text"]) == cells and list(back["score"]) == [-1.5] * len(cells)
    assert all(restore_text(guard_text(c)) == c for c in cells)


def test_a_column_is_guarded_as_its_cells_are():
    from textmine.io.csvsafe import guard_column, guard_str

    cells = ["普通文本", "=1+1", "", "'plain", "''+2", "-1", "a,b"]
    assert guard_column(cells) == list(map(guard_str, cells)) == ["普通文本", "'=1+1", "", "'plain", "'''+2", "'-1",
                                                                   "a,b"]
    safe = ["普通文本", "", "a,b", "x=1"]
    assert guard_column(safe) is safe


def test_hostile_corpus_text_reaches_units_csv_guarded(tmp_path, monkeypatch):
    corpus = _good_folder(tmp_path)
    (corpus / "evil.txt").write_text('=cmd|" /C calc"!A0\n\n@SUM(1+1)*cmd\n\n正文，"引号"和\r\n换行。', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["segment", "--corpus", str(corpus), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    units = read_output_csv(tmp_path / "o" / "units.csv")
    evil = units[units["doc_id"] == "evil"]
    assert list(evil["text"]) == ['=cmd|" /C calc"!A0', "@SUM(1+1)*cmd", '正文，"引号"和换行。']
    raw = (tmp_path / "o" / "units.csv").read_text(encoding="utf-8")
    assert "\n" + "evil:0001,evil,paragraph,0,18,\"'=cmd|\"\" /C calc\"\"!A0\",\n" in raw   # page: empty


# -- a real run, killed -----------------------------------------------------------------------------------

PAUSE = """
import sys, time
import textmine.io.atomic as atomic
point = sys.argv[1]
def pause(*args):
    print("PAUSED", flush=True)
    time.sleep(120)
if point == "before-swap":
    atomic._exchange = lambda a, b: pause()
from textmine.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
def test_killed_runs_leave_the_previous_outputs_intact_and_concurrent_runs_do_not_mix(tmp_path):
    corpus = _good_folder(tmp_path)
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    args = ["keywords", "--corpus", str(corpus), "--out", str(out), "--no-images"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    first = subprocess.run([sys.executable, "-m", "textmine.cli", *args], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "textmine: WARNING: skipped empty.txt: empty (the file has 0 bytes)" in first.stderr.splitlines()
    before = _snapshot(out)
    _consistent(out)

    # SIGKILL at start-up, after segmenting, and as writing begins (read from the run's own progress lines)
    for marker in (None, "  segment ", "  keywords "):
        proc = subprocess.Popen([sys.executable, "-m", "textmine.cli", *args, "--top", "3"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if marker is None:
            time.sleep(0.2)
        else:
            for line in proc.stderr:
                if line.startswith(marker):
                    break
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL, f"the run ended before it could be killed at {marker!r}"
        proc.stderr.close()
        assert _snapshot(out) == before

    # SIGKILL with the new outputs complete, just before the swap: nothing changes
    proc = subprocess.Popen([sys.executable, "-c", PAUSE, "before-swap", *args, "--top", "3"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().strip() == "PAUSED"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert _snapshot(out) == before
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".out.textmine-new-")]

    # two runs at once into the same folder clean up after the killed runs; the survivor is one whole set
    procs = [subprocess.Popen([sys.executable, "-m", "textmine.cli", *args, "--top", str(top), "--quiet"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for top in (3, 4)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    for proc in procs:
        proc.stderr.close()
    manifest = _consistent(out)
    top = manifest["config"]["keywords"]["top_n"]
    keywords = pd.read_csv(out / "keywords.csv")
    assert top in (3, 4) and keywords.groupby("doc_id")["rank"].max().to_dict() == {"a": top, "b": top}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.textmine-lock", ".textmine-cache", "c", "out"]
