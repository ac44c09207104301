"""Counts a researcher can cite: each figure of the counting issue, measured from the command line's own outputs.

The same commands run on the bundled reports and the 16 party-congress reports; every figure is read
from the CSV files they write and compared with an independent count of the text (plain substring
counts of the cleaned paragraphs in units.csv). Run it on the code of this checkout, and on any other
checkout of textmine with --code, then put the two side by side:

    python benchmarks/bench_counts.py --save after.json
    python benchmarks/bench_counts.py --code ../textmine-old --save before.json
    python benchmarks/bench_counts.py --table before.json after.json     # → benchmarks/results/counts.md

Only the command line is used, so code from before and after a change is measured the same way.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CPC = DATA / "cpc_congress_reports.jsonl"
CPC_TABLE = ["--corpus", str(CPC), "--text-col", "content", "--id-col", "id", "--date-col", "year"]
BOILERPLATE = {"发展", "建设", "社会主义", "人民", "坚持"}
JUNK = ["万种", "亿美元", "万家", "余家", "千亿", "万亿元", "万吨", "多万名", "多亿元", "万亿韩元", "万块", "万枚", "万英镑",
        "一是", "二是", "三是", "四是", "五是", "这种", "这家", "这是", "没有", "应当", "现在", "很大", "不久", "不可",
        "17282TB", "1037.3EFLOPS", "50ZB", "Research", "Precedence", "industrial", "Grand", "View", "MRFR"]
POLICY = ["高质量发展", "一带一路", "供给侧结构性改革", "乡村振兴", "新能源汽车", "大数据", "物联网", "碳中和"]
CHINESE_DATES = ["2019年", "2020年5月", "2021年3月4日", "2021.03", "2021/3/4"]


def textmine(code: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.run([sys.executable, "-m", "textmine.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def folded(text: str) -> str:
    import unicodedata

    import opencc

    convert = opencc.OpenCC("t2s").convert
    return convert("".join(c if len(n := unicodedata.normalize("NFKC", c)) != 1 else n for c in text))


def substring_counts(units: list[dict[str, str]], term: str) -> Counter:
    counts: Counter = Counter()
    for unit in units:
        counts[unit["doc_id"]] += folded(unit["text"]).count(term)
    return counts


def token_counts(tokens: list[dict[str, str]]) -> Counter:
    return Counter(t for row in tokens for t in row["tokens"].split(" ") if t)


def measure(code: Path, work: Path) -> dict:
    figures: dict = {}
    bundled = work / "bundled"
    cpc = work / "cpc"
    run = ["--no-cache", "--quiet"]

    # the bundled reports: one full segmentation, then each stage's command
    for command in (["segment"], ["trends", "--themes", "人工智能,经济"], ["keywords", "--no-images"],
                    ["keyness", "--target", "latest", "--no-images"]):
        out = bundled / command[0]
        result = textmine(code, *command, "--corpus", str(REPO / "corpus"), "--out", str(out), *run, cwd=work)
        assert result.returncode == 0, result.stderr
    kwic = textmine(code, "kwic", "人工智能", "--corpus", str(REPO / "corpus"), "--out", str(bundled / "kwic"), *run,
                    cwd=work)
    assert kwic.returncode == 0, kwic.stderr
    units = read_csv(bundled / "segment" / "units.csv")
    tokens = read_csv(bundled / "segment" / "tokens.csv")
    trends = read_csv(bundled / "trends" / "trends.csv")
    ai = [r for r in trends if r["theme"] == "人工智能"]
    figures["1_ai_counted"] = sum(int(r["count"]) for r in ai)
    figures["1_ai_in_text"] = sum(substring_counts(units, "人工智能").values())
    figures["1_ai_kwic_rows"] = sum(1 for r in read_csv(bundled / "kwic" / "kwic.csv") if r["query"] == "人工智能")
    figures["1_economy_counted"] = sum(int(r["count"]) for r in trends if r["theme"] == "经济")
    figures["1_economy_in_text"] = sum(substring_counts(units, "经济").values())
    vocab = token_counts(tokens)
    kept_vocab = {r["term"]: int(r["count"]) for r in read_csv(bundled / "keywords" / "vocab.csv")}
    figures["2_names_in_vocab"] = {name: kept_vocab.get(name, 0) for name in ("5G", "4G", "6G", "3D")}
    figures["2_names_as_tokens"] = {name: vocab.get(name, 0) for name in ("5G", "4G", "6G", "3D")}
    segmented = textmine(code, "segment", "--text", "增长率高达90%，近10年来建设5G网络", cwd=work)
    figures["3_segment_example"] = segmented.stdout.strip()
    keyness = read_csv(bundled / "keyness" / "keyness.csv")
    keywords = read_csv(bundled / "keywords" / "keywords.csv")
    top_keyness = [r["term"] for r in keyness if int(r["rank"]) <= 10]
    top_keywords = [r["term"] for r in keywords if int(r["rank"]) <= 10]
    vocab_top = [r["term"] for r in read_csv(bundled / "keywords" / "vocab.csv")[:200]]
    figures["4_junk_in_keyness_top10"] = sorted({t for t in top_keyness if t in JUNK})
    figures["4_junk_in_keywords_top10"] = sorted({t for t in top_keywords if t in JUNK})
    figures["4_junk_in_vocab_top200"] = sorted({t for t in vocab_top if t in JUNK})
    people = [r["term"] for r in keyness if r["doc_id"] == "people-large-models-2025" and int(r["rank"]) <= 3]
    figures["4_people_keyness_top3"] = people
    ccid = [r["term"] for r in keywords if r["doc_id"] == "ccid-ai-outlook-2026" and int(r["rank"]) <= 10]
    figures["9_ccid_keywords_top10"] = ccid
    texts = [folded(u["text"]) for u in units]
    figures["5_toc_line_kept"] = any("具身智能给用户带来交互新体验" in t and "智能体" in t and re.search(r"\d{2}", t)
                                     for t in texts)
    figures["5_editorial_list_kept"] = any("编委" in t and len(t) < 60 for t in texts)
    manifest = json.loads((bundled / "segment" / "manifest.json").read_text(encoding="utf-8"))
    figures["5_dropped_blocks"] = manifest["corpus"].get("dropped_blocks", {})
    figures["bundled_units"] = len(units)
    figures["bundled_word_tokens"] = sum(int(r["n_tokens"]) for r in tokens)
    changes = read_csv(bundled / "trends" / "trend_changes.csv")
    figures["7_bundled_period_pairs"] = sorted({f"{r['from_period']}→{r['to_period']}" for r in changes})

    # the congress series
    for command in (["segment"], ["trends", "--themes", "人工智能,经济,社会主义", "--by", "date", "--no-images"],
                    ["keywords", "--no-images"]):
        out = cpc / command[0]
        result = textmine(code, *command, *CPC_TABLE, "--out", str(out), *run, cwd=work)
        assert result.returncode == 0, result.stderr
    cpc_units = read_csv(cpc / "segment" / "units.csv")
    cpc_tokens = token_counts(read_csv(cpc / "segment" / "tokens.csv"))
    cpc_trends = read_csv(cpc / "trends" / "trends.csv")
    for theme in ("人工智能", "经济"):
        text = substring_counts(cpc_units, theme)
        counted = {r["doc_id"]: int(r["count"]) for r in cpc_trends if r["theme"] == theme}
        figures[f"1_cpc_{theme}_counted"] = sum(counted.values())
        figures[f"1_cpc_{theme}_in_text"] = sum(text.values())
        figures[f"1_cpc_{theme}_documents_matching_text"] = sum(counted.get(d, 0) == n for d, n in text.items())
    periods = read_csv(cpc / "trends" / "trends_period.csv")
    figures["6_cpc_1945_period_listed"] = any(r["period"] == "1945" for r in periods)
    stub = [r for r in cpc_trends if r["doc_id"] == "congress07"]
    figures["6_cpc_stub_flagged"] = bool(stub) and stub[0].get("stub") == "True"
    cpc_changes = read_csv(cpc / "trends" / "trend_changes.csv")
    mismatched = [r for r in cpc_changes if float(r["log2_ratio"]) * float(r["change"]) < 0]
    figures["7_cpc_sign_mismatches"] = len(mismatched)
    figures["7_cpc_changes"] = len(cpc_changes)
    cpc_keywords = read_csv(cpc / "keywords" / "keywords.csv")
    late = sorted({r["doc_id"] for r in cpc_keywords if r["doc_id"] >= "congress12"})
    led = [d for d in late if {r["term"] for r in cpc_keywords if r["doc_id"] == d and int(r["rank"]) <= 5}
           & BOILERPLATE]
    figures["9_cpc_1982_2022_reports_with_boilerplate_in_top5"] = f"{len(led)} of {len(late)}"
    first = [r["term"] for r in cpc_keywords if r["doc_id"] == "congress01" and int(r["rank"]) <= 10]
    figures["4_cpc_first_congress_junk_top10"] = sorted(set(first) & set(JUNK))
    figures["10_policy_one_token_of_text"] = {
        term: f"{cpc_tokens.get(term, 0)} of {sum(substring_counts(cpc_units, term).values())}" for term in POLICY}

    # Chinese date forms
    table = work / "dated.csv"
    text = (REPO / "corpus" / "xinhua-ai-trends-2026.txt").read_text(encoding="utf-8")[:400]
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "text"])
        for i, date in enumerate(CHINESE_DATES):
            writer.writerow([f"d{i}", date, text])
    dated = textmine(code, "trends", "--corpus", str(table), "--id-col", "id", "--date-col", "date",
                     "--out", str(work / "dated"), *run, "--no-images", cwd=work)
    figures["8_chinese_dates_read"] = dated.returncode == 0
    error = dated.stderr.strip().splitlines()[-1] if dated.returncode else ""
    figures["8_chinese_dates_error"] = error.replace(str(work) + os.sep, "")
    return figures


def table(before: dict, after: dict) -> str:
    lines = [
        "# Counts a researcher can cite: before and after",
        "",
        f"Measured with `python benchmarks/bench_counts.py` on {dt.date.today().isoformat()}, "
        f"{platform.machine()} Linux, Python {platform.python_version()}; the bundled reports and the 16 "
        "party-congress reports of `../shared/data`. *Before*: the code before these changes; *after*: this "
        "checkout. Every figure is read from the files the command line writes; *in text* is a plain substring "
        "count of the cleaned paragraphs in `units.csv` (width and Traditional folded).",
        "",
        "| figure | before | after |",
        "|---|---|---|",
    ]
    for key in after:
        shown = [json.dumps(f.get(key, "—"), ensure_ascii=False) if not isinstance(f.get(key), str)
                 else f.get(key) for f in (before, after)]
        lines.append(f"| {key} | {shown[0]} | {shown[1]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=REPO, help="checkout of textmine to measure (default: this one)")
    parser.add_argument("--save", type=Path, help="write the figures as JSON here")
    parser.add_argument("--table", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="write benchmarks/results/counts.md from two saved JSON files")
    args = parser.parse_args()
    if args.table:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.table)
        target = REPO / "benchmarks" / "results" / "counts.md"
        target.write_text(table(before, after), encoding="utf-8")
        print(f"wrote {target}")
        return
    if not CPC.exists():
        sys.exit(f"the congress reports are not at {CPC}; put ../shared/data next to the repository")
    with tempfile.TemporaryDirectory(prefix="textmine-counts-") as work:
        figures = measure(args.code.resolve(), Path(work))
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    if args.save:
        args.save.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
