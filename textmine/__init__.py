"""textmine: Chinese text mining for report corpora.

The pipeline is a chain of plain data objects::

    corpus = read_corpus("corpus")                 # Corpus: documents + metadata
    units = split_units(corpus).units              # Unit: clean paragraphs with offsets
    segmenter = make_segmenter(Config())           # jieba + domain lexicon + protected spans
    tokens = [segment_unit(u, segmenter) for u in units]
    result = run(Config())                         # keywords, keyness, topics, trends as DataFrames

Importing textmine does nothing else: dictionaries and models load on first use.
"""

# Two public names are also names of submodules: bound here, so the function (not the module) is what
# `textmine.kwic` and `textmine.keyness` give, whatever is imported later.
from .keyness import keyness, keyness_each_vs_rest  # noqa: E402
from .kwic import kwic_table as kwic  # noqa: E402

# The other public names and the module each comes from; a module is imported when one of its names is first used,
# so `import textmine` (and a topic-fit worker process) stays light.
_EXPORTS = {
    "Config": (".config", "Config"),
    "config_from_dict": (".config", "config_from_dict"), "describe_config": (".config", "describe_config"),
    "load_config": (".config", "load_config"), "Corpus": (".data", "Corpus"), "Document": (".data", "Document"),
    "Dtm": (".data", "Dtm"), "PartialDate": (".data", "PartialDate"), "TokenizedUnit": (".data", "TokenizedUnit"),
    "Unit": (".data", "Unit"), "build_dtm": (".dtm", "build_dtm"), "trim_dtm": (".dtm", "trim_dtm"),
    "vocab_table": (".dtm", "vocab_table"), "ConfigError": (".errors", "ConfigError"),
    "CorpusError": (".errors", "CorpusError"), "StageError": (".errors", "StageError"),
    "TextmineError": (".errors", "TextmineError"), "TermFilter": (".filters", "TermFilter"),
    "cjk_font_path": (".fonts", "cjk_font_path"), "read_corpus": (".io.read", "read_corpus"),
    "write_run": (".io.write", "write_run"), "top_keywords": (".keywords", "top_keywords"),
    "build_lexicon": (".lexicon", "build_lexicon"), "load_stopwords": (".lexicon", "load_stopwords"),
    "Prepared": (".pipeline", "Prepared"), "RunResult": (".pipeline", "RunResult"),
    "make_segmenter": (".pipeline", "make_segmenter"), "prepare": (".pipeline", "prepare"),
    "run": (".pipeline", "run"), "trend_plot": (".plots", "trend_plot"), "word_cloud": (".plots", "word_cloud"),
    "write_report": (".report", "write_report"), "JiebaSegmenter": (".segment", "JiebaSegmenter"),
    "segment_unit": (".segment", "segment_unit"), "segment_units": (".segment", "segment_units"),
    "TopicModel": (".topics", "TopicModel"), "fit_topics": (".topics", "fit_topics"),
    "theme_counts": (".trends", "theme_counts"), "split_units": (".units", "split_units"),
}

__version__ = "0.1.0"

__all__ = [
    "Config", "ConfigError", "Corpus", "CorpusError", "Document", "Dtm", "JiebaSegmenter", "PartialDate",
    "Prepared", "RunResult", "StageError", "TermFilter", "TextmineError", "TokenizedUnit", "TopicModel", "Unit",
    "build_dtm", "build_lexicon", "config_from_dict", "describe_config", "fit_topics", "keyness",
    "keyness_each_vs_rest", "load_config", "load_stopwords", "make_segmenter", "prepare", "read_corpus", "run",
    "segment_unit", "segment_units", "split_units", "theme_counts", "top_keywords", "trim_dtm", "vocab_table",
    "write_report", "write_run", "kwic", "cjk_font_path", "trend_plot", "word_cloud",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'textmine' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
