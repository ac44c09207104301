"""What cleaning keeps and drops, per corpus, and which blocks changed status between two versions.

    python benchmarks/bench_cleaning.py --save after.json                  # measure this checkout
    python benchmarks/bench_cleaning.py --save after.json --compare before.json   # and list the changes

To measure another version, run the same command with that version of textmine on the import path
(e.g. a worktree of the parent commit) and ``--save before.json``. A *block* is a stretch of text between
blank lines (the unit splitter's blocks); it is ``kept`` when any of its characters reaches a unit, else
``dropped``. The status is computed from the units' offsets into the original text, so it means the same
for every version. Corpora: the bundled reports, and from ``../shared/data`` the CPC congress reports
(``content``), the news articles (``text``) and the shopping reviews (``review``).
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
BLOCK_SPLIT = re.compile(r"\n[ \t\u3000]*\n\s*")


def corpora() -> dict[str, list]:
    import pandas as pd

    import textmine as tm

    out = {"bundled": list(tm.read_corpus(REPO / "corpus"))}
    with open(DATA / "cpc_congress_reports.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    out["cpc"] = [tm.Document(r["id"], r["content"]) for r in rows]
    news = pd.read_csv(DATA / "news_10_cats_dev.csv")
    out["news"] = [tm.Document(str(i), str(t)) for i, t in zip(news["id"], news["text"])]
    with zipfile.ZipFile(DATA / "online_shopping_10_cats.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            reviews = pd.read_csv(handle)
    out["reviews"] = [tm.Document(str(i), str(t)) for i, t in enumerate(reviews["review"]) if isinstance(t, str)]
    return out


def blocks(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in BLOCK_SPLIT.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def measure(documents, config) -> dict:
    from textmine.units import split_units

    result = split_units(documents, config)
    kept: dict[str, list[tuple[int, str]]] = {}
    for unit in result.units:
        kept.setdefault(unit.doc_id, []).extend((unit.original_offset(i), c) for i, c in enumerate(unit.text))
    statuses = {}
    for doc in documents:
        chars = sorted(kept.get(doc.id, ()))
        offsets = [o for o, _ in chars]
        for start, end in blocks(doc.text):
            inside = chars[bisect.bisect_left(offsets, start):bisect.bisect_left(offsets, end)]
            statuses[f"{doc.id}@{start}"] = ["".join(c for _, c in inside), doc.text[start:end]]
    return {
        "units": len(result.units),
        "chars": sum(len(u.text) for u in result.units),
        "dropped": result.dropped,
        "samples": {k: list(v) for k, v in getattr(result, "samples", {}).items()},
        "blocks": statuses,
    }


def compare(before: dict, after: dict) -> None:
    for name in after:
        old, new = before.get(name), after[name]
        if old is None:
            continue
        kinds = sorted(set(old["dropped"]) | set(new["dropped"]))
        print(f"\n## {name}\n")
        print(f"units {old['units']} -> {new['units']}, characters kept {old['chars']} -> {new['chars']}")
        print("dropped blocks per kind (before -> after): "
              + ", ".join(f"{k} {old['dropped'].get(k, 0)} -> {new['dropped'].get(k, 0)}" for k in kinds))
        changed, edited = [], []
        for key, (kept_after, text) in new["blocks"].items():
            kept_before = old["blocks"].get(key, [None])[0]
            if kept_before is None or bool(kept_before) != bool(kept_after):
                changed.append((key, kept_after, text))
            elif kept_before != kept_after:
                edited.append((key, kept_before, kept_after))
        print(f"blocks that changed status: {len(changed)}")
        for key, kept_after, text in changed:
            state = "now kept" if kept_after else "now dropped"
            flat = " ".join(text.split())
            print(f"- {state} [{key}, {len(text)} chars] {flat[:160]}")
        print(f"blocks kept before and after with other characters kept: {len(edited)}")
        for key, kept_before, kept_after in edited:
            print(f"- [{key}] {len(kept_before)} -> {len(kept_after)} chars: {describe_edit(kept_before, kept_after)}")


def describe_edit(before: str, after: str) -> str:
    """The characters one version keeps and the other does not, with a little context."""
    import difflib

    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        context = before[max(0, a1 - 8):a1]
        if a2 > a1:
            parts.append(f"…{context}[-{before[a1:a2][:60]}-]")
        if b2 > b1:
            parts.append(f"…{context}[+{after[b1:b2][:60]}+]")
    return " ".join(parts)[:400]

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", required=True, help="JSON file for this version's figures")
    parser.add_argument("--compare", help="JSON file saved from another version")
    parser.add_argument("--only", nargs="*", help="corpora to measure (bundled, cpc, news, reviews)")
    args = parser.parse_args(argv)
    from textmine.config import CleanConfig

    results = {}
    for name, documents in corpora().items():
        if args.only and name not in args.only:
            continue
        results[name] = measure(documents, CleanConfig())
        r = results[name]
        print(f"{name}: {len(documents)} documents, {r['units']} units, {r['chars']} characters kept, "
              f"dropped {r['dropped']}", file=sys.stderr)
    Path(args.save).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    if args.compare:
        compare(json.loads(Path(args.compare).read_text(encoding="utf-8")), results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
