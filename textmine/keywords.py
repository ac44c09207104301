"""Keywords per document: the terms that distinguish it, by TF-IDF with IDF learned from the corpus itself.

Two methods (``[keywords] method``):

- ``distinctive`` (the default): TF-IDF with sublinear term frequency (1 + ln tf), leaving out terms
  found in more than ``max_df`` of the documents (with three documents or more). A term every report
  of a series uses (发展, 建设, 人民 in every party-congress report) says nothing about one of them;
  the sublinear tf keeps a document's single most repeated word from crowding out the rest.
- ``tfidf``: plain scikit-learn TF-IDF, raw counts, every term.

Both use scikit-learn's ``TfidfTransformer``: smooth idf = ln((1 + n) / (1 + df)) + 1, rows
l2-normalised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dtm
from .dtm import entry_rows, term_ranks, top_per_row
from .errors import ConfigError

METHODS = ("distinctive", "tfidf")
#: the distinctive method's document-frequency ceiling applies from this many documents on
MIN_DOCS_FOR_CEILING = 3


def top_keywords(dtm: Dtm, *, top_n: int = 30, method: str = "distinctive", max_df: float = 0.8) -> pd.DataFrame:
    """``doc_id,term,score,rank`` — the ``top_n`` terms of each row by the method's score (ties by term).

    Works on the sparse matrix, all rows in one sort, so a corpus of many documents never needs a
    dense documents × terms array.
    """
    if method not in METHODS:
        raise ConfigError(f"[keywords] method = {method!r} is not allowed; expected one of {', '.join(METHODS)}")
    if not dtm.vocab:
        return pd.DataFrame(columns=["doc_id", "term", "score", "rank"])
    from sklearn.feature_extraction.text import TfidfTransformer

    distinctive = method == "distinctive"
    weights = TfidfTransformer(sublinear_tf=distinctive).fit_transform(dtm.matrix).tocsr()
    rows = entry_rows(weights)
    keep = weights.data > 0
    if distinctive and len(dtm.row_ids) >= MIN_DOCS_FOR_CEILING:
        keep &= (dtm.doc_freqs() <= max_df * len(dtm.row_ids))[weights.indices]
    rows, columns, values = rows[keep], weights.indices[keep], weights.data[keep]
    picked, ranks = top_per_row(rows, np.round(values, 12), term_ranks(dtm.vocab)[columns], top_n)
    return pd.DataFrame({"doc_id": np.array(dtm.row_ids, dtype=object)[rows[picked]],
                         "term": np.array(dtm.vocab, dtype=object)[columns[picked]],
                         "score": values[picked], "rank": ranks})
