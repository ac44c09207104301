"""A series of dated reports built from real report text, for the speed benchmarks.

    python benchmarks/report_series.py OUT_DIR --reports 52 --chars 1000000 [--seed 7]

There is no long public series of government reports in ``../shared/data``, so one is built from
the 16 party-congress reports (``cpc_congress_reports.jsonl``) and the seed reports of the bundled
corpus (``../shared/seeds``): each report of the series is a run of paragraphs, each paragraph 2–7
consecutive sentences of one source report, starting at a random sentence. Later reports draw more
often from the recent AI reports (the seeds), so the themes rise over the series as they would in a
real one. No paragraph is used twice (segmentation would otherwise find repeated text in its cache),
titles and dates (one report a quarter, or a month for long series) go into ``metadata.csv``.

The folder is written where asked (a temporary folder in the benchmarks); it is never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SEEDS = REPO.parent / "shared" / "seeds"

_SENTENCE_END = re.compile(r"(?<=[。！？；!?])")


def _sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        out += [s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) >= 4]
    return out


def sources() -> tuple[list[list[str]], list[list[str]]]:
    """Sentences of each party-congress report and of each seed report (the two pools)."""
    missing = [p for p in (DATA / "cpc_congress_reports.jsonl", SEEDS) if not p.exists()]
    if missing:
        raise SystemExit(f"missing {', '.join(p.name for p in missing)} next to the repository (../shared)")
    congress = []
    for line in (DATA / "cpc_congress_reports.jsonl").read_text(encoding="utf-8").splitlines():
        sentences = _sentences(json.loads(line)["content"])
        if len(sentences) >= 20:
            congress.append(sentences)
    seeds = [_sentences(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    return congress, [s for s in seeds if len(s) >= 20]


def make_series(folder: str | Path, *, reports: int = 52, chars: int = 1_000_000, seed: int = 7) -> Path:
    """Write ``reports`` dated reports of about ``chars`` characters in all, and their ``metadata.csv``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    congress, seeds = sources()
    rng = random.Random(seed)
    used: set[tuple[int, int, int, int]] = set()
    rows = ["id,file,title,date"]
    monthly = reports > 60
    for number in range(reports):
        share_recent = 0.1 + 0.6 * number / max(1, reports - 1)
        target = int(chars / reports * rng.uniform(0.6, 1.4))
        year, month = (2009 + number // 12, number % 12 + 1) if monthly else (2013 + number // 4, 3 * (number % 4) + 3)
        doc_id = f"r{number + 1:03d}"
        title = f"形势分析报告（{year}年第{month}期）"
        lines, size = [f"# {title}"], 0
        while size < target:
            pool_index = 1 if rng.random() < share_recent else 0
            pool = (congress, seeds)[pool_index]
            source = rng.randrange(len(pool))
            sentences = pool[source]
            length = rng.randint(2, 7)
            start = rng.randrange(max(1, len(sentences) - length))
            if (pool_index, source, start, length) in used:
                continue
            used.add((pool_index, source, start, length))
            if rng.random() < 0.08:   # a heading now and then, as reports have
                lines.append(f"## {sentences[start][:18].rstrip('，。；、')}")
            paragraph = "".join(sentences[start:start + length])
            lines.append(paragraph)
            size += len(paragraph)
        (folder / f"{doc_id}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        rows.append(f"{doc_id},{doc_id}.txt,{title},{year:04d}-{month:02d}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--reports", type=int, default=52)
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = make_series(args.out, reports=args.reports, chars=args.chars, seed=args.seed)
    total = sum(len(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt"))
    print(f"{folder}: {args.reports} reports, {total:,} characters")


if __name__ == "__main__":
    main()
