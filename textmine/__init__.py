"""textmine: Chinese text mining for report corpora.

The pipeline is a chain of plain data objects::

    config = load_config("textmine.toml")
    prepared = prepare(config)          # Corpus → Unit (clean paragraphs) → TokenizedUnit → Dtm
    top_keywords(prepared.doc_dtm)      # analyses take the prepared text and return DataFrames
    result = run(config)                # every stage; write_run(result, "outputs")

Importing textmine does nothing else: each public name below is imported from its module when
it is first used, so ``import textmine`` (and a topic-fit worker process) stays light. No public
name is also the name of a submodule.
"""

#: public name → (module, attribute)
_EXPORTS = {
    "Config": ("config", "Config"), "config_from_dict": ("config", "config_from_dict"),
    "describe_config": ("config", "describe_config"), "load_config": ("config", "load_config"),
    "Corpus": ("data", "Corpus"), "Document": ("data", "Document"), "Dtm": ("data", "Dtm"),
    "PartialDate": ("data", "PartialDate"), "TokenizedUnit": ("data", "TokenizedUnit"), "Unit": ("data", "Unit"),
    "build_dtm": ("dtm", "build_dtm"), "trim_dtm": ("dtm", "trim_dtm"), "vocab_table": ("dtm", "vocab_table"),
    "ConfigError": ("errors", "ConfigError"), "CorpusError": ("errors", "CorpusError"),
    "StageError": ("errors", "StageError"), "TextmineError": ("errors", "TextmineError"),
    "TermFilter": ("filters", "TermFilter"), "load_stopwords": ("filters", "load_stopwords"),
    "word_cloud": ("figures", "word_cloud"), "trend_plot": ("figures", "trend_plot"),
    "cjk_font_path": ("fonts", "cjk_font_path"),
    "open_cache": ("io.cache", "open_cache"), "read_corpus": ("io.read", "read_corpus"),
    "write_run": ("io.write", "write_run"), "documents_table": ("io.write", "documents_table"),
    "keyness_table": ("keyness", "keyness_table"), "keyness_each_vs_rest": ("keyness", "keyness_each_vs_rest"),
    "compare_groups": ("keyness", "compare_groups"), "top_keywords": ("keywords", "top_keywords"),
    "kwic_table": ("kwic", "kwic_table"), "build_lexicon": ("lexicon", "build_lexicon"),
    "config_lexicon": ("lexicon", "config_lexicon"), "check_lexicon": ("lexicon", "check_lexicon"),
    "cooccurrence_network": ("network", "cooccurrence_network"), "discover": ("newterms", "discover"),
    "RunResult": ("pipeline", "RunResult"), "run": ("pipeline", "run"),
    "Prepared": ("preparation", "Prepared"), "prepare": ("preparation", "prepare"),
    "JiebaSegmenter": ("segment.jieba_backend", "JiebaSegmenter"), "make_segmenter": ("segment", "make_segmenter"), "segment_unit": ("segment", "segment_unit"),
    "segment_units": ("segment", "segment_units"), "stream_vocab": ("stream", "stream_vocab"),
    "theme_counts": ("trends", "theme_counts"), "theme_trends": ("trends", "theme_trends"),
    "TopicModel": ("topics.model", "TopicModel"), "fit_topics": ("topics.model", "fit_topics"),
    "analyse_topic_model": ("topics.analysis", "analyse_topic_model"),
    "split_units": ("units", "split_units"), "write_report": ("report.render", "write_report"),
}

__version__ = "0.1.0"

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'textmine' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _EXPORTS[name]
    value = getattr(import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
