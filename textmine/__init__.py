"""textmine: Chinese text mining for report corpora.

The pipeline is a chain of plain data objects::

    corpus = read_corpus("corpus")                 # Corpus: documents + metadata
    units = split_units(corpus).units              # Unit: clean paragraphs with offsets
    segmenter = make_segmenter(Config())           # jieba + domain lexicon + protected spans
    tokens = [segment_unit(u, segmenter) for u in units]
    result = run(Config())                         # keywords, keyness, topics, trends as DataFrames

Importing textmine does nothing else: dictionaries and models load on first use.
"""

from .kwic import kwic_table as kwic
from .config import Config, config_from_dict, describe_config, load_config
from .data import Corpus, Document, Dtm, PartialDate, TokenizedUnit, Unit
from .dtm import build_dtm, trim_dtm, vocab_table
from .errors import ConfigError, CorpusError, StageError, TextmineError
from .filters import TermFilter
from .fonts import cjk_font_path
from .io.read import read_corpus
from .io.write import write_run
from .keyness import keyness, keyness_each_vs_rest
from .keywords import top_keywords
from .lexicon import build_lexicon, load_stopwords
from .pipeline import Prepared, RunResult, make_segmenter, prepare, run
from .plots import trend_plot, word_cloud
from .report import write_report
from .segment import JiebaSegmenter, segment_unit, segment_units
from .topics import TopicModel, fit_topics
from .trends import theme_counts
from .units import split_units

__version__ = "0.1.0"

__all__ = [
    "Config", "ConfigError", "Corpus", "CorpusError", "Document", "Dtm", "JiebaSegmenter", "PartialDate",
    "Prepared", "RunResult", "StageError", "TermFilter", "TextmineError", "TokenizedUnit", "TopicModel", "Unit",
    "build_dtm", "build_lexicon", "config_from_dict", "describe_config", "fit_topics", "keyness",
    "keyness_each_vs_rest", "load_config", "load_stopwords", "make_segmenter", "prepare", "read_corpus", "run",
    "segment_unit", "segment_units", "split_units", "theme_counts", "top_keywords", "trim_dtm", "vocab_table",
    "write_report", "write_run", "kwic", "cjk_font_path", "trend_plot", "word_cloud",
]
