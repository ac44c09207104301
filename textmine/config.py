"""One sectioned configuration for every stage, read from TOML.

Each section is a frozen dataclass; every field has a default and a one-line
description (``textmine config`` prints them). Unknown keys and values of the
wrong type or range are errors that name the file and the key.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from .errors import ConfigError, did_you_mean

DEFAULT_THEMES = ("智能体", "具身智能", "算电协同", "大模型", "算力", "数据")


def _opt(default: Any, help: str, *, min: float | None = None, choices: tuple = ()) -> Any:
    meta = {"help": help, "min": min, "choices": choices}
    if isinstance(default, (list, tuple)):
        return field(default=tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class CorpusConfig:
    path: str = _opt("corpus", "folder of .txt/.md/.pdf/.docx/.html files (mixed), or a .csv/.tsv/.jsonl/.xlsx table")
    text_col: str = _opt("text", "table corpora: column holding the text")
    id_col: str = _opt("", "table corpora: column with document ids (empty: row number)")
    date_col: str = _opt("", "table corpora: column with dates (2017, 2017-05 or 2017-05-04)")
    sheet: str = _opt("", ".xlsx tables: the sheet holding the corpus (empty: the first sheet)")
    encoding: str = _opt("auto", "text encoding of the corpus files: auto (detect UTF-8, UTF-16, GB18030, Big5) "
                                 "or a codec name")
    max_file_mb: int = _opt(50, "input files larger than this (MB) are skipped as oversized", min=1)
    max_line_chars: int = _opt(1_000_000, "a document with a longer line (characters) is skipped as oversized",
                               min=1)
    strict: bool = _opt(False, "stop with an error (exit 2) when any input is skipped, instead of a warning")


@dataclass(frozen=True)
class CleanConfig:
    fold_traditional: bool = _opt(True, "fold Traditional to Simplified Chinese for counting (OpenCC t2s)")
    drop_captions: bool = _opt(True, "drop figure/photo captions, credits and bylines")
    caption_max_chars: int = _opt(120, "a caption is at most this long (and one sentence; two for a photo caption); "
                                       "longer blocks are text", min=1)
    drop_footnotes: bool = _opt(True, "drop footnote source lines (¹ 来源：… with URLs); explanatory notes are kept")
    drop_front_matter: bool = _opt(True, "drop tables of contents, editorial-board lists and copyright, disclaimer "
                                         "and contact notices")
    drop_headers_footers: bool = _opt(True, "drop running headers and footers (a line repeated 3+ times in a "
                                            "document, digits aside) and page numbers")
    join_page_breaks: bool = _opt(True, "re-join paragraphs cut mid-sentence by page breaks")
    line_paragraphs: bool = _opt(True, "a line break after a sentence end (or after a short title line) ends a "
                                       "paragraph, as a blank line does: files with one paragraph a line")
    min_unit_chars: int = _opt(2, "units shorter than this (after cleaning) are dropped", min=1)


@dataclass(frozen=True)
class SegmentConfig:
    backend: str = _opt("auto", "segmentation engine: rjieba (jieba-rs, same dictionary, tested to agree with "
                        "jieba) when installed, or the jieba reference", choices=("auto", "jieba", "rjieba"))
    hmm: bool = _opt(True, "let jieba's HMM join unknown words")
    domain_lexicon: bool = _opt(True, "load the bundled lexicon of this field's terms")
    policy_lexicon: bool = _opt(False, "load the bundled lexicon of Chinese policy and economic terms "
                                       "(高质量发展, 一带一路, 供给侧结构性改革): on for policy and government writing")
    lexicons: tuple[str, ...] = _opt((), "your own lexicon files: one term per line (term [freq])")
    protect_latin: bool = _opt(True, "keep Latin/mixed names with digits and hyphens whole (GPT-4o, 5G)")


@dataclass(frozen=True)
class FilterConfig:
    stopwords: str = _opt("default", "stopword list", choices=("default", "none"))
    extra_stopwords: tuple[str, ...] = _opt((), "files of more stopwords, one per line")
    min_chars: int = _opt(2, "shorter terms never reach keyword or topic tables", min=1)
    rules: bool = _opt(True, "drop quantity tokens (万种, 17282TB), list markers (一是), deictic and function words "
                             "(这种, 没有) and English fragments by the character-class rules of filters.py")
    keep: tuple[str, ...] = _opt((), "terms that always reach the tables, whatever a rule or stopword list says")
    phrases: bool = _opt(True, "the phrases of the bundled policy and economy lexicon (高质量发展, 一带一路, "
                               "供给侧结构性改革) are one term in every table: adjacent tokens that spell one are joined "
                               "after segmentation, which itself keeps jieba's conventions")


@dataclass(frozen=True)
class KeywordsConfig:
    top_n: int = _opt(30, "keywords kept per document", min=1)
    method: str = _opt("distinctive", "distinctive: TF-IDF with 1 + ln(tf) among the terms a document uses at least "
                                      "min_ratio times as often as the other documents; tfidf: plain TF-IDF",
                       choices=("distinctive", "tfidf"))
    min_ratio: float = _opt(2.0, "distinctive keywords: how many times a term's rate in the rest of the corpus its "
                                 "rate in the document must be at least", min=0.0)


@dataclass(frozen=True)
class KeynessConfig:
    top_n: int = _opt(30, "distinctive terms kept per document", min=1)
    min_count: int = _opt(3, "a term needs at least this many occurrences in the target", min=1)
    target: str = _opt("", "group compared in keyness_compare.csv/keyness.png: ids (a,b), FIELD=V1,V2, "
                           "FIELD>=V; empty: the latest document")
    reference: str = _opt("", "the group it is compared with (same syntax); empty: every other document")


@dataclass(frozen=True)
class TopicsConfig:
    engine: str = _opt("tomotopy", "topic model engine (nmf: scikit-learn NMF on TF-IDF)",
                       choices=("tomotopy", "gensim", "nmf"))
    k: int = _opt(6, "number of topics", min=1)
    iterations: int = _opt(0, "training iterations per fit (tomotopy) or passes x 10 (gensim); 0: by corpus size, "
                              "30 million token draws per fit, at least 200 and at most 1000; 250 for gensim and "
                              "nmf",
                           min=0)
    fit_on: str = _opt("auto", "what the model is fitted on: whole documents, or paragraph units; auto: documents "
                               "when there are at least 20 per topic, else paragraphs", choices=("auto", "documents",
                                                                                               "paragraphs"))
    min_unit_tokens: int = _opt(5, "paragraph units with fewer content tokens are left out of the paragraph tables "
                                   "(and of the fit when it is fitted on paragraphs)", min=1)
    top_n: int = _opt(15, "terms listed per topic", min=1)
    workers: int = _opt(0, "fits run side by side in worker processes (stability seeds, k range); 0: one per "
                           "fit, up to two per core, for large corpora; results are identical for any value", min=0)
    k_range: str = _opt("", "choose k from a range A:B:STEP (e.g. 5:30:5) by the documented rule; empty: use k")
    stability_runs: int = _opt(3, "fits with seeds seed, seed+1, …: the topics are those of the fit agreeing best "
                                  "with the others, weights are averaged over them, and their agreement is each "
                                  "topic's stability (1: one fit)", min=1)
    stability_threshold: float = _opt(0.5, "topics whose mean top-10 Jaccard across seeds is below this are "
                                           "flagged unstable", min=0.0)
    heldout_fraction: float = _opt(0.1, "share of units held out for the likelihood when choosing k", min=0.0)
    relevance_lambda: float = _opt(0.6, "λ of the LDAvis relevance ranking (1: by probability)", min=0.0)
    examples: int = _opt(5, "representative paragraphs listed per topic", min=1)
    term_weight: str = _opt("one", "tomotopy term weighting", choices=("one", "idf", "pmi"))
    min_term_count: int = _opt(5, "terms seen fewer times across the fitted units are left out of the model (nmf: "
                                  "terms in fewer units); with them, fits of other seeds agreed less "
                                  "(benchmarks/results/topics.md)", min=0)
    drop_top: int = _opt(0, "tomotopy: leave out this many most frequent terms", min=0)
    alpha: float = _opt(0.01, "tomotopy: document–topic prior per topic (small: a unit is about few topics)",
                        min=0.0001)
    optimize_alpha: bool = _opt(False, "tomotopy: re-estimate alpha while fitting")
    eta: float = _opt(0.05, "tomotopy: topic–term prior (larger: broader topics; see benchmarks/)", min=0.0001)
    specificity: float = _opt(0.3, "a first fit finds frequent terms spread evenly over the topics "
                                   "(distinctiveness below this many nats) and the model is refitted without "
                                   "them; 0: one fit", min=0.0)
    specificity_iterations: int = _opt(50, "iterations of that first fit", min=1)


@dataclass(frozen=True)
class TrendsConfig:
    themes: tuple[str, ...] = _opt(DEFAULT_THEMES, "theme terms counted in every document")
    theme_file: str = _opt("default", "TOML file of theme rules (variants, near, same sentence, exclusions) "
                                      "used for the names in themes ('default': the bundled file; empty: none); "
                                      "with an empty themes list, every theme of the file")
    by: str = _opt("date", "period of trends_period.csv: date (by year when dates have mixed precision), year, "
                           "month or any metadata field")
    match: str = _opt("substring", "substring: every occurrence of a theme term, also inside a longer word "
                                   "(人工智能 in 生成式人工智能); token: only occurrences that are one whole word token",
                      choices=("substring", "token"))
    stub_share: float = _opt(0.05, "documents with fewer word tokens than this share of the median document's are "
                                   "stubs: flagged in trends.csv and left out of periods (0: none)", min=0.0)
    bootstrap: int = _opt(1000, "bootstrap resamples for the period confidence intervals", min=100)
    confidence: float = _opt(0.95, "confidence level of the period intervals", min=0.5)


@dataclass(frozen=True)
class KwicConfig:
    queries: tuple[str, ...] = _opt((), "terms or theme names for kwic.csv in a run (empty: every theme)")
    width: int = _opt(30, "characters of context on each side", min=1)


@dataclass(frozen=True)
class NetworkConfig:
    window: str = _opt("sentence", "co-occurrence window", choices=("sentence", "paragraph"))
    measure: str = _opt("jaccard", "edge weight", choices=("jaccard", "npmi", "g2"))
    top_nodes: int = _opt(60, "most frequent content terms that may become nodes", min=2)
    max_edges: int = _opt(120, "strongest edges kept", min=1)
    min_cooccurrence: int = _opt(3, "windows two terms must share to be linked", min=1)


@dataclass(frozen=True)
class OutputConfig:
    dir: str = _opt("outputs", "folder the results are written to")
    wordclouds: bool = _opt(True, "draw word clouds (PNG) per document and for the corpus")
    plots: bool = _opt(True, "draw the trend plot (PNG)")
    workbook_rows: int = _opt(100_000, "tables.xlsx holds every table of at most this many rows, one sheet each (the "
                                       "CSV files hold them all); 0: no workbook", min=0)
    max_doc_images: int = _opt(50, "per-document word clouds only for corpora of at most this many documents; the "
                                   "corpus word cloud is always drawn", min=0)


@dataclass(frozen=True)
class ScaleConfig:
    scheduler: str = _opt("", "where the run's tasks go: empty for this process, 'dask' for a local Dask cluster, "
                              "or a Dask scheduler address tcp://host:port (textmine run then works partition by "
                              "partition and never holds the whole corpus)")
    workers: int = _opt(2, "workers of the local Dask cluster (scheduler = 'dask')", min=1)
    dask_processes: bool = _opt(True, "local Dask cluster: workers are processes (false: threads in this process)")
    partition_docs: int = _opt(2000, "documents per Dask task (a partition); distinct texts per slice cleaned and cached", min=1)
    partition_units: int = _opt(5000, "units per Dask segmentation task of prepare() from Python", min=1)
    topic_sample: int = _opt(100_000, "Dask runs: topics are fitted on at most this many paragraphs (a seeded sample "
                                      "when there are more; every paragraph's topics are then inferred)", min=1)
    helper: bool = _opt(True, "clean a large corpus (about a million characters or more) in this process and a "
                              "second one together, on a machine with two or more cores; the output is the same "
                              "either way")
    cache: bool = _opt(True, "keep cleaned units, segmentations and analysis tables on disk, so a second run "
                             "with the same inputs skips that work")
    cache_dir: str = _opt(".textmine-cache", "folder of the cache (Parquet files; safe to delete)")


@dataclass(frozen=True)
class ReportConfig:
    enabled: bool = _opt(True, "write report.html and report.md at the end of 'textmine run'")
    rows: int = _opt(15, "rows shown per document in the report's keyword and keyness tables", min=1)
    fold_rows: int = _opt(20, "longer HTML tables are folded after this many rows (a button shows all)", min=1)
    max_documents: int = _opt(40, "documents with a keyword/keyness section of their own (the rest: CSV files)",
                              min=1)
    embed_font: bool = _opt(True, "embed the bundled CJK font, subset to the characters used, in report.html")
    compress_images: bool = _opt(True, "re-encode images in report.html with a 128-colour palette (about 3x smaller)")


@dataclass(frozen=True)
class Config:
    seed: int = _opt(42, "seed for every stochastic step", min=0)
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    keywords: KeywordsConfig = field(default_factory=KeywordsConfig)
    keyness: KeynessConfig = field(default_factory=KeynessConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    trends: TrendsConfig = field(default_factory=TrendsConfig)
    kwic: KwicConfig = field(default_factory=KwicConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    scale: ScaleConfig = field(default_factory=ScaleConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    #: folder that relative paths in the file are resolved against (not a TOML key)
    base_dir: str = field(default=".", metadata={"internal": True})

    def resolve_path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.base_dir) / path

    def replace(self, **sections: Any) -> Config:
        """Return a copy with fields replaced; section values may be dicts of changes."""
        changes = {}
        for name, value in sections.items():
            current = getattr(self, name)
            if dataclasses.is_dataclass(current) and isinstance(value, dict):
                value = _build_section(type(current), {**_asdict(current), **value}, name, "option")
            changes[name] = value
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The resolved configuration, as written into ``manifest.json``."""
        out = _asdict(self)
        out.pop("base_dir")
        return out


def _asdict(obj: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            value = _asdict(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _check_value(section: str, key: str, value: Any, hint: Any, meta: dict, source: str) -> Any:
    where = f"{source}: [{section}] {key}" if section else f"{source}: {key}"
    if get_origin(hint) is tuple:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} = {value!r} must be a list of strings")
        return tuple(value)
    expected = hint if isinstance(hint, type) else get_args(hint)[0]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise ConfigError(f"{where} = {value!r} must be of type {expected.__name__}")
    if meta.get("min") is not None and value < meta["min"]:
        raise ConfigError(f"{where} = {value!r} is out of range; it must be at least {meta['min']}")
    if meta.get("choices") and value not in meta["choices"]:
        allowed = ", ".join(repr(c) for c in meta["choices"])
        raise ConfigError(f"{where} = {value!r} is not allowed; expected one of {allowed}")
    return value


def _build_section(cls: type, values: dict[str, Any], section: str, source: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            where = f"[{section}] " if section else ""
            hint = _hint(key, list(known))
            what = f"section [{key}]" if not section and isinstance(value, dict) else f"key {where}{key!r}"
            raise ConfigError(f"{source}: unknown {what}" + (hint if hint else f"; known keys: {', '.join(known)}"))
        if dataclasses.is_dataclass(hints[key]):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: [{key}] must be a table (a TOML section)")
            kwargs[key] = _build_section(hints[key], value, key, source)
        else:
            kwargs[key] = _check_value(section, key, value, hints[key], dict(known[key].metadata), source)
    return cls(**kwargs)


#: Names other tools give to a setting, and textmine's name for it.
_OTHER_NAMES = {"num_topics": "k", "n_topics": "k", "n_components": "k", "passes": "iterations",
                "n_iter": "iterations", "max_iter": "iterations", "random_state": "seed", "random_seed": "seed",
                "text_column": "text_col", "id_column": "id_col", "date_column": "date_col", "sheet_name": "sheet"}


def _hint(key: str, known: list[str]) -> str:
    """"; did you mean 'k'?" for a misspelt key or another tool's name for one; empty when nothing is close."""
    other = _OTHER_NAMES.get(key.lower())
    if other in known:
        return f"; did you mean {other!r}?"
    return did_you_mean(key, known)


def config_from_dict(values: dict[str, Any], *, source: str = "<dict>", base_dir: str | Path = ".") -> Config:
    """Validate a nested dict (as read from TOML) into a :class:`Config`."""
    config = _build_section(Config, values, "", source)
    return dataclasses.replace(config, base_dir=str(base_dir))


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config; ``None`` gives the defaults, with paths relative to the working folder."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} cannot be read: {exc}") from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(values, source=str(path), base_dir=path.parent)


def describe_config(config: Config | None = None) -> str:
    """The configuration as commented TOML: every key with its value and meaning."""
    config = config or Config()
    lines = []
    for f in dataclasses.fields(config):
        if f.metadata.get("internal"):
            continue
        value = getattr(config, f.name)
        if not dataclasses.is_dataclass(value):
            lines.append(f"{f.name} = {_toml_value(value)}  # {f.metadata['help']}")
    for f in dataclasses.fields(config):
        section = getattr(config, f.name)
        if not dataclasses.is_dataclass(section):
            continue
        lines.append(f"\n[{f.name}]")
        for sf in dataclasses.fields(section):
            meta = sf.metadata
            note = meta["help"]
            if meta.get("choices"):
                note += f" ({' | '.join(meta['choices'])})"
            lines.append(f"{sf.name} = {_toml_value(getattr(section, sf.name))}  # {note}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)
