"""New-term discovery and the policy lexicon, measured: recall of gold terms, fragments, and speed.

Run from the repository root: ``python benchmarks/bench_discover.py``. Writes
``benchmarks/results/discover.md`` (``--out FILE`` writes elsewhere; ``--skip-shopping`` leaves out the
62,774 reviews).

1. Bundled corpus, ``--lexicon none`` (only jieba's dictionary is known), and 2. the 16 CPC congress reports
   (../shared/data/cpc_congress_reports.jsonl), ``--lexicon none``. For each gold list of the corpus — one
   used for tuning discovery, one held out (never used to choose anything) — the gold terms that occur at
   least 3 times in the cleaned text and that plain jieba cuts apart are eligible; recall is the share of
   them in the top 200 candidates (and, for the CPC series, in the top 1,000). Fragments in the top 100 by
   the benchmark's rule: a candidate beginning or ending with a function character, or a proper piece of
   a gold term of either list (at least 80 % of its occurrences inside it) that is not itself gold.
3. The policy lexicon on the CPC series: for each policy phrase, its occurrences in the cleaned text (plain
   substring count) and how many came out as one token with ``[segment] policy_lexicon`` off (the default)
   and on.
4. Online-shopping reviews (../shared/data/online_shopping_10_cats.zip), one core: wall and CPU time of
   the whole discovery (cleaning, segmentation, counting, scoring) and the top 30 candidates.

The gold lists say in their headers how they were made (tests/data/discover_gold_*.txt).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared" / "data"
SHOPPING = SHARED / "online_shopping_10_cats.zip"
CPC = SHARED / "cpc_congress_reports.jsonl"
RESULTS = REPO / "benchmarks" / "results" / "discover.md"
FUNCTION_CHARS = set("的了着和与及或在是为于以对把被将从向由等也都而并")
# policy phrases of government writing that jieba cuts apart, and similar ones
POLICY_PHRASES = ("高质量发展 一带一路 供给侧结构性改革 乡村振兴 新能源汽车 大数据 物联网 碳中和 全面深化改革 "
                  "中国式现代化 共同富裕 新质生产力 数字经济 低空经济 人类命运共同体 双碳 放管服 专精特新 "
                  "全过程人民民主 科学发展观 社会主义初级阶段 新发展理念 生态文明 粤港澳大湾区").split()


def read_gold(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def eligible_gold(text: str, gold: list[str]) -> dict[str, int]:
    """Gold terms occurring >= 3 times in the cleaned text that plain jieba cuts apart."""
    import jieba

    plain = jieba.Tokenizer()
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


def cpc_config():
    import textmine as tm

    return tm.Config().replace(corpus={"path": str(CPC), "text_col": "content", "id_col": "id", "date_col": "year"})


def bench_corpus(lines: list[str], title: str, config, lists: dict[str, str], *, deep: int = 0) -> dict:
    """Recall of each gold list in the top 200 (and ``deep``), fragments in the top 100, time, the top 100."""
    import textmine as tm
    from textmine.newterms import discover
    from textmine.preparation import load_corpus

    corpus = load_corpus(config)
    started, cpu = time.perf_counter(), time.process_time()
    table = discover(config, corpus=corpus, lexicon="none", top_n=max(200, deep))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    text = "\n".join(u.norm for u in tm.split_units(corpus, config.clean).units)
    ranks = {t: i + 1 for i, t in enumerate(table.term)}
    every_gold = [t for name in lists.values() for t in read_gold(name)]
    top100 = list(table.term[:100])
    fragments = [t for t in top100 if is_fragment(t, every_gold, text)]
    lines += [f"## {title}", "",
              f"- {len(corpus)} documents, {len(text):,} characters of cleaned text; "
              f"discovery took {seconds:.1f} s ({cpu:.1f} s CPU), `--lexicon none`", ""]
    figures = {"fragments": len(fragments), "seconds": seconds}
    lines += ["| gold list | role | eligible | in top 200 | recall@200 |"
              + (f" in top {deep} | recall@{deep} |" if deep else ""),
              "|---|---|---|---|---|" + ("---|---|" if deep else "")]
    notes = []
    for role, name in lists.items():
        eligible = eligible_gold(text, read_gold(name))
        found = [t for t in eligible if ranks.get(t, 10**9) <= 200]
        deep_found = [t for t in eligible if ranks.get(t, 10**9) <= deep]
        row = (f"| `tests/data/{name}` | {role} | {len(eligible)} | {len(found)} | "
               f"**{len(found) / len(eligible):.0%}** |")
        if deep:
            row += f" {len(deep_found)} | {len(deep_found) / len(eligible):.0%} |"
        lines.append(row)
        figures[role] = (len(found), len(eligible))
        notes.append(f"- {role}: missed in the top 200: "
                     + (", ".join(f"{t} ({n}×{', rank ' + str(ranks[t]) if t in ranks else ''})"
                                  for t, n in eligible.items() if t not in found) or "none"))
    lines += ["", *notes,
              f"- **fragments in the top 100 by the benchmark's rule: {len(fragments)}** (required: at most 10): "
              f"{', '.join(fragments) or 'none'}", "",
              "Top 100 candidates (term, freq):", "",
              ", ".join(f"{r.term} {r.freq}" for r in table.head(100).itertuples()), ""]
    return figures


def _second_list(lines: list[str]) -> None:
    """Recall of the bundled domain lexicon's terms (written before discovery existed) on the bundled corpus."""
    import textmine as tm
    from textmine.lexicon import read_domain_lexicon
    from textmine.newterms import discover

    config = tm.Config().replace(corpus={"path": str(REPO / "corpus")})
    table = discover(config, lexicon="none", top_n=200)
    text = "\n".join(u.norm for u in tm.split_units(tm.read_corpus(REPO / "corpus"), config.clean).units)
    rows, _ = read_domain_lexicon()
    eligible = eligible_gold(text, [r["term"] for r in rows])
    found = [t for t in eligible if t in set(table.term)]
    lines += [f"- a third list, the bundled domain lexicon's terms ({len(eligible)} eligible; written by hand "
              f"before discovery existed, and the source of many tuning terms): {len(found)}/{len(eligible)} = "
              f"{len(found) / len(eligible):.0%} in the top 200; missed: "
              + ", ".join(f"{t} ({n}×)" for t, n in eligible.items() if t not in found), ""]


def bench_policy(lines: list[str]) -> None:
    import textmine as tm
    from textmine.lexicon import read_policy_lexicon

    rows, _ = read_policy_lexicon()
    categories = Counter(r["category"] for r in rows)
    sources = Counter(r["source"].split(":")[0] for r in rows)
    counts = {}
    for switch in (False, True):
        prepared = tm.prepare(cpc_config().replace(segment={"policy_lexicon": switch}, scale={"cache": False}))
        text = "\n".join(u.norm for u in prepared.units)
        tokens = Counter(t for unit in prepared.tokens for t in unit.terms)
        counts[switch] = (text, tokens)
    text = counts[True][0]
    lines += ["## 3. The policy lexicon on the CPC series", "",
              f"- `textmine/resources/policy_lexicon.tsv`: {len(rows)} terms; sources: "
              + ", ".join(f"{k} {v}" for k, v in sources.most_common()) + "; categories: "
              + ", ".join(f"{k} {v}" for k, v in categories.most_common()),
              "- occurrences: plain substring count in the cleaned text; tokens: how often the phrase came out "
              "as one token of `tokens` (the segmentation every table uses), with `[segment] policy_lexicon` "
              "off (the default) and on", "",
              "| phrase | occurrences | one token, off | one token, on |", "|---|---|---|---|"]
    for phrase in POLICY_PHRASES:
        lines.append(f"| {phrase} | {text.count(phrase)} | {counts[False][1][phrase]} | {counts[True][1][phrase]} |")
    lines.append("")


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_shopping(lines: list[str]) -> None:
    import pandas as pd

    import textmine as tm
    from textmine.data import Corpus, Document
    from textmine.newterms import discover

    if not SHOPPING.exists():
        lines += ["## 4. Online-shopping reviews", "", f"skipped: {SHOPPING.name} is not present", ""]
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
        "## 4. Online-shopping reviews (`../shared/data/online_shopping_10_cats.zip`)", "",
        f"- {len(frame):,} reviews, {chars:,} characters; default lexicon; pinned to one core",
        f"- **CPU time: {cpu:.1f} s on one core; wall time {seconds:.1f} s** (required: under 60 s) — cleaning, "
        f"segmentation, counting, scoring; the wall time includes waiting for the core while other jobs ran "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)",
        f"- peak memory of the benchmark process (all parts): {_peak_mb():.0f} MB",
        "", "Top 30 candidates:", "",
        "| rank | term | freq | signals | example |", "|---|---|---|---|---|",
    ]
    for rank, row in enumerate(table.head(30).itertuples(), start=1):
        example = row.example.replace("|", "/")
        lines.append(f"| {rank} | {row.term} | {row.freq} | {row.signals} | {example} |")
    lines.append("")


def main(argv: list[str] | None = None) -> int:
    import textmine as tm

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    parser.add_argument("--skip-shopping", action="store_true", help="leave out the 62,774 reviews")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    lines = [
        "# New-term discovery and policy-lexicon benchmark", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_discover.py` on "
        f"{platform.machine()} Linux, {os.cpu_count()} cores (one used), Python {platform.python_version()}. "
        "Other jobs ran on the machine at the same time, so times are pessimistic.", "",
    ]
    bundled = tm.Config().replace(corpus={"path": str(REPO / "corpus")})
    bench_corpus(lines, "1. Bundled corpus, `textmine discover --lexicon none`", bundled,
                 {"tuning": "discover_gold_ai.txt", "held out": "discover_gold_ai_heldout.txt"})
    _second_list(lines)
    if CPC.exists():
        bench_corpus(lines, "2. CPC congress reports (`../shared/data/cpc_congress_reports.jsonl`), "
                     "`--lexicon none`", cpc_config(),
                     {"tuning": "discover_gold_cpc_tune.txt", "held out": "discover_gold_cpc_heldout.txt"},
                     deep=1000)
        if hasattr(tm.Config().segment, "policy_lexicon"):
            bench_policy(lines)
    else:
        lines += ["## 2.-3. CPC congress reports", "", f"skipped: {CPC.name} is not present", ""]
    if not args.skip_shopping:
        bench_shopping(lines)
    # a hand-written reading of the lists, kept below the marker across runs
    write_results(args.out, lines)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
