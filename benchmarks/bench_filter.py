"""What the filter's pattern rules take out of the tables, per rule, on three corpora.

Run from the repository root: ``python benchmarks/bench_filter.py``. Writes
``benchmarks/results/filter.md``.

For each corpus the text is read, cleaned and segmented once with the default config. The tables are
then built twice from the same tokens: with ``[filter] rules = false`` (stopwords, short terms and
numbers only) and with the default rules. For every term of the first version's top 30 TF-IDF keywords
and top 30 keyness terms of each document, and of the 200 most frequent terms (``vocab.csv``), the
benchmark records whether the rules drop it and by which rule (:meth:`textmine.filters.TermFilter.reason`).
It also lists the terms that enter the top 30 lists in their place, to read by eye, and checks that
every term of the bundled domain lexicon and a list of the field's names pass the rules.

Corpora: the four bundled reports (what the rules were written against), and three that were used to
check them: the 16 CPC congress reports, 502 news articles and the 62,774 shopping reviews grouped by
product category (``../shared/data``).
"""

from __future__ import annotations

import dataclasses
import platform
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results" / "filter.md"
TOP = 30
VOCAB_TOP = 200
CORPORA = {
    "bundled reports (corpus/)": {"path": str(REPO / "corpus")},
    "CPC congress reports": {"path": str(SHARED / "cpc_congress_reports.jsonl"), "text_col": "content",
                             "id_col": "id", "date_col": "year"},
    "news articles": {"path": str(SHARED / "news_10_cats_dev.csv"), "text_col": "text", "id_col": "id"},
    "shopping reviews (each of the 10 categories one document)": {"path": str(SHARED / "online_shopping_10_cats.zip")},
}
#: Names of the field that must pass whatever the rules say (with or without the lexicon's protection).
FIELD_NAMES = ("AI", "GPT-4o", "DeepSeek", "DeepSeek-R1", "5G", "4G", "6G", "3D", "Token", "AIGC", "OpenAI",
               "大模型", "智能体", "人工智能+", "Qwen3", "H20", "万卡", "百度", "九章", "两会", "十二五", "第三方",
               "第三世界", "Grand View Research", "四六级", "五月天", "零件", "两岸", "西部", "赛季", "首发")


def tables(prepared):
    from textmine.pipeline import keyness_stage, keywords_stage

    keywords = keywords_stage(prepared)
    return keywords["keywords"], keyness_stage(prepared)["keyness"], keywords["vocab"]


def reviews_by_category(path: Path):
    """The 62,774 reviews as 10 documents, one per product category, one review per line."""
    import zipfile

    import pandas as pd

    import textmine as tm

    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    documents = [tm.Document(cat, "\n\n".join(group.review)) for cat, group in frame.groupby("cat", sort=True)]
    return tm.Corpus(tuple(documents), "online_shopping_10_cats")


def compare(name: str, options: dict) -> tuple[list[str], dict]:
    import textmine as tm

    path = Path(options["path"])
    if path.suffix == ".zip":
        with_rules = tm.prepare(tm.Config().replace(scale={"cache": False}), reviews_by_category(path))
    else:
        with_rules = tm.prepare(tm.Config().replace(corpus=options, scale={"cache": False}))
    without = dataclasses.replace(with_rules, term_filter=dataclasses.replace(with_rules.term_filter, rules=False))
    reason = with_rules.term_filter.reason
    before_kw, before_kn, before_vocab = tables(without)
    after_kw, after_kn, after_vocab = tables(with_rules)
    removed: dict[str, Counter] = defaultdict(Counter)    # rule -> term -> top-list appearances
    lists = {"keywords": 0, "keyness": 0, "vocab": 0}
    for table, label in ((before_kw, "keywords"), (before_kn, "keyness")):
        for term in table.term:
            rule = reason(term)
            if rule is not None:
                removed[rule][term] += 1
                lists[label] += 1
    for term in before_vocab.term[:VOCAB_TOP]:
        rule = reason(term)
        if rule is not None:
            removed[rule][term] += 1
            lists["vocab"] += 1
    entered = (Counter(after_kw.term) + Counter(after_kn.term)) - (Counter(before_kw.term) + Counter(before_kn.term))
    docs = len(with_rules.corpus)
    slots = len(before_kw) + len(before_kn)
    lines = [
        f"## {name}", "",
        f"- {docs} documents, {len(with_rules.units):,} units, "
        f"{sum(len(t.terms) for t in with_rules.tokens):,} word tokens",
        f"- removed by the rules: **{lists['keywords']} of {len(before_kw)} keyword slots, {lists['keyness']} of "
        f"{len(before_kn)} keyness slots** (top {TOP} per document), **{lists['vocab']} of the top {VOCAB_TOP} "
        f"vocabulary terms**",
        "", "| rule | slots removed | distinct terms | terms (top-list appearances) |", "|---|---|---|---|",
    ]
    for rule in sorted(removed, key=lambda r: -sum(removed[r].values())):
        terms = removed[rule]
        listed = ", ".join(f"{t} {n}" for t, n in terms.most_common(60))
        more = f" … and {len(terms) - 60} more" if len(terms) > 60 else ""
        lines.append(f"| {rule} | {sum(terms.values())} | {len(terms)} | {listed}{more} |")
    lines += ["", f"Terms that enter the top {TOP} lists in their place ({sum(entered.values())} slots, "
              f"most frequent first): " + ", ".join(f"{t} {n}" for t, n in entered.most_common(80)), ""]
    summary = {"slots": slots, "removed": lists["keywords"] + lists["keyness"], "vocab": lists["vocab"]}
    return lines, summary


def protected_terms_pass() -> list[str]:
    from textmine.filters import TermFilter
    from textmine.lexicon import read_domain_lexicon

    bare = TermFilter(frozenset())     # no stopwords, nothing protected: the rules alone
    rows, _ = read_domain_lexicon()
    lexicon = [r["term"] for r in rows]
    failed = [t for t in (*lexicon, *FIELD_NAMES) if not bare(t)]
    return ["## Terms that must pass", "",
            f"- every term of the bundled domain lexicon ({len(lexicon)}) and these names pass the rules even "
            f"without the lexicon's protection: {', '.join(FIELD_NAMES)}",
            f"- **failed: {', '.join(f'{t} ({bare.reason(t)})' for t in failed) or 'none'}**", ""]


def main() -> int:
    report = [
        "# What the filter's pattern rules remove", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_filter.py` "
        f"(Python {platform.python_version()}). Same tokens, tables built with `[filter] rules = false` and "
        f"with the default rules; a slot is one (document, term) row of keywords.csv or keyness.csv.", "",
    ]
    report += protected_terms_pass()
    for name, options in CORPORA.items():
        if not Path(options["path"]).exists():
            report += [f"## {name}", "", f"skipped: {options['path']} is not present", ""]
            continue
        lines, _ = compare(name, options)
        report += lines
    write_results(RESULTS, report)
    sys.stdout.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
