"""The ``textmine`` command: a thin layer over :mod:`textmine.pipeline`.

It parses arguments, loads the config, applies command-line overrides, calls
the Python API and writes the results. Errors a user can act on are printed
as one line (``textmine: error: …``) with exit code 2 for bad input or
configuration; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from .config import Config, describe_config, load_config
from .errors import ConfigError, TextmineError

DEFAULT_CONFIG = "textmine.toml"

EXAMPLES = {
    "run": """examples:
  textmine run                                   # bundled corpus/ and textmine.toml → outputs/
  textmine run --corpus reports/ --out results/  # your folder of .txt/.md files
  textmine run --corpus speeches.csv --text-col content --id-col id --date-col year
  textmine run --themes 智能体,具身智能,算力       # count your own theme terms
  textmine run --themes my_themes.toml --by year  # theme rules from a file, periods by year
  textmine run --k 4:12:2                        # choose the number of topics from a range
  textmine run --corpus big5_texts/ --encoding big5 --strict   # stop (exit 2) if any file is unusable
  textmine run --scheduler dask --workers 4      # the whole run, partition by partition, on a local Dask cluster
  textmine run --scheduler tcp://10.0.0.5:8786   # … or on an existing Dask cluster

writes: keywords.csv keyness.csv keyness_compare.csv keyness.png vocab.csv units.csv tokens.csv
        topics.csv doc_topics.csv unit_topics.csv topic_summary.csv topic_relevance.csv
        topic_examples.csv topic_dates.csv topic_map.html
        trends.csv trends_period.csv trend_changes.csv trends.png trends_period.png kwic.csv
        cooccurrence.csv cooccurrence_nodes.csv cooccurrence.png .gexf .graphml
        wordcloud_corpus.png wordclouds/*.png
        manifest.json (config, input hashes, package versions, seed, timings)
        report.html report.md (unless [report] enabled = false)

run again with nothing changed (corpus files, settings, named files, packages, every output as written),
it finds the folder up to date and writes nothing; any change runs it again, from the cache (--no-cache:
every stage again).""",
    "segment": """examples:
  textmine segment --text "具身智能与智能体推动大模型落地"   # print the tokens of one text
  textmine segment                                # segment the corpus → units.csv, tokens.csv""",
    "keywords": """examples:
  textmine keywords --top 20       # TF-IDF keywords per document → keywords.csv, vocab.csv, word clouds""",
    "topics": """examples:
  textmine topics --k 8 --seed 7   # 8 topics → topics.csv, doc_topics.csv, unit_topics.csv, …
  textmine topics --k 5:30:5       # fit k = 5, 10, …, 30; propose one → topic_k_selection.csv/.png
  textmine topics --engine nmf     # scikit-learn NMF instead of tomotopy LDA

what is fitted: whole documents when there are at least 20 per topic, else paragraph units ([topics] fit_on);
        the model is fitted 3 times (seeds seed, seed+1, seed+2; [topics] stability_runs) and the topics are
        those of the fit agreeing best with the others; topic_fit.csv says what was fitted and why

writes: topics.csv doc_topics.csv unit_topics.csv topic_summary.csv topic_relevance.csv topic_fit.csv
        topic_examples.csv topic_dates.csv topic_spread_terms.csv topic_map.html (offline) manifest.json
        (+ topic_k_selection.csv, topic_k_selection.png with a k range); topics whose top-10 terms
        change across seeds are marked unstable=True in every table""",
    "trends": """examples:
  textmine trends --themes 智能体,具身智能,算电协同   # → trends.csv, trends.png
  textmine trends --themes my_themes.toml           # theme rules from a TOML file (every theme in it)
  textmine trends --corpus reports.jsonl --text-col content --id-col id --date-col year --by year

writes: trends.csv (per document), trends_period.csv (per period: count, rate per 10k, document
        frequency, bootstrap interval), trend_changes.csv (risers and fallers), trends.png,
        trends_period.png""",
    "keyness": """examples:
  textmine keyness --target xinhua-ai-trends-2026              # one report against the rest
  textmine keyness --target "date>=2025-10" --reference "date<2025-10"
  textmine keyness --corpus reports.jsonl --text-col content --id-col id --date-col year \\
                   --target "year=2022" --reference "year=2017"
  textmine keyness --target publisher=新华社 --reference "publisher=中国互联网络信息中心（CNNIC）" --min-count 5

groups: ids (a,b) · FIELD=V1,V2 · FIELD>=V (also >, <, <=, !=) · latest · earliest; join with &
writes: keyness_compare.csv (side,term,counts,per_10k,g2,chi2,p_value,log_ratio,rank), keyness.png,
        keyness.csv (each document against the rest)""",
    "kwic": """examples:
  textmine kwic 算电协同                 # a theme: its rule decides what matches
  textmine kwic 具身 --width 20          # any term (protected in segmentation, matched as a token)

prints one line per hit (doc_id:offset, left, 【match】, right) and writes kwic.csv
(query,doc_id,date,start,end,left,match,right,unit_id,rule); start/end are character
offsets into the original file""",
    "network": """examples:
  textmine network --top 50                    # 50 candidate terms, sentence windows, Jaccard
  textmine network --window paragraph --measure npmi

writes: cooccurrence.csv (source,target,weight,cooccurrences,jaccard,npmi,g2,…),
        cooccurrence_nodes.csv, cooccurrence.png, cooccurrence.gexf, cooccurrence.graphml""",
    "discover": """examples:
  textmine discover                        # new-term candidates of corpus/ → outputs/candidates.csv
  textmine discover --lexicon none --top 100   # only jieba's dictionary counts as known
  textmine discover --corpus reviews.csv --text-col review --lexicon my_terms.txt

writes: candidates.csv (term,score,freq,signals,example,…), best first. Accept terms with
        'textmine lexicon add TERM …' and list that file in [segment] lexicons.""",
    "lexicon": """examples:
  textmine lexicon add 算电协同 智算集群            # append to the first [segment] lexicons file (or lexicon.txt)
  textmine lexicon add --file my_terms.txt 东数西算  # append to a given file
  textmine lexicon check                          # raw vs single-token occurrences of every lexicon term

check prints each term whose raw occurrences did not all come out as one token, and
writes lexicon_check.csv (term,source,raw,tokens,status,note) into --out.""",
    "report": """examples:
  textmine report                                # outputs/ → outputs/report.html + outputs/report.md
  textmine report --run results/ --out share/ai-reports.html   # also writes share/ai-reports.md

The HTML is one self-contained file (images, style, script and the CJK font inline) that opens
offline; sections appear for the files the run folder holds.""",
    "init": """examples:
  textmine init --corpus speeches.xlsx          # detect the text, id and date columns → ./textmine.toml
  textmine init --corpus reports/ --out my.toml  # a folder: notes on its files and a metadata.csv template

then edit the file and run 'textmine run' (or 'textmine run --config my.toml').""",
    "config": """examples:
  textmine config > my.toml        # every setting with its default and meaning
  textmine config --config my.toml # check a config file and show it resolved""",
}


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean …" for a misspelled command or option."""

    def error(self, message: str):
        import re

        from .errors import did_you_mean

        choice = re.search(r"invalid choice: '([^']*)'", message)
        if choice and self._subparsers is not None:
            commands = [name for action in self._subparsers._group_actions for name in getattr(action, "choices", {})]
            message = message.split(" (choose from")[0] + did_you_mean(choice.group(1), commands)
        unknown = re.search(r"unrecognized arguments: (\S+)", message)
        if unknown:   # compared without the dashes, which every option shares
            options = [o[2:] for o in self._option_string_actions if o.startswith("--")]
            message += did_you_mean(unknown.group(1).lstrip("-"), options, prefix="--")
        super().error(message)

    def command(self, name: str) -> argparse.ArgumentParser:
        """The parser of one command."""
        return next(action.choices[name] for action in self._subparsers._group_actions if name in action.choices)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="textmine",
        description="Chinese text mining for report corpora: domain-aware segmentation, keywords and "
                    "keyness, LDA topics and theme trends, with reproducible outputs.",
        epilog="Run 'textmine COMMAND --help' for the options of a command. With no --config, "
               f"./{DEFAULT_CONFIG} is used when present, otherwise the built-in defaults.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    helps = {
        "run": "read, clean, segment, then keywords, keyness, topics and trends; write outputs/",
        "segment": "clean and segment the corpus (or one --text) and show the tokens",
        "keywords": "TF-IDF keywords per document",
        "topics": "fit an LDA topic model over the documents or their paragraphs",
        "trends": "count themes per document and per period, with bootstrap intervals",
        "keyness": "distinctive terms of one group of documents against another",
        "kwic": "show every occurrence of a term or theme in context (keyword in context)",
        "network": "co-occurrence network of content terms within sentences or paragraphs",
        "discover": "rank new-term candidates the lexicon does not know yet → candidates.csv",
        "lexicon": "add accepted terms to a lexicon file, or check that every lexicon term takes effect",
        "report": "write report.html (self-contained) and report.md from a run folder",
        "config": "print every setting with its default and meaning",
        "init": "write a textmine.toml for a corpus: its columns detected, every setting with its meaning",
    }
    for name, text in helps.items():
        command = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".",
                                 epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("--config", metavar="FILE", help=f"TOML config (default: ./{DEFAULT_CONFIG} if present)")
        if name == "config":
            continue
        if name == "init":
            command.add_argument("--corpus", metavar="PATH", default="corpus",
                                 help="a folder of documents or a .csv/.tsv/.jsonl/.xlsx table (default: corpus)")
            command.add_argument("--out", metavar="FILE", default=DEFAULT_CONFIG,
                                 help=f"the config file to write (default: ./{DEFAULT_CONFIG}; never overwritten)")
            continue
        if name == "report":
            command.add_argument("--run", metavar="DIR", help="folder of a finished run (default: [output] dir)")
            command.add_argument("--out", metavar="FILE", help="HTML file to write (default: DIR/report.html); "
                                                               "the .md is written beside it")
            command.add_argument("--quiet", action="store_true", help="no summary on stderr")
            command.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
            continue
        group = command.add_argument_group("corpus")
        group.add_argument("--corpus", metavar="PATH", help="folder of .txt/.md files, or a .csv/.tsv/.jsonl table")
        group.add_argument("--text-col", metavar="NAME", help="table corpora: column with the text")
        group.add_argument("--id-col", metavar="NAME", help="table corpora: column with document ids")
        group.add_argument("--date-col", metavar="NAME", help="table corpora: column with dates (2017, 2017-05, …)")
        group.add_argument("--sheet", metavar="NAME", help=".xlsx tables: the sheet holding the corpus")
        group.add_argument("--encoding", metavar="NAME", help="corpus encoding: auto (default) or a codec name "
                                                               "such as gb18030, big5, utf-16")
        group.add_argument("--strict", action="store_true", help="exit 2 when any input file is skipped")
        command.add_argument("--out", metavar="DIR", help="output folder (default: [output] dir, 'outputs')")
        command.add_argument("--seed", type=int, metavar="N", help="seed for every stochastic step")
        command.add_argument("--themes", metavar="T1,T2,…", help="comma-separated theme terms ([trends] themes)")
        command.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
        scale = command.add_argument_group("scaling")
        scale.add_argument("--scheduler", metavar="WHERE",
                           help="work partition by partition as Dask tasks: 'dask' (a local cluster) "
                                "or a scheduler address tcp://host:port ([scale] scheduler)")
        scale.add_argument("--workers", type=int, metavar="N", help="workers of the local Dask cluster")
        scale.add_argument("--no-cache", action="store_true",
                           help="compute everything; do not read or write the cache of units, tokens and tables "
                                "([scale] cache), and for run, run even when its folder is up to date")
        command.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
        if name == "segment":
            command.add_argument("--text", help="segment this text and print the tokens, one line")
        if name in ("keywords", "run"):
            command.add_argument("--top", type=int, metavar="N", help="keywords per document ([keywords] top_n)")
        if name in ("topics", "run"):
            command.add_argument("--k", metavar="N|A:B:STEP",
                                 help="number of topics ([topics] k), or a range to choose k from ([topics] k_range)")
            command.add_argument("--engine", metavar="NAME", help="topic engine: tomotopy, gensim or nmf")
            command.add_argument("--fit-workers", type=int, metavar="N",
                                 help="topic fits (stability seeds, k values) run side by side in N worker processes "
                                      "([topics] workers; 0: one per fit, up to two per core, for large corpora); "
                                      "results do not depend on it")
        if name in ("run", "keywords", "trends", "keyness", "network"):
            command.add_argument("--no-images", action="store_true", help="skip word clouds and plots")
        if name == "discover":
            command.add_argument("--lexicon", default="default", metavar="none|default|FILE",
                                 help="what counts as known: none (jieba's dictionary only), default (the "
                                      "configured lexicon layers and themes), or jieba plus a lexicon FILE")
            command.add_argument("--top", type=int, default=200, metavar="N", help="candidates listed (default 200)")
        if name == "lexicon":
            command.add_argument("action", choices=("add", "check"), help="add TERM … | check")
            command.add_argument("terms", nargs="*", metavar="TERM", help="terms to add")
            command.add_argument("--file", metavar="F", help="lexicon file for add (default: the first "
                                 "[segment] lexicons file, else lexicon.txt)")
        if name in ("trends", "run"):
            command.add_argument("--by", metavar="PERIOD", help="period: date, year, month or a metadata field")
        if name == "keyness":
            command.add_argument("--target", metavar="EXPR", required=True, help="the group studied (see below)")
            command.add_argument("--reference", metavar="EXPR", help="the group compared with (default: the rest)")
            command.add_argument("--min-count", type=int, metavar="N", help="minimum count on a term's own side")
            command.add_argument("--top", type=int, metavar="N", help="terms kept per side ([keyness] top_n)")
        if name == "kwic":
            command.add_argument("query", metavar="TERM|THEME", nargs="+", help="terms or theme names")
            command.add_argument("--width", type=int, metavar="N", help="characters of context on each side")
        if name == "network":
            command.add_argument("--top", type=int, metavar="N", help="candidate terms ([network] top_nodes)")
            command.add_argument("--window", metavar="W", help="sentence or paragraph")
            command.add_argument("--measure", metavar="M", help="jaccard, npmi or g2")
            command.add_argument("--max-edges", type=int, metavar="N", help="strongest edges kept")
    return parser


def _resolve_config(args: argparse.Namespace) -> Config:
    if args.config:
        config = load_config(args.config)
    elif Path(DEFAULT_CONFIG).is_file():
        config = load_config(DEFAULT_CONFIG)
    else:
        config = Config()
    if args.command == "init":   # its --corpus and --out name the corpus to describe and the file to write
        return config
    changes: dict[str, dict] = {}

    def set_(section: str, key: str, value) -> None:
        if value is not None:
            changes.setdefault(section, {})[key] = value

    def cli_path(value: str) -> str:
        # Paths typed on the command line are relative to the working folder, not the config file.
        same = Path(config.base_dir).resolve() == Path.cwd().resolve()
        return value if same or Path(value).is_absolute() else str(Path(value).resolve())

    if getattr(args, "corpus", None):
        set_("corpus", "path", cli_path(args.corpus))
    set_("corpus", "text_col", getattr(args, "text_col", None))
    set_("corpus", "id_col", getattr(args, "id_col", None))
    set_("corpus", "date_col", getattr(args, "date_col", None))
    set_("corpus", "sheet", getattr(args, "sheet", None))
    set_("corpus", "encoding", getattr(args, "encoding", None))
    if getattr(args, "strict", False):
        set_("corpus", "strict", True)
    if getattr(args, "out", None):
        set_("output", "dir", cli_path(args.out))
    if getattr(args, "themes", None) is not None and not args.themes.strip().lower().endswith(".toml"):
        themes = [t.strip() for t in args.themes.replace("，", ",").split(",") if t.strip()]
        if not themes:
            raise ConfigError("--themes needs at least one term, e.g. --themes 智能体,算力")
        set_("trends", "themes", themes)
    if args.command in ("run", "keywords"):
        set_("keywords", "top_n", getattr(args, "top", None))
    set_("scale", "scheduler", getattr(args, "scheduler", None))
    set_("scale", "workers", getattr(args, "workers", None))
    if getattr(args, "no_cache", False):
        set_("scale", "cache", False)
    themes_arg = getattr(args, "themes", None)
    if themes_arg is not None and themes_arg.strip().lower().endswith(".toml"):
        changes["trends"] = {"theme_file": cli_path(themes_arg.strip()), "themes": []}
    command = getattr(args, "command", "")
    set_("trends", "by", getattr(args, "by", None))
    if command == "keyness":
        set_("keyness", "target", args.target)
        set_("keyness", "reference", args.reference)
        set_("keyness", "min_count", args.min_count)
        set_("keyness", "top_n", args.top)
    elif command == "network":
        set_("network", "top_nodes", args.top)
        set_("network", "window", args.window)
        set_("network", "measure", args.measure)
        set_("network", "max_edges", args.max_edges)
    elif command == "kwic":
        set_("kwic", "queries", list(args.query))
        set_("kwic", "width", args.width)
    if getattr(args, "k", None) is not None:
        from .topics.select import parse_k

        if ":" in args.k:
            parse_k(args.k)
            set_("topics", "k_range", args.k)
        else:
            try:
                set_("topics", "k", int(args.k))
            except ValueError:
                parse_k(args.k)
            set_("topics", "k_range", "")
    set_("topics", "workers", getattr(args, "fit_workers", None))
    set_("topics", "engine", getattr(args, "engine", None))
    if getattr(args, "no_images", False):
        changes.setdefault("output", {}).update(wordclouds=False, plots=False)
    if getattr(args, "seed", None) is not None:
        if args.seed < 0:
            raise ConfigError(f"--seed = {args.seed} is out of range; it must be at least 0")
        config = config.replace(seed=args.seed)
    return config.replace(**changes) if changes else config


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        from tqdm.auto import tqdm

        tqdm.write(message, file=sys.stderr)  # above any progress bar still running (topic fits)


def _command_line(argv: list[str]) -> str:
    return " ".join(["textmine", *argv])


def _run_stages(args: argparse.Namespace, config: Config, stages: tuple[str, ...], argv: list[str],
                segments: bool = True, after=None) -> int:
    from .io.atomic import check_output_folder

    started = time.perf_counter()
    out_dir = config.resolve_path(config.output.dir)
    check_output_folder(out_dir)  # says what is wrong with the folder as the user named it
    key = None
    if args.command == "run" and config.scale.cache:   # before the imports the work needs
        from .io.manifest import unchanged_run
        from .keys import run_key

        key = run_key(config, stages)
        made = unchanged_run(out_dir, key)
        if made is not None:
            _say(args, f"{out_dir} is up to date: every file is as '{made.get('command')}' wrote it at "
                       f"{made.get('created')}, from the same corpus files, settings and software; nothing to do "
                       f"(--no-cache runs every stage again)")
            return 0
    from .io.cache import open_cache
    from .io.read import skipped_summary
    from .io.write import RunWriter, print_path
    from .parallel import cyclic_gc_paused
    from .pipeline import run

    had = {name for name in ("report.html", "tables.xlsx") if (out_dir / name).is_file()}
    cache = open_cache(config)
    # each stage's tables and charts are written as it ends, while the topic models may still be fitting
    writer = RunWriter(config, out_dir, cache=cache, images=config.output.wordclouds or config.output.plots,
                       segments=segments)

    def on_stage(stage: str, seconds: float) -> None:
        _say(args, f"  {stage:<9} done in {seconds:.1f} s")

    # The text tables alone (textmine segment) make millions of objects and no reference cycles: with the
    # collector paused until they are freed, it never walks them (0.2-0.3 s on the reviews). Analyses make
    # cycles (charts, topic models), and so does a Dask client: there the collector runs as usual.
    text_only = not stages and not config.scale.scheduler
    with cyclic_gc_paused() if text_only else nullcontext():
        try:
            if config.scale.scheduler:   # the whole run as tasks over partitions (textmine.partitions)
                from .parallel import session
                from .partitions import run_partitioned

                with session(config) as client:
                    result = run_partitioned(config, stages, writer, client=client, cache=cache,
                                             progress=not args.quiet, on_stage=on_stage)
            else:
                result = run(config, stages, cache=cache, progress=not args.quiet, on_stage=on_stage,
                             on_tables=writer.write)
            writer.commit(result, _command_line(argv))
        except BaseException:
            writer.discard()
            raise
        finally:
            if cache is not None:
                cache.settle()
        prepared = result.prepared
        _say(args, f"  {config.corpus.path}: {len(prepared.corpus)} documents, {len(prepared.units)} units, "
                   f"{sum(prepared.token_totals.values()):,} tokens")
        if after is not None:
            after(result)
        _say(args, f"wrote {print_path(out_dir)}/ in {time.perf_counter() - started:.1f} s (see manifest.json)")
        summary = skipped_summary(prepared.corpus)
        if summary:
            _say(args, summary)
        published = dict(writer.writer.hashes)
        if any(_derived_to_render(args, config, had)) or not args.whole_process:
            del result, prepared, writer   # the workbook and report are rendered from the folder; let the memory go
        else:   # kept until the process ends; frozen, the collector (resumed below) never walks them
            import gc

            gc.freeze()
    _refresh_derived(args, config, out_dir, had)
    if key is not None:
        from .io.manifest import record_run
        from .io.write import DERIVED_FILES

        record_run(out_dir, key, published, DERIVED_FILES)
    if args.whole_process:
        end_process(0)   # before the run's objects are freed one by one
    return 0


def _derived_to_render(args: argparse.Namespace, config: Config, had: set[str]) -> tuple[bool, bool]:
    """Whether ``tables.xlsx`` and whether ``report.html``/``.md`` are rendered after the command: after ``textmine
    run``, and after any command into a folder that had them (publishing removed the old ones)."""
    full = args.command == "run"
    return (bool(config.output.workbook_rows) and (full or "tables.xlsx" in had),
            config.report.enabled and (full or "report.html" in had))


def _refresh_derived(args: argparse.Namespace, config: Config, out_dir: Path, had: set[str]) -> None:
    """The files rendered from the folder (:func:`_derived_to_render`)."""
    from .io.write import print_path

    workbook, report = _derived_to_render(args, config, had)
    if workbook:
        from .io.workbook import write_folder_workbook

        from .io.cache import open_cache

        path = write_folder_workbook(out_dir, max_rows=config.output.workbook_rows, cache=open_cache(config))
        _say(args, f"wrote {print_path(path)}")
    if report:
        _write_report(args, config, out_dir, None)


def _write_report(args: argparse.Namespace, config: Config, run_dir: Path, out: Path | None) -> int:
    from .io.cache import open_cache
    from .io.write import print_path
    from .report import write_report

    cfg = config.report
    html_path, md_path = write_report(run_dir, out, rows=cfg.rows, fold_rows=cfg.fold_rows,
                                      max_documents=cfg.max_documents, embed_font=cfg.embed_font,
                                      compress_images=cfg.compress_images, cache=open_cache(config))
    _say(args, f"wrote {print_path(html_path)} and {print_path(md_path)}")
    return 0


def _report(args: argparse.Namespace, config: Config) -> int:
    run_dir = Path(args.run) if args.run else config.resolve_path(config.output.dir)
    return _write_report(args, config, run_dir, Path(args.out) if args.out else None)


def _segment(args: argparse.Namespace, config: Config, argv: list[str]) -> int:
    if args.text is not None:
        from .preparation import fold_query
        from .segment import make_segmenter

        print(" / ".join(make_segmenter(config).lcut(fold_query(args.text, config))))
        return 0
    return _run_stages(args, config, (), argv)


def _discover(args: argparse.Namespace, config: Config, argv: list[str]) -> int:
    from .io.write import print_path, write_files
    from .newterms import discover
    from .preparation import load_corpus
    from .provenance import command_manifest

    if args.top < 1:
        raise ConfigError(f"--top = {args.top} is out of range; it must be at least 1")
    lexicon = args.lexicon
    if lexicon not in ("none", "default"):
        path = Path(lexicon)
        if not path.is_file():
            raise ConfigError(f"--lexicon {lexicon!r} is not a file; use none, default or a lexicon file")
    started = time.perf_counter()
    corpus = load_corpus(config)
    table = discover(config, corpus=corpus, lexicon=lexicon, top_n=args.top)
    out_dir = config.resolve_path(config.output.dir)
    write_files(out_dir, {"candidates.csv": table}, command_manifest(config, corpus, _command_line(argv), ["discover"]))
    _say(args, f"{len(table)} candidates (lexicon: {lexicon}); best: {', '.join(table.term[:10])}")
    _say(args, f"wrote {print_path(out_dir)}/candidates.csv in {time.perf_counter() - started:.1f} s")
    return 0


def _lexicon(args: argparse.Namespace, config: Config, argv: list[str]) -> int:
    if args.action == "add":
        from .lexicon import add_terms

        if not args.terms:
            raise ConfigError("lexicon add needs at least one TERM, e.g. textmine lexicon add 算电协同")
        configured = [str(config.resolve_path(p)) for p in config.segment.lexicons]
        target = Path(args.file) if args.file else Path(configured[0] if configured else "lexicon.txt")
        added, present = add_terms(target, args.terms, note="textmine lexicon add")
        print(f"added {len(added)} term(s) to {target}: {' '.join(added) or '-'}"
              + (f"; already there: {' '.join(present)}" if present else ""))
        if str(target.resolve()) not in {str(Path(p).resolve()) for p in configured}:
            print(f"note: {target} is not in [segment] lexicons; add lexicons = [\"{target}\"] to your config "
                  "so runs use it", file=sys.stderr)
        return 0
    from .io.cache import open_cache
    from .io.write import print_path, write_files
    from .lexicon import STATUS_HELP, check_lexicon
    from .preparation import prepare
    from .provenance import command_manifest

    if args.terms:
        raise ConfigError("lexicon check takes no terms; it checks every term of the configured lexicon")
    prepared = prepare(config, cache=open_cache(config), progress=not args.quiet)
    table = check_lexicon(prepared)
    counts = table.status.value_counts()
    print(f"{len(table)} lexicon terms: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUS_HELP))
    flagged = table[table.status.isin(["never", "nested", "partial"])]
    for row in flagged.itertuples():
        print(f"  {row.status:<8} {row.term}  raw {row.raw}, one token {row.tokens}, inside longer words "
              f"{row.nested}  [{row.source}] {row.note}")
    for status in ("never", "nested", "partial"):
        if counts.get(status, 0):
            print(f"{status}: {STATUS_HELP[status]}", file=sys.stderr)
    out_dir = config.resolve_path(config.output.dir)
    write_files(out_dir, {"lexicon_check.csv": table},
                command_manifest(config, prepared.corpus, _command_line(argv), ["lexicon"]))
    _say(args, f"wrote {print_path(out_dir)}/lexicon_check.csv")
    return 0


def _print_kwic(config: Config):
    def show(result) -> None:
        from .kwic import format_kwic

        table = result.tables["kwic"]
        for query, rows in table.groupby("query", sort=False):
            print(f"# {query}: {len(rows)} hits")
            print(format_kwic(rows, width=config.kwic.width))
        missing = [q for q in config.kwic.queries if q not in set(table["query"])]
        for query in missing:
            print(f"# {query}: 0 hits")
    return show


def _config_note(args: argparse.Namespace, exc: TextmineError) -> str:
    """Which config was used, when the error may come from not having one (the default corpus is missing)."""
    from .errors import CorpusError

    if (getattr(args, "config", None) or getattr(args, "corpus", None) or Path(DEFAULT_CONFIG).is_file()
            or not isinstance(exc, CorpusError) or "does not exist" not in str(exc)):
        return ""
    return (f" (no ./{DEFAULT_CONFIG} in {str(Path.cwd())!r}, so the built-in defaults were used; "
            f"'textmine init --corpus PATH' writes one)")


def _init(args: argparse.Namespace, config: Config) -> int:
    from .init import init_config_text
    from .io.atomic import write_atomic

    target = Path(args.out)
    if target.exists():
        raise ConfigError(f"{str(target)!r} exists; textmine init never overwrites a config (give another --out)")
    text = init_config_text(args.corpus, config)
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise TextmineError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    print(f"wrote {target}: corpus {args.corpus!r}; check the settings marked in its header, then run "
          f"'textmine run{'' if target.name == DEFAULT_CONFIG and target.parent == Path('.') else f' --config {target}'}'")
    return 0


def main(argv: list[str] | None = None, *, whole_process: bool = False) -> int:
    """Run the command ``argv`` (by default the process's arguments) and give its exit code.

    ``whole_process`` (the ``textmine`` command, :func:`console`): the command is all this process does, so a
    command that ends having made a corpus's tables ends the process then and there (:func:`end_process`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args, extras = parser.parse_known_args(argv)
    args.whole_process = whole_process
    if extras:   # the command's own parser names them, with its options to suggest
        parser.command(args.command).error(f"unrecognized arguments: {' '.join(extras)}")
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="textmine: %(levelname)s: %(message)s")
    if not debug:
        logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask's cluster start/stop chatter
    try:
        config = _resolve_config(args)
        if args.command == "config":
            sys.stdout.write(describe_config(config))
            return 0
        if args.command == "init":
            return _init(args, config)
        if args.command == "segment":
            return _segment(args, config, argv)
        if args.command == "report":
            return _report(args, config)
        if args.command == "discover":
            return _discover(args, config, argv)
        if args.command == "lexicon":
            return _lexicon(args, config, argv)
        stages = {"run": ("keywords", "keyness", "topics", "trends", "kwic", "network"), "keywords": ("keywords",),
                  "topics": ("topics",), "trends": ("trends",), "keyness": ("keyness",), "kwic": ("kwic",),
                  "network": ("network",)}[args.command]
        after = _print_kwic(config) if args.command == "kwic" else None
        return _run_stages(args, config, stages, argv, segments=args.command == "run", after=after)
    except TextmineError as exc:
        if debug:
            raise
        print(f"textmine: error: {exc}{_config_note(args, exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("textmine: interrupted; earlier outputs were left as they were", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure: one line, the traceback only with --debug
        if debug:
            raise
        print(f"textmine: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
              file=sys.stderr)
        return 1


def console() -> None:
    """The ``textmine`` command (and ``python -m textmine.cli``): :func:`main`, then :func:`end_process`."""
    end_process(main(whole_process=True))


def end_process(code: int):
    """End the process with exit ``code`` once the exit handlers have run and the output streams are flushed, without
    freeing what it holds object by object (a corpus's units and tokens are millions of objects: 0.2-0.3 s after
    segmenting three copies of the reviews); the operating system takes the memory back at once. Every file has
    been written and closed by then, and helper and worker processes have ended. The handlers registered with
    :mod:`atexit` (logging's flush, ``weakref.finalize`` and temporary folders, a library's own) run as they run
    at a normal exit: CPython's ``atexit._run_exitfuncs`` is what its own exit calls."""
    import atexit
    import os

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is not None:
        run_exit_handlers()
    else:
        logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
