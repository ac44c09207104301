"""Segmentation accuracy on general text: the SIGHAN 2005 bakeoff (MSR part), textmine beside plain jieba.

Run from the repository root: ``python benchmarks/bench_segment.py``. Writes
``benchmarks/results/segment.md``. Needs ``../shared/data/sighan2005_msr/`` (``msr_test.utf8``,
``msr_test_gold.utf8``, ``msr_training_words.utf8``).

Scoring is the standard span-based one of the bakeoff's scorer: a word of the output counts as
correct when its start and end offsets (in characters, white space ignored) both match a word of the
gold. Precision = correct / output words, recall = correct / gold words, F1 their harmonic mean.
OOV recall is the recall of the gold words that are not in the training word list (as the official
scorer reports it); IV recall that of the others.

Punctuation: the gold lists every punctuation mark as a word, and the official scorer counts them.
The main table does the same: textmine is scored on its full token stream
(:meth:`~textmine.segment.JiebaSegmenter.tokenize`, punctuation included; textmine drops punctuation
only later, when it keeps word tokens), jieba on ``jieba.lcut``. A second table scores words only:
tokens without a letter, digit or Han character (:func:`textmine.segment.is_word` is false) are left
out of both the gold and the output.

Input: textmine segments each line as its pipeline does, after folding for counting (full-width
letters and digits to ASCII, Traditional to Simplified; one character for one, so offsets are those of
the line). Plain jieba is run on the same folded lines, and also on the lines as they are (the gold's
full-width digits and letters), which is how ``jieba.lcut`` would see them without textmine.

Lines whose gold words do not spell the test line (16 of 3,985: a quotation mark of the next line is
attached to the gold of this one) are left out and counted.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parents[1]
BAKEOFF = REPO.parent / "shared" / "data" / "sighan2005_msr"
RESULTS = REPO / "benchmarks" / "results" / "segment.md"
SUBSET = 500  # lines of the fast test in tests/test_segment.py
TEXTMINE = "textmine, rjieba backend (default config)"
JIEBA = "jieba.lcut, HMM on (folded lines)"


@dataclass(frozen=True)
class BakeoffLine:
    text: str                 # the test line as given
    gold: tuple[str, ...]     # its gold words


@dataclass(frozen=True)
class Scores:
    gold: int
    output: int
    correct: int
    oov_gold: int
    oov_correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.output if self.output else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def oov_recall(self) -> float:
        return self.oov_correct / self.oov_gold if self.oov_gold else 0.0

    @property
    def iv_recall(self) -> float:
        iv_gold = self.gold - self.oov_gold
        return (self.correct - self.oov_correct) / iv_gold if iv_gold else 0.0


def read_bakeoff(folder: Path = BAKEOFF) -> tuple[list[BakeoffLine], int, frozenset[str]]:
    """The test lines with their gold words (lines whose gold does not spell them left out), how many were
    left out, and the training word list."""
    texts = folder.joinpath("msr_test.utf8").read_text(encoding="utf-8").splitlines()
    golds = folder.joinpath("msr_test_gold.utf8").read_text(encoding="utf-8").splitlines()
    if len(texts) != len(golds):
        raise SystemExit(f"{folder}: {len(texts)} test lines but {len(golds)} gold lines")
    lines, skipped = [], 0
    for text, gold in zip(texts, golds):
        words = tuple(gold.split())
        if "".join(words) != "".join(text.split()):
            skipped += 1
            continue
        if words:
            lines.append(BakeoffLine(text, words))
    training = folder.joinpath("msr_training_words.utf8").read_text(encoding="utf-8").split()
    return lines, skipped, frozenset(training)


def spans(words: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of each word, offsets counted over the characters that are not white space."""
    out, position = [], 0
    for word in words:
        word = "".join(word.split())
        if word:
            out.append((position, position + len(word), word))
            position += len(word)
    return out


def score(lines: Sequence[BakeoffLine], outputs: Sequence[Sequence[str]], training: frozenset[str], *,
          words_only: bool = False) -> Scores:
    """Span-based P/R/F1 of ``outputs`` (tokens per line, in order) against the gold of ``lines``."""
    from textmine.segment import is_word

    gold_n = out_n = correct = oov_gold = oov_correct = 0
    for line, tokens in zip(lines, outputs, strict=True):
        gold = spans(line.gold)
        output = spans(tokens)
        if gold[-1][1] != (output[-1][1] if output else 0):
            raise ValueError(f"the output does not spell the line: {line.text!r} -> {list(tokens)!r}")
        if words_only:
            gold = [s for s in gold if is_word(s[2])]
            output = [s for s in output if is_word(s[2])]
        found = {(s, e) for s, e, _ in output}
        gold_n += len(gold)
        out_n += len(output)
        for start, end, word in gold:
            hit = (start, end) in found
            correct += hit
            if word not in training:
                oov_gold += 1
                oov_correct += hit
    return Scores(gold_n, out_n, correct, oov_gold, oov_correct)


def systems() -> list[tuple[str, Callable[[str], list[str]]]]:
    """The segmenters compared, each a function from a test line to its tokens."""
    import jieba

    import textmine as tm
    from textmine.normalize import SimplifiedFolder, fold_for_counting

    folder = SimplifiedFolder()

    def folded(line: str) -> str:
        return fold_for_counting(line, folder)

    def textmine_tokens(config: tm.Config):
        segmenter = tm.make_segmenter(config).initialize()
        return lambda line: [t for t, _ in segmenter.tokenize(folded(line))]

    default = tm.Config()
    plain = jieba.Tokenizer()  # jieba's own dictionary, as jieba.lcut uses it, in an instance of its own
    plain.initialize()
    return [
        (TEXTMINE, textmine_tokens(default.replace(segment={"backend": "rjieba"}))),
        ("textmine, jieba backend (default config)", textmine_tokens(default.replace(segment={"backend": "jieba"}))),
        ("textmine, rjieba, no domain lexicon",
         textmine_tokens(default.replace(segment={"backend": "rjieba", "domain_lexicon": False}))),
        ("jieba.lcut, HMM on (folded lines)", lambda line: plain.lcut(folded(line), HMM=True)),
        ("jieba.lcut, HMM off (folded lines)", lambda line: plain.lcut(folded(line), HMM=False)),
        ("jieba.lcut, HMM on (lines as given)", lambda line: plain.lcut(line, HMM=True)),
        ("jieba.lcut, HMM off (lines as given)", lambda line: plain.lcut(line, HMM=False)),
    ]


def table(title: str, rows: list[tuple[str, Scores]]) -> list[str]:
    out = [f"| {title} | precision | recall | F1 | OOV recall | IV recall | words out |",
           "|---|---|---|---|---|---|---|"]
    for name, s in rows:
        out.append(f"| {name} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {s.oov_recall:.4f} | "
                   f"{s.iv_recall:.4f} | {s.output:,} |")
    return out


def main() -> int:
    if not BAKEOFF.exists():
        print(f"skipped: {BAKEOFF} is not present", file=sys.stderr)
        return 0
    lines, skipped, training = read_bakeoff()
    outputs, seconds = {}, {}
    for name, cut in systems():
        started = time.perf_counter()
        outputs[name] = [cut(line.text) for line in lines]
        seconds[name] = time.perf_counter() - started
    report = [
        "# Segmentation accuracy on general text (SIGHAN 2005, MSR)", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_segment.py` on "
        f"{platform.machine()} Linux, Python {platform.python_version()}.", "",
        f"- {len(lines):,} test lines scored ({skipped} left out: their gold words do not spell the line); "
        f"{sum(len(line.gold) for line in lines):,} gold words",
        "- scoring: span-based, as the bakeoff's scorer: an output word is correct when its start and end "
        "offsets both match a gold word; OOV = gold words not in `msr_training_words.utf8`",
        "- textmine: the segmenter of the default config (`make_segmenter(Config())`: jieba's dictionary, the "
        "bundled domain lexicon protected, Latin names holding a letter protected, HMM on), on the line folded "
        "for counting as the pipeline does (full-width digits and letters to ASCII); its full token stream "
        "(`tokenize()`), punctuation included. `textmine run` and `textmine segment` also protect the terms of "
        "the themes in `[trends] themes` (by default 数据, 电力, 算力, 机器人, …); a row shows what that adds",
        "- plain jieba: `jieba.lcut` with jieba's own dictionary, on the same folded lines, and on the lines "
        "as given (full-width digits and letters, which jieba cuts one character at a time)", "",
    ]
    for title, words_only in (("Every token, punctuation included (as the official scorer)", False),
                              ("Words only (punctuation left out of gold and output)", True)):
        report += [f"## {title}", ""]
        for label, count in ((f"all {len(lines):,} lines", len(lines)), (f"first {SUBSET} lines", SUBSET)):
            rows = [(name, score(lines[:count], out[:count], training, words_only=words_only))
                    for name, out in outputs.items()]
            report += table(label, rows) + [""]
            scores = dict(rows)
            report += ["F1 of textmine minus F1 of `jieba.lcut` (HMM on, folded lines): " + "; ".join(
                f"{name.removeprefix('textmine, ')} {scores[name].f1 - scores[JIEBA].f1:+.5f}"
                for name in scores if name.startswith("textmine")), ""]
    reference = outputs[JIEBA]
    mine = outputs[TEXTMINE]
    differing = [i for i, (a, b) in enumerate(zip(mine, reference)) if a != b]
    report += [
        "## Where textmine and jieba differ", "",
        f"textmine (rjieba) and `jieba.lcut` (HMM on, folded lines) give different tokens on {len(differing)} of "
        f"{len(lines):,} lines. The first 15:", "",
    ]
    for i in differing[:15]:
        gold = " / ".join(lines[i].gold)
        report += [f"- gold: {gold}", f"  - textmine: {' / '.join(mine[i])}",
                   f"  - jieba: {' / '.join(reference[i])}"]
    report += ["", "Seconds per system (the whole test set, one process; noisy, the machine is shared): "
               + ", ".join(f"{name} {s:.1f}" for name, s in seconds.items()), ""]
    write_results(RESULTS, report)
    sys.stdout.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sys.exit(main())
