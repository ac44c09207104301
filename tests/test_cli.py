"""The command line: help that teaches, one-line errors, no tracebacks."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, textmine


def test_help_lists_commands_and_examples():
    result = textmine("--help")
    assert result.returncode == 0
    for command in ("run", "segment", "keywords", "topics", "trends", "config"):
        assert command in result.stdout
    run_help = textmine("run", "--help").stdout
    assert "examples:" in run_help and "--text-col" in run_help and "manifest.json" in run_help


def test_segment_text_prints_tokens():
    result = textmine("segment", "--text", "具身智能和智能体推动大模型落地")
    assert result.returncode == 0
    assert result.stdout.strip() == "具身智能 / 和 / 智能体 / 推动 / 大模型 / 落地"


def test_segment_command_pauses_the_collector_only_while_its_units_live(tmp_path):
    """``textmine segment`` runs with the cyclic collector paused and turns it back on before it returns; it
    imports no scipy (the matrices it does not build), which costs every such command 0.1 s."""
    import subprocess
    import sys

    from conftest import REPO

    out = tmp_path / "seg"
    code = ("import gc, sys; from textmine.cli import main; "
            f"status = main(['segment', '--corpus', {str(CORPUS)!r}, '--out', {str(out)!r}, '--no-cache', '--quiet']); "
            "print(status, gc.isenabled(), 'scipy.sparse' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.stdout.split() == ["0", "True", "False"], result.stderr
    assert (out / "tokens.csv").stat().st_size > 100_000


def test_the_command_ends_its_process_with_every_file_and_message_out(tmp_path):
    """As a process of its own, ``textmine segment`` ends without freeing the corpus's objects one by one
    (``end_process``): every file it lists is there with its digest, and what it printed reached the pipes."""
    import hashlib
    import os
    import subprocess
    import sys

    out = tmp_path / "seg"
    result = textmine("segment", "--corpus", str(CORPUS), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr and "see manifest.json" in result.stderr.splitlines()[-1]
    outputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert set(outputs) == {"documents.csv", "units.csv", "tokens.csv"}
    for name, digest in outputs.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    failed = textmine("segment", "--corpus", str(tmp_path / "none"), "--out", str(out), cwd=tmp_path)
    assert failed.returncode == 2 and failed.stderr.startswith("textmine: error: ")
    # standard output into a pipe is buffered (unless PYTHONUNBUFFERED is set): it is flushed before the end
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    printed = subprocess.run([sys.executable, "-m", "textmine.cli", "segment", "--text", "具身智能和智能体"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and printed.stdout == "具身智能 / 和 / 智能体\n", printed.stderr
    # what a library (or a notebook's plugin) registered with atexit runs, as at a normal exit
    mark = tmp_path / "exit-handler-ran"
    code = ("import atexit, sys; from pathlib import Path; from textmine.cli import console; "
            "mark = Path(sys.argv.pop()); atexit.register(lambda: mark.write_text('ran')); "
            "sys.argv[1:] = ['segment', '--text', '算电协同']; console()")
    handled = subprocess.run([sys.executable, "-c", code, str(mark)], cwd=tmp_path, capture_output=True, text=True,
                             timeout=120)
    assert handled.returncode == 0 and handled.stdout == "算电协同\n", handled.stderr
    assert mark.read_text() == "ran"


@pytest.mark.parametrize("args, message", [
    (["run", "--corpus", "no/such/folder"], "corpus 'no/such/folder' does not exist"),
    (["run", "--config", "missing.toml"], "config file 'missing.toml' does not exist"),
    (["run", "--corpus", str(CORPUS), "--k", "0"], "[topics] k = 0 is out of range; it must be at least 1"),
    (["topics", "--corpus", str(CORPUS), "--engine", "lda9"], "[topics] engine = 'lda9' is not allowed"),
])
def test_errors_are_one_line_with_exit_code_2(args, message, tmp_path):
    result = textmine(*args, "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("textmine: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_config_key_is_named(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[topics]\nk = 5\nnum_topics = 8\n', encoding="utf-8")
    result = textmine("run", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key [topics] 'num_topics'" in result.stderr


def test_a_corpus_of_one_unreadable_file_stops_with_one_line(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes("智能体".encode("gbk") + b"\xff\xfe\x00")
    result = textmine("run", "--corpus", str(corpus), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    error = [line for line in result.stderr.splitlines() if line.startswith("textmine: error: ")]
    assert error == [f"textmine: error: no usable documents in {str(corpus)!r}: all 1 inputs were skipped "
                     "(a.txt: binary)"]
    assert "Traceback" not in result.stderr and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["keyness", "kwic", "network", "trends"])
def test_new_commands_have_help_with_examples(command, capsys):
    from textmine.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = capsys.readouterr().out
    assert "examples:" in help_text and "--corpus" in help_text and "--out" in help_text and "writes" in help_text


@pytest.mark.parametrize("args, message", [
    (["runn"], "invalid choice: 'runn'; did you mean 'run'?"),
    (["run", "--corpsu", "x"], "unrecognized arguments: --corpsu x; did you mean '--corpus'?"),
    (["kwic", "算力", "--widht", "3"], "unrecognized arguments: --widht 3; did you mean '--width'?"),
])
def test_a_misspelled_command_or_option_gets_a_suggestion(args, message, tmp_path):
    result = textmine(*args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr


def test_without_a_config_the_error_says_which_config_was_looked_for(tmp_path):
    result = textmine("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "textmine: error: corpus 'corpus' does not exist; give a folder of .txt, .md, .pdf, .docx or .html files "
        f"or a .csv/.tsv/.jsonl/.xlsx table with --corpus (no ./textmine.toml in {str(tmp_path)!r}, so the built-in "
        "defaults were used; 'textmine init --corpus PATH' writes one)"]


def test_init_writes_a_config_the_run_then_uses(tmp_path):
    from conftest import shared_file

    table = shared_file("cpc_congress_reports.jsonl")
    result = textmine("init", "--corpus", str(table), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import textmine as tm

    config = tm.load_config(tmp_path / "textmine.toml")
    assert (config.corpus.text_col, config.corpus.id_col, config.corpus.date_col) == ("content", "id", "year")
    assert textmine("init", "--corpus", str(table), cwd=tmp_path).returncode == 2   # never overwritten
    run = textmine("trends", "--themes", "社会主义", "--quiet", "--no-images", cwd=tmp_path)
    assert run.returncode == 0, run.stderr and (tmp_path / "outputs" / "trends.csv").is_file()
