"""New-term discovery, measured: recall of the field's terms, fragments, and speed on 62,774 reviews.

Run from the repository root: ``python benchmarks/bench_discover.py``. Writes
``benchmarks/results/discover.md``.

1. Bundled corpus, ``--lexicon none`` (only jieba's dictionary is known): of the gold terms
   (tests/data/discover_gold_ai.txt) that occur at least 3 times in the cleaned text and that plain
   jieba cuts apart, how many are in the top 200 candidates; and how many of the top 100 are
   fragments (a proper piece of a gold term that is not itself gold, or a candidate beginning or
   ending with a function character).
2. Online-shopping reviews (../shared/data/online_shopping_10_cats.zip), one core: wall time of
   the whole discovery (cleaning, segmentation, counting, scoring) and the top 30 candidates.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "discover_gold_ai.txt"
SHOPPING = REPO.parent / "shared" / "data" / "online_shopping_10_cats.zip"
RESULTS = REPO / "benchmarks" / "results" / "discover.md"
NOTES_MARKER = "<!-- reading by hand: kept when the benchmark is rerun -->"
FUNCTION_CHARS = set("的了着和与及或在是为于以对把被将从向由等也都而并")


def read_gold() -> list[str]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def eligible_gold(units, gold: list[str]) -> dict[str, int]:
    """Gold terms occurring >= 3 times in the cleaned text that plain jieba cuts apart."""
    import jieba

    plain = jieba.Tokenizer()
    text = "\n".join(u.norm for u in units)
    counts = {term: text.count(term) for term in gold}
    return {t: n for t, n in counts.items() if n >= 3 and len(plain.lcut(t)) > 1}


def is_fragment(term: str, gold: list[str], text: str) -> bool:
    """A piece of a gold term (at least 80 % of its occurrences inside it), or a dangling function character."""
    if term[0] in FUNCTION_CHARS or term[-1] in FUNCTION_CHARS:
        return True
    if term in gold:
        return False
    total = text.count(term)
    return any(term in g and g != term and text.count(g) * g.count(term) >= 0.8 * total for g in gold)


def _second_list(units, ranks: dict[str, int]) -> list[str]:
    """The same recall on a list made before discovery existed: the bundled domain lexicon."""
    from textmine.lexicon import read_domain_lexicon

    rows, _ = read_domain_lexicon()
    eligible = eligible_gold(units, [r["term"] for r in rows])
    found = [t for t in eligible if t in ranks]
    return [f"- the same on a second list, the bundled domain lexicon's terms ({len(eligible)} eligible): "
            f"{len(found)}/{len(eligible)} = {len(found) / len(eligible):.0%} in the top 200; missed: "
            + ", ".join(f"{t} ({n}×)" for t, n in eligible.items() if t not in ranks)]


def bench_bundled(lines: list[str]) -> None:
    from textmine.discover import discover

    import textmine as tm
    from textmine.units import split_units

    config = tm.Config().replace(corpus={"path": str(REPO / "corpus")})
    started = time.perf_counter()
    table = discover(config, lexicon="none", top_n=200)
    seconds = time.perf_counter() - started
    units = split_units(tm.read_corpus(REPO / "corpus"), config.clean).units
    gold = read_gold()
    eligible = eligible_gold(units, gold)
    ranks = {t: i + 1 for i, t in enumerate(table.term)}
    found = [t for t in eligible if t in ranks]
    missed = [t for t in eligible if t not in ranks]
    top100 = list(table.term[:100])
    text = "\n".join(u.norm for u in units)
    fragments = [t for t in top100 if is_fragment(t, gold, text)]
    lines += [
        "## 1. Bundled corpus, `textmine discover --lexicon none`", "",
        f"- gold list: `tests/data/discover_gold_ai.txt`, {len(gold)} terms; {len(eligible)} occur at least "
        "3 times in the cleaned text and are cut apart by plain jieba",
        f"- **recall in the top 200: {len(found)}/{len(eligible)} = {len(found) / len(eligible):.0%}** "
        "(required: at least 75 %)",
        f"- missed: {', '.join(f'{t} ({eligible[t]}×)' for t in missed) or 'none'}",
        "- ranks of the gold terms: " + ", ".join(f"{t} {ranks[t]}" for t in sorted(found, key=ranks.get)),
        f"- **fragments in the top 100: {len(fragments)} = {len(fragments)}%** (required: at most 15 %): "
        f"{', '.join(fragments) or 'none'}",
        f"- time: {seconds:.1f} s",
        *_second_list(units, ranks),
        "",
        "Top 100 candidates (term, freq):", "",
        ", ".join(f"{r.term} {r.freq}" for r in table.head(100).itertuples()), "",
    ]


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_shopping(lines: list[str]) -> None:
    import pandas as pd
    from textmine.discover import discover

    import textmine as tm
    from textmine.data import Corpus, Document

    if not SHOPPING.exists():
        lines += ["## 2. Online-shopping reviews", "", f"skipped: {SHOPPING.name} is not present", ""]
        return
    with zipfile.ZipFile(SHOPPING) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            frame = pd.read_csv(handle)
    started, cpu = time.perf_counter(), time.process_time()
    corpus = Corpus(tuple(Document(str(i), str(text)) for i, text in enumerate(frame["review"].fillna(""))),
                    "online_shopping_10_cats")
    table = discover(tm.Config(), corpus=corpus, lexicon="default", top_n=200)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    chars = int(frame["review"].fillna("").astype(str).str.len().sum())
    lines += [
        "## 2. Online-shopping reviews (`../shared/data/online_shopping_10_cats.zip`)", "",
        f"- {len(frame):,} reviews, {chars:,} characters; default lexicon; pinned to one core",
        f"- **CPU time: {cpu:.1f} s on one core; wall time {seconds:.1f} s** (required: under 60 s) — cleaning, "
        f"segmentation, counting, scoring; the wall time includes waiting for the core while other jobs ran "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)",
        f"- peak memory of the benchmark process (both parts): {_peak_mb():.0f} MB",
        "", "Top 30 candidates:", "",
        "| rank | term | freq | signals | example |", "|---|---|---|---|---|",
    ]
    for rank, row in enumerate(table.head(30).itertuples(), start=1):
        example = row.example.replace("|", "/")
        lines.append(f"| {rank} | {row.term} | {row.freq} | {row.signals} | {example} |")
    lines.append("")


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    lines = [
        "# New-term discovery benchmark", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_discover.py` on "
        f"{platform.machine()} Linux, {os.cpu_count()} cores (one used), Python {platform.python_version()}. "
        "Other jobs ran on the machine at the same time, so times are pessimistic.", "",
    ]
    bench_bundled(lines)
    bench_shopping(lines)
    # a hand-written reading of the lists, kept below the marker across runs
    notes = ""
    if RESULTS.exists() and NOTES_MARKER in RESULTS.read_text(encoding="utf-8"):
        notes = RESULTS.read_text(encoding="utf-8").split(NOTES_MARKER, 1)[1]
    RESULTS.write_text("\n".join(lines) + "\n" + NOTES_MARKER + notes, encoding="utf-8")
    sys.stdout.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
