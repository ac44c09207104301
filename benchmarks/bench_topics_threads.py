"""Is tomotopy reproducible with a fixed seed, with 1 thread and with 2? (per parallel scheme)

Fits LDA (k = 10, 100 iterations, seed 7) on 5,000 shopping reviews twice per setting and
compares the topic–word distributions exactly. Writes benchmarks/results/topics_threads.md.

    python benchmarks/bench_topics_threads.py
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_topics import DATA, REPO, load_reviews, plain_tokens  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "topics_threads.md"


def fit(docs, workers, scheme):
    import tomotopy as tp

    model = tp.LDAModel(k=10, seed=7)
    for d in docs:
        model.add_doc(d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model.train(100, workers=workers, parallel=scheme)
    return np.array([model.get_topic_word_dist(t) for t in range(10)])


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA.name} is not in ../shared/data/", file=sys.stderr)
        return 0
    import tomotopy as tp

    docs = [d for d in plain_tokens(load_reviews(5000)["review"]) if d]
    lines = ["# tomotopy: same seed, 1 vs 2 threads", "",
             f"Run: `python benchmarks/bench_topics_threads.py` on {dt.date.today().isoformat()}, "
             f"tomotopy {tp.__version__}, {platform.machine()}; 5,000 reviews, k = 10, 100 iterations, seed 7.", "",
             "| parallel scheme | 1 thread repeats | 2 threads repeat | 1 thread = 2 threads | max abs difference |",
             "|---|---|---|---|---|"]
    for name in ("NONE", "PARTITION", "COPY_MERGE"):
        scheme = getattr(tp.ParallelScheme, name)
        one, one_again = fit(docs, 1, scheme), fit(docs, 1, scheme)
        two, two_again = fit(docs, 2, scheme), fit(docs, 2, scheme)
        row = (f"| {name} | {np.array_equal(one, one_again)} | {np.array_equal(two, two_again)} | "
               f"{np.array_equal(one, two)} | {np.abs(one - two).max():.3g} |")
        print(row, flush=True)
        lines.append(row)
    lines += ["", "textmine therefore fits every model on one thread (scheme NONE) and uses `[topics] workers` "
              "to run whole fits (stability seeds, k values) side by side; its outputs are byte-identical "
              "for any number of workers (tests/test_topics.py)."]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
