"""One topic-model interface over several engines.

Every engine takes the same term lists, ``k``, ``seed`` and ``iterations`` and
returns a :class:`TopicModel` holding plain arrays, so tables, plots and
evaluation never depend on the engine. Topics are numbered from 1 everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import StageError, TooLittleText

if TYPE_CHECKING:   # pandas is imported where tables are made: a fit-worker process never needs it
    import pandas as pd


@dataclass(frozen=True, eq=False)
class TopicModel:
    engine: str
    k: int
    seed: int
    vocab: tuple[str, ...]
    topic_term: np.ndarray      # k × V, each row a distribution over the vocabulary
    doc_topic: np.ndarray       # n × k, each row a distribution over topics
    row_ids: tuple[str, ...]
    params: dict = field(default_factory=dict)

    def top_terms(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` most probable terms of topic ``topic`` (numbered from 1)."""
        weights = self.topic_term[topic - 1]
        return [(self.vocab[i], float(weights[i])) for i in top_indices(weights, self.vocab, n)]

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(meta, arrays)``: the model as JSON-able settings and plain arrays (what the cache keeps)."""
        meta = {"engine": self.engine, "k": self.k, "seed": self.seed, "params": self.params}
        return meta, {"vocab": np.array(self.vocab, dtype=str), "topic_term": self.topic_term,
                      "doc_topic": self.doc_topic, "row_ids": np.array(self.row_ids, dtype=str)}

    @classmethod
    def from_arrays(cls, meta: dict, arrays: dict[str, np.ndarray]) -> TopicModel:
        return cls(meta["engine"], int(meta["k"]), int(meta["seed"]), tuple(arrays["vocab"].tolist()),
                   arrays["topic_term"], arrays["doc_topic"], tuple(arrays["row_ids"].tolist()), meta["params"])


def top_indices(values: np.ndarray, vocab: Sequence[str], n: int) -> list[int]:
    """Indices of the ``n`` largest ``values`` (rounded to 12 decimals), ties broken by the term, so the
    order never depends on an engine's vocabulary order. Only the candidates that can make the top ``n``
    are sorted (a topic has tens of thousands of terms)."""
    keys = -np.round(np.asarray(values, dtype=float), 12)
    if n <= 0:
        return []
    if n < len(keys):
        candidates = np.flatnonzero(keys <= np.partition(keys, n - 1)[n - 1])
    else:
        candidates = np.arange(len(keys))
    return sorted(candidates.tolist(), key=lambda i: (keys[i], vocab[i]))[:n]


def _progress(total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="it", disable=None, leave=False)


def _fit_tomotopy(docs, *, k, seed, iterations, workers, progress, **options):
    import tomotopy as tp

    weighting = {"one": tp.TermWeight.ONE, "idf": tp.TermWeight.IDF, "pmi": tp.TermWeight.PMI}
    model = tp.LDAModel(k=k, seed=seed, tw=weighting[options.get("term_weight", "one")],
                        min_cf=options.get("min_term_count", 0), rm_top=options.get("drop_top", 0),
                        alpha=options.get("alpha", 0.1), eta=options.get("eta", 0.01))
    if not options.get("optimize_alpha", True):
        model.optim_interval = 0
    added = [i for i, terms in enumerate(docs) if terms]   # tomotopy skips an empty document
    for i in added:
        model.add_doc(docs[i])
    step = max(1, min(50, iterations))
    done = 0
    with _progress(iterations, f"topics (tomotopy, k={k})") if progress else _null() as bar:
        while done < iterations:
            n = min(step, iterations - done)
            # One thread per fit: measured with tomotopy 0.14, PARTITION with 2 threads repeats itself
            # but differs from 1 thread, and COPY_MERGE does not even repeat. ``workers`` runs whole
            # fits side by side instead (analysis.fit_runs), so results never depend on it.
            model.train(n, workers=1, parallel=tp.ParallelScheme.NONE)
            done += n
            if bar is not None:
                bar.update(n)
    vocab = tuple(model.used_vocabs)
    topic_term = np.array([model.get_topic_word_dist(t) for t in range(k)], dtype=float)
    doc_topic = np.array([doc.get_topic_dist() for doc in model.docs], dtype=float)
    if len(added) != len(docs):      # an empty document gets equal weights
        full = np.full((len(docs), k), 1.0 / k)
        full[added] = doc_topic
        doc_topic = full
    return vocab, topic_term, doc_topic, {"alpha": float(np.mean(model.alpha)), "eta": float(model.eta),
                                          "ll_per_word": float(model.ll_per_word)}


def _fit_gensim(docs, *, k, seed, iterations, workers, progress, **options):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    dictionary = Dictionary(docs)
    bows = [dictionary.doc2bow(d) for d in docs]
    passes = max(1, iterations // 10)
    model = LdaModel(bows, num_topics=k, id2word=dictionary, random_state=seed, passes=passes,
                     iterations=100, alpha="auto", eta="auto")
    vocab = tuple(dictionary[i] for i in range(len(dictionary)))
    topic_term = model.get_topics()
    doc_topic = np.zeros((len(bows), k))
    for row, bow in enumerate(bows):
        for topic, weight in model.get_document_topics(bow, minimum_probability=0.0):
            doc_topic[row, topic] = weight
    return vocab, topic_term, doc_topic, {"passes": passes}


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _fit_nmf(docs, **kwargs):
    from .nmf import fit_nmf

    return fit_nmf(docs, **kwargs)


ENGINES: dict[str, Callable] = {"tomotopy": _fit_tomotopy, "gensim": _fit_gensim, "nmf": _fit_nmf}


def check_enough_rows(rows: int, k: int) -> None:
    """Raise :class:`~textmine.errors.TooLittleText` when ``rows`` units (or documents) cannot hold ``k`` topics."""
    if rows < k:
        raise TooLittleText(f"topics: {rows} unit(s) with enough content terms, fewer than k = {k}; lower [topics] k "
                            f"or min_unit_tokens")


def floor_counts(docs: Sequence[Sequence[str]], engine: str) -> dict[str, int]:
    """What ``[topics] min_term_count`` compares with, per term: its occurrences across ``docs`` (tomotopy's
    ``min_cf``), or for nmf the rows holding it (scikit-learn's ``min_df``)."""
    from collections import Counter

    return Counter(t for terms in docs for t in (set(terms) if engine == "nmf" else terms))


def has_term_floor(engine: str, min_count: int) -> bool:
    """Whether ``[topics] min_term_count`` leaves any term out for ``engine`` (gensim has no floor)."""
    return min_count > 1 and engine != "gensim"


def check_enough_terms(docs: Sequence[Sequence[str]], k: int, *, engine: str, min_count: int) -> None:
    """Raise :class:`~textmine.errors.TooLittleText` when ``[topics] min_term_count`` leaves fewer than ``k`` terms
    to fit (:func:`floor_counts`)."""
    if not has_term_floor(engine, min_count):
        return
    kept = sum(1 for count in floor_counts(docs, engine).values() if count >= min_count)
    if kept < k:
        seen = (f"in at least {min_count} of the fitted units" if engine == "nmf" else
                f"seen at least {min_count} times across the fitted units")
        raise TooLittleText(f"topics: {kept} term(s) {seen}, fewer than k = {k}; lower [topics] min_term_count or k")


def check_enough_text(docs: Sequence[Sequence[str]], k: int, *, engine: str, min_count: int) -> None:
    """:func:`check_enough_rows` and :func:`check_enough_terms`: whether ``docs`` can be fitted with ``k`` topics."""
    check_enough_rows(len(docs), k)
    check_enough_terms(docs, k, engine=engine, min_count=min_count)


def fit_topics(docs: Sequence[Sequence[str]], row_ids: Sequence[str], *, k: int, engine: str = "tomotopy",
               seed: int = 42, iterations: int = 500, workers: int = 1, progress: bool = False,
               **options) -> TopicModel:
    """Fit ``k`` topics over term lists ``docs`` (one per row id) with the named engine.

    ``options`` are engine settings (tomotopy: ``term_weight``, ``min_term_count``, ``drop_top``, ``alpha``,
    ``eta``, ``optimize_alpha``; nmf: ``min_term_count``); engines ignore those they do not know, and
    missing ones take the library's defaults. With ``specificity`` > 0 a first fit of
    ``specificity_iterations`` finds the frequent terms spread evenly over the topics and the model is
    fitted again without them (:mod:`textmine.topics.spread`); ``drop_terms`` gives that set directly.
    One fit always runs on one thread; ``workers`` is accepted for compatibility and ignored
    (see :func:`textmine.topics.analysis.fit_runs`)."""
    if engine not in ENGINES:
        raise StageError(f"topics engine {engine!r} is unknown; choose one of {', '.join(ENGINES)}")
    if len(docs) != len(row_ids):
        raise ValueError("one row id per document is needed")
    if any(isinstance(d, str) for d in docs):
        raise TypeError("each document must be a list of terms, not a string")
    check_enough_text(docs, k, engine=engine, min_count=options.get("min_term_count", 0))
    dropped = options.pop("drop_terms", None)
    specificity = options.pop("specificity", 0.0)
    first_iterations = options.pop("specificity_iterations", 50)
    if dropped is None:
        dropped = {}
        if specificity > 0:
            dropped = find_spread_terms(docs, k=k, engine=engine, seed=seed, threshold=specificity,
                                        iterations=first_iterations, **options)
    if dropped:
        from .spread import without

        docs = without(docs, dropped)
    vocab, topic_term, doc_topic, extra = ENGINES[engine](
        docs, k=k, seed=seed, iterations=iterations, workers=workers, progress=progress, **options)
    params = {"k": k, "seed": seed, "iterations": iterations, **options, **extra}
    if specificity > 0 or dropped:
        params.update(specificity=specificity, specificity_iterations=first_iterations,
                      spread_terms=dict(dropped))
    return TopicModel(engine, k, seed, tuple(vocab), topic_term, doc_topic, tuple(row_ids), params)


def find_spread_terms(docs: Sequence[Sequence[str]], *, k: int, engine: str, seed: int, threshold: float,
                      iterations: int = 50, **options) -> dict[str, float]:
    """The frequent terms spread evenly over the topics of a short first fit (same seed and settings) on
    ``docs``, or on a sample of them drawn with ``seed`` for a large corpus
    (:func:`~textmine.topics.spread.first_fit_sample`): distinctiveness below ``threshold`` nats (see
    :mod:`textmine.topics.spread`), term → distinctiveness."""
    from .spread import first_fit_sample, spread_terms

    sample, min_count = first_fit_sample(docs, seed)
    vocab, _, doc_topic, _ = ENGINES[engine](sample, k=k, seed=seed, iterations=iterations, workers=1,
                                             progress=False, **options)
    return spread_terms(sample, vocab, doc_topic, threshold, min_count)


def topic_terms_table(model: TopicModel, top_n: int = 15) -> pd.DataFrame:
    """``topic,rank,term,weight``."""
    rows = [{"topic": t, "rank": r, "term": term, "weight": w}
            for t in range(1, model.k + 1)
            for r, (term, w) in enumerate(model.top_terms(t, top_n), start=1)]
    import pandas as pd

    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def doc_topics_table(model: TopicModel, groups: Sequence[str] | None = None,
                     weights: Sequence[float] | None = None, id_name: str = "doc_id") -> pd.DataFrame:
    """``doc_id,topic,weight``; with ``groups`` the rows (units) are averaged per group,
    weighted by ``weights`` (e.g. token counts), giving topic prevalence per document."""
    matrix = model.doc_topic
    ids = list(model.row_ids)
    if groups is not None:
        weights = np.ones(len(ids)) if weights is None else np.asarray(weights, dtype=float)
        labels = list(dict.fromkeys(groups))
        grouped = np.zeros((len(labels), model.k))
        index = {g: i for i, g in enumerate(labels)}
        totals = np.zeros(len(labels))
        for row, group in enumerate(groups):
            grouped[index[group]] += weights[row] * matrix[row]
            totals[index[group]] += weights[row]
        matrix = grouped / np.where(totals > 0, totals, 1)[:, None]
        ids = labels
    import pandas as pd

    return pd.DataFrame({id_name: np.repeat(np.asarray(ids, dtype=object), model.k),
                         "topic": np.tile(np.arange(1, model.k + 1, dtype=np.int64), len(ids)),
                         "weight": np.asarray(matrix, dtype=float).ravel()}, columns=[id_name, "topic", "weight"])
