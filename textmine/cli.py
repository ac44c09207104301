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

writes: keywords.csv keyness.csv topics.csv doc_topics.csv unit_topics.csv trends.csv
        vocab.csv units.csv tokens.csv trends.png wordcloud_corpus.png wordclouds/*.png
        manifest.json (config, input hashes, package versions, seed, timings)
        report.html report.md (unless [report] enabled = false)""",
    "segment": """examples:
  textmine segment --text "具身智能与智能体推动大模型落地"   # print the tokens of one text
  textmine segment                                # segment the corpus → units.csv, tokens.csv""",
    "keywords": """examples:
  textmine keywords --top 20       # TF-IDF keywords per document → keywords.csv, vocab.csv, word clouds""",
    "topics": """examples:
  textmine topics --k 8 --seed 7   # LDA over paragraph units → topics.csv, doc_topics.csv, unit_topics.csv""",
    "trends": """examples:
  textmine trends --themes 智能体,具身智能,算电协同   # → trends.csv, trends.png""",
    "report": """examples:
  textmine report                                # outputs/ → outputs/report.html + outputs/report.md
  textmine report --run results/ --out share/ai-reports.html   # also writes share/ai-reports.md

The HTML is one self-contained file (images, style, script and the CJK font inline) that opens
offline; sections appear for the files the run folder holds.""",
    "config": """examples:
  textmine config > my.toml        # every setting with its default and meaning
  textmine config --config my.toml # check a config file and show it resolved""",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
        "topics": "fit an LDA topic model over paragraph units",
        "trends": "count theme terms per document in date order",
        "report": "write report.html (self-contained) and report.md from a run folder",
        "config": "print every setting with its default and meaning",
    }
    for name, text in helps.items():
        command = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".",
                                 epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("--config", metavar="FILE", help=f"TOML config (default: ./{DEFAULT_CONFIG} if present)")
        if name == "config":
            continue
        if name == "report":
            command.add_argument("--run", metavar="DIR", help="folder of a finished run (default: [output] dir)")
            command.add_argument("--out", metavar="FILE", help="HTML file to write (default: DIR/report.html); "
                                                               "the .md is written beside it")
            command.add_argument("--quiet", action="store_true", help="no summary on stderr")
            command.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
            continue
        group = command.add_argument_group("corpus")
        group.add_argument("--corpus", metavar="PATH", help="folder of .txt/.md files, or a .csv/.jsonl table")
        group.add_argument("--text-col", metavar="NAME", help="table corpora: column with the text")
        group.add_argument("--id-col", metavar="NAME", help="table corpora: column with document ids")
        group.add_argument("--date-col", metavar="NAME", help="table corpora: column with dates (2017, 2017-05, …)")
        command.add_argument("--out", metavar="DIR", help="output folder (default: [output] dir, 'outputs')")
        command.add_argument("--seed", type=int, metavar="N", help="seed for every stochastic step")
        command.add_argument("--themes", metavar="T1,T2,…", help="comma-separated theme terms ([trends] themes)")
        command.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
        command.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
        if name == "segment":
            command.add_argument("--text", help="segment this text and print the tokens, one line")
        if name in ("keywords", "run"):
            command.add_argument("--top", type=int, metavar="N", help="keywords per document ([keywords] top_n)")
        if name in ("topics", "run"):
            command.add_argument("--k", type=int, metavar="N", help="number of topics ([topics] k)")
            command.add_argument("--engine", metavar="NAME", help="topic engine: tomotopy or gensim")
        if name in ("run", "keywords", "trends"):
            command.add_argument("--no-images", action="store_true", help="skip word clouds and plots")
    return parser


def _resolve_config(args: argparse.Namespace) -> Config:
    if args.config:
        config = load_config(args.config)
    elif Path(DEFAULT_CONFIG).is_file():
        config = load_config(DEFAULT_CONFIG)
    else:
        config = Config()
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
    if getattr(args, "out", None):
        set_("output", "dir", cli_path(args.out))
    if getattr(args, "themes", None) is not None:
        themes = [t.strip() for t in args.themes.replace("，", ",").split(",") if t.strip()]
        if not themes:
            raise ConfigError("--themes needs at least one term, e.g. --themes 智能体,算力")
        set_("trends", "themes", themes)
    set_("keywords", "top_n", getattr(args, "top", None))
    set_("topics", "k", getattr(args, "k", None))
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
        print(message, file=sys.stderr, flush=True)


def _command_line(argv: list[str]) -> str:
    return " ".join(["textmine", *argv])


def _run_stages(args: argparse.Namespace, config: Config, stages: tuple[str, ...], argv: list[str],
                segments: bool = True) -> int:
    from .io.write import print_path, write_run
    from .pipeline import run

    started = time.perf_counter()

    def on_stage(stage: str, seconds: float) -> None:
        _say(args, f"  {stage:<9} done in {seconds:.1f} s")

    result = run(config, stages, progress=not args.quiet, on_stage=on_stage)
    prepared = result.prepared
    _say(args, f"  {config.corpus.path}: {len(prepared.corpus)} documents, {len(prepared.units)} units, "
               f"{sum(len(t) for t in prepared.tokens):,} tokens")
    out_dir = config.resolve_path(config.output.dir)
    images = config.output.wordclouds or config.output.plots
    write_run(result, out_dir, command=_command_line(argv), images=images, segments=segments)
    _say(args, f"wrote {print_path(out_dir)}/ in {time.perf_counter() - started:.1f} s (see manifest.json)")
    if args.command == "run" and config.report.enabled:
        _write_report(args, config, out_dir, None)
    return 0


def _write_report(args: argparse.Namespace, config: Config, run_dir: Path, out: Path | None) -> int:
    from .io.write import print_path
    from .report import write_report

    cfg = config.report
    html_path, md_path = write_report(run_dir, out, rows=cfg.rows, fold_rows=cfg.fold_rows,
                                      max_documents=cfg.max_documents,
                                      embed_font=cfg.embed_font, compress_images=cfg.compress_images)
    _say(args, f"wrote {print_path(html_path)} and {print_path(md_path)}")
    return 0


def _report(args: argparse.Namespace, config: Config) -> int:
    run_dir = Path(args.run) if args.run else config.resolve_path(config.output.dir)
    return _write_report(args, config, run_dir, Path(args.out) if args.out else None)


def _segment(args: argparse.Namespace, config: Config, argv: list[str]) -> int:
    from .pipeline import fold_themes, make_segmenter

    if args.text is not None:
        from .normalize import SimplifiedFolder, fold_for_counting

        folder = SimplifiedFolder() if config.clean.fold_traditional else None
        segmenter = make_segmenter(config, fold_themes(config.trends.themes, config))
        print(" / ".join(segmenter.lcut(fold_for_counting(args.text, folder))))
        return 0
    return _run_stages(args, config, (), argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="textmine: %(levelname)s: %(message)s")
    try:
        config = _resolve_config(args)
        if args.command == "config":
            sys.stdout.write(describe_config(config))
            return 0
        if args.command == "segment":
            return _segment(args, config, argv)
        if args.command == "report":
            return _report(args, config)
        stages = {"run": ("keywords", "keyness", "topics", "trends"), "keywords": ("keywords",),
                  "topics": ("topics",), "trends": ("trends",)}[args.command]
        return _run_stages(args, config, stages, argv, segments=args.command == "run")
    except TextmineError as exc:
        if debug:
            raise
        print(f"textmine: error: {exc}", file=sys.stderr)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
