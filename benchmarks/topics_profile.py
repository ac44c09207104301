"""Where ``textmine topics`` spends its time: the command run in this process with wall-clock timers around its
parts (no profiler, so nothing is slowed down). Prints one JSON object: the parts in the order they started.

    python benchmarks/topics_profile.py ARGS...      # the arguments of ``textmine topics``

``bench_topics.py profile`` runs it and keeps the result. A part nested in another is listed under it (its
time is part of the outer one's); the fit workers' own time is inside ``fit_in_processes``.
"""

import atexit
import functools
import json
import sys
import time

STARTED = time.perf_counter()
parts: list[tuple[str, float, float]] = []


def timed(owner, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            parts.append((label, began - STARTED, time.perf_counter() - began))

    setattr(owner, name, wrapper)


def timed_property(owner, name: str, label: str) -> None:
    from functools import cached_property

    original = owner.__dict__[name].func

    def compute(self):
        began = time.perf_counter()
        try:
            return original(self)
        finally:
            parts.append((label, began - STARTED, time.perf_counter() - began))

    wrapped = cached_property(compute)
    wrapped.__set_name__(owner, name)
    setattr(owner, name, wrapped)


def main() -> None:
    from textmine import cli, pipeline, preparation
    from textmine.io import write
    from textmine.topics import analysis, model, processes, topicmap

    imported = time.perf_counter() - STARTED
    timed_property(preparation.Prepared, "content_terms", "content terms (filter)")
    timed_property(preparation.Prepared, "doc_dtm", "document-term matrix")
    for owner, name, label in (
            (preparation, "load_corpus", "read"), (preparation, "clean_corpus", "clean"),
            (preparation, "segment_corpus", "segment"), (pipeline, "prepare", "prepare (read, clean, segment)"),
            (analysis, "fit_rows", "rows to fit"), (processes, "encode_docs", "encode rows for the workers"),
            (processes, "start_workers", "start fit workers"), (model, "find_spread_terms", "first fit (spread terms)"),
            (processes, "spread_terms_in_process", "first fit (spread terms) in a worker"),
            (processes, "fit_in_processes", "fits in worker processes"), (analysis, "fit_runs", "all fits"),
            (analysis, "consensus_model", "consensus"), (analysis, "topic_stability", "stability"),
            (analysis, "unit_view", "paragraph mixtures"), (analysis, "examples_table", "representative paragraphs"),
            (analysis, "prevalence_by_date", "topic dates"), (analysis, "topic_labels", "labels"),
            (topicmap, "_page_data", "topic map data"), (topicmap, "embedded_font_css", "topic map font subset"),
            (analysis, "analyse_topic_model", "topic stage"), (write.RunWriter, "write", "write tables and files"),
            (write.RunWriter, "commit", "manifest")):
        timed(owner, name, label)

    @atexit.register
    def report() -> None:
        ordered = sorted(parts, key=lambda part: part[1])
        print(json.dumps({"imports": round(imported, 3), "in_process": round(time.perf_counter() - STARTED, 3),
                          "parts": [[label, round(start, 3), round(seconds, 3)] for label, start, seconds in ordered]},
                         ensure_ascii=False), file=sys.stderr)

    sys.argv = ["textmine", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
