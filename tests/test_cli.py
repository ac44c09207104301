"""The command line: help that teaches, one-line errors, no tracebacks."""

from __future__ import annotations

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
