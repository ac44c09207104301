"""What every column of every table means: the one glossary the README, the report and the tests use.

A rate is always per 10,000 **word tokens**: every word the segmenter produced (stopwords
included; punctuation, white space, URLs and e-mail addresses are not words), so the same
document has the same denominator in every table (``documents.csv``: ``tokens``). A count is
either every *mention* of a theme's terms (``trends.csv``, ``kwic.csv``: also inside a longer word)
or how often a term came out as a whole *term* — a word token, or adjacent tokens joined into a phrase of the
policy lexicon (``[filter] phrases``) — (``vocab.csv``, keywords, keyness, topics).
"""

from __future__ import annotations

RATE = ("occurrences per 10,000 word tokens (every segmented word, stopwords included; punctuation and white "
        "space are not words)")

#: column → meaning, wherever the column appears (tables may override below)
COLUMNS: dict[str, str] = {
    "doc_id": "document id (file name or the id column of a table)",
    "unit_id": "paragraph id: document id and the paragraph's number in the document",
    "date": "the document's date, at the precision it is known (2025, 2025-10, 2025-10-03)",
    "title": "the document's title, from metadata.csv or the table",
    "publisher": "the document's publisher, from metadata.csv or the table",
    "chars": "characters of the document as read",
    "units": "paragraph units the document has after cleaning",
    "tokens": "word tokens: the denominator of every rate",
    "stub": "true for a document far shorter than the median (fewer word tokens than [trends] stub_share of the "
            "median): it is left out of periods, since a placeholder is not evidence of absence",
    "kind": "paragraph, heading or note (an explanatory footnote)",
    "start": "character offset in the original document where the span starts",
    "end": "character offset in the original document where the span ends (exclusive)",
    "text": "the paragraph as a reader sees it (original script, junk removed)",
    "n_tokens": "word tokens of the paragraph",
    "term": "a word as segmented and folded for counting (width and Traditional → Simplified)",
    "count": "occurrences of the term as a whole word token",
    "doc_freq": "documents (or, for periods, documents of the period) in which it occurs",
    "rank": "position in its list, from 1",
    "score": "the keyword's TF-IDF weight in the document (rows l2-normalised, so comparable within a document)",
    "count_target": "occurrences as a whole token in the target (the document, or the target group)",
    "count_reference": "occurrences as a whole token in the reference (the other documents, or the reference group)",
    "per_10k_target": f"rate in the target: {RATE}",
    "per_10k_reference": f"rate in the reference: {RATE}",
    "g2": "log-likelihood G² of the term's count in target against reference, each side's size its word tokens "
          "(Dunning 1993; Rayson & Garside 2000); 3.84 ≈ p 0.05, 10.83 ≈ p 0.001 for one test",
    "chi2": "Pearson chi² of the same 2×2 table, no continuity correction",
    "p_value": "p of G² under chi² with one degree of freedom (one test; with many terms, read it as a ranking)",
    "log_ratio": "log2 of the ratio of the two rates, 0.5 added to a zero count (Hardie 2014): 1 = twice as often",
    "target": "the group studied ([keyness] target)",
    "reference": "the group it is compared with ([keyness] reference; 'rest' = every other document)",
    "side": "target: the term is over-represented in the target; reference: in the reference",
    "theme": "the theme's name (its rule is in manifest.json and the report)",
    "per_10k": f"mentions {RATE}",
    "nested": "mentions that sit inside a longer word token (人工智能 inside 生成式人工智能)",
    "rule_hits": "mentions matched by a near or same-sentence rule rather than by a term",
    "nested_in": "the longer tokens holding the nested mentions, most frequent first, with their numbers",
    "first_appearance": "true in the earliest dated document (or period) where the theme occurs (never for an "
                        "undated document, nor for periods that are groups following no order in time)",
    "period": "the period: a date at the coarsest precision the documents share, a year, a month, or a metadata "
              "value ([trends] by)",
    "n_docs": "documents in the period",
    "ci_low": "lower end of the interval of the rate (confidence [trends] confidence)",
    "ci_high": "upper end of the interval of the rate",
    "ci_over": "what the interval resamples: documents (two or more in the period), paragraphs (one document), "
               "or poisson (never seen: the exact Poisson upper bound for zero events)",
    "from_period": "the earlier of two consecutive periods",
    "to_period": "the later of two consecutive periods",
    "per_10k_from": "the rate in the earlier period",
    "per_10k_to": "the rate in the later period",
    "change": "per_10k_to − per_10k_from",
    "log2_ratio": "log2 of the ratio of the two rates, half an occurrence per the periods' mean size added to both "
                  "(its sign is the sign of change)",
    "ci_separated": "true when the two periods' intervals do not overlap: a change a reader can trust more than "
                    "one inside the noise",
    "direction": "rise, fall or flat",
    "query": "the term or theme asked for",
    "left": "characters before the match in the paragraph as written",
    "match": "the mention as written (Traditional stays Traditional)",
    "right": "characters after the match in the paragraph as written",
    "rule": "the term or rule of the theme that matched",
    "fit": "how the segmentation holds the mention: token (one whole word), nested (inside a longer word), split "
           "(across words); empty for a rule hit",
    "within": "the longer word a nested mention sits in",
    "page": "page of the source (PDF) where the paragraph starts; empty where the source has no pages",
    "topic": "topic number, from 1, the same in every table and the topic map",
    "weight": "topic weight: a term's probability in the topic (topics.csv) or the topic's share of a document or "
              "paragraph (doc_topics.csv, unit_topics.csv: the document's is the token-weighted mean of its "
              "paragraphs')",
    "unstable": "true when refitting with other seeds does not reproduce the topic: its matched topic in the other "
                "fits shares on average fewer than 7 of its 10 top terms (mean Jaccard below [topics] "
                "stability_threshold, by default 0.5); a tentative grouping that may split or merge under another seed",
    "label": "three terms that distinguish the topic: the most relevant of the terms the topic holds more than half "
             "of, so a word frequent in every topic never labels one",
    "prevalence": "the topic's share of all paragraph tokens",
    "stability": "mean Jaccard similarity of the topic's top 10 terms with its matched topic in each other seed's fit",
    "top_terms": "the topic's most probable terms",
    "probability": "the term's probability in the topic",
    "relevance": "LDAvis relevance: λ log p(term|topic) + (1 − λ) log(p(term|topic) / p(term)), λ = "
                 "[topics] relevance_lambda",
    "distinctiveness": "KL divergence of the term's topic distribution from the corpus's (nats): 0 = spread over "
                       "the topics exactly as the corpus is",
    "source": "one end of the link",
    "cooccurrences": "sentences (or paragraphs) holding both terms",
    "jaccard": "co-occurrences / windows holding either term",
    "npmi": "normalised pointwise mutual information of the two terms' windows (−1 … 1)",
    "source_freq": "windows holding the source term",
    "target_freq": "windows holding the target term",
    "community": "Louvain community of the term (seeded), from 1",
    "freq": "windows holding the term",
    "degree": "links of the term in the network",
}

#: table → {column: meaning} where a table's column means something more specific than :data:`COLUMNS`
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "trends.csv": {"count": "every mention of the theme's terms in the document, also inside longer words; the "
                            "mentions kwic.csv lists", "tokens": "word tokens of the document (the denominator)"},
    "trends_period.csv": {"count": "mentions in the period's documents", "tokens": "word tokens of the period",
                          "doc_freq": "documents of the period that mention the theme"},
    "vocab.csv": {"count": "occurrences of the term as a whole word token, or as the tokens of a policy phrase "
                           "joined into one (a mention inside a longer word is not counted here; theme counts "
                           "count it)", "doc_freq": "documents holding the term"},
    "keyness_compare.csv": {"rank": "position within its side, by G²"},
    "cooccurrence.csv": {"target": "the other end of the link",
                         "weight": "the link's strength in [network] measure (jaccard, npmi or g2)",
                         "g2": "log-likelihood G² of the two terms' co-occurrence against independence"},
    "topic_dates.csv": {"weight": "mean topic share over the documents of the date",
                        "ci_low": "lower end of the bootstrap interval of the mean share (95 %)",
                        "ci_high": "upper end of the bootstrap interval of the mean share (95 %)",
                        "ci_over": "what the interval resamples: documents (two or more of the date) or paragraphs "
                                   "(the one document's, each weighted by its tokens); empty when there is nothing to "
                                   "resample"},
    "period_keywords.csv": {
        "period": "the period: as in trends_period.csv ([trends] by), merged into years or decades when there are "
                  "more than 12 (stubs left out)",
        "n_docs": "documents of the period",
        "count": "occurrences of the term as a whole word token in the period's documents",
        "per_10k": f"the term's rate in the period: {RATE}",
        "doc_freq": "documents of the period holding the term",
        "score": "distinctive TF-IDF weight of the term in the period's documents taken together, against the other "
                 "periods ([keywords] method distinctive: used at least min_ratio times as often as in the rest)",
        "rank": "position among the period's keywords, by score",
        "first_appearance": "true when no earlier period uses the term at all (never in the first period, nor when "
                            "the periods are groups that follow no order in time)"},
    "units.csv": {"page": "page of the source (PDF) where the paragraph starts; empty where the source has no pages"},
    "topic_examples.csv": {"weight": "the topic's share of the paragraph's content terms",
                           "rank": "position among the topic's most representative paragraphs: by the lower end of "
                                   "the 95 % interval of the weight given the paragraph's content terms, so a short "
                                   "line needs a larger weight than a long paragraph"},
    "topic_spread_terms.csv": {"count": "occurrences in the rows fitted (paragraphs or whole documents)"},
    "topic_fit.csv": {"item": "what is described: fit_on, rows_fitted, k, fits, iterations, spread_terms, "
                              "unstable_topics",
                      "value": "its value in this run",
                      "note": "why, in a sentence a report can quote"},
    "documents.csv": {},
    "inputs.csv": {"name": "the input: a file of the corpus folder, or a table's file or skipped row",
                   "status": "used or skipped", "reason": "why a skipped input was left out (empty, binary, "
                   "undecodable, oversized, unsupported, unlisted, invalid, no-text-layer, encrypted, damaged, "
                   "no-article)", "detail": "what was seen (a skipped input), or a note on how it was read",
                   "encoding": "the text encoding it was decoded with", "method": "how the encoding was found",
                   "chaos": "how garbled the decoded text looked to the encoding detector (0 = clean)",
                   "format": "pdf, docx, html or xlsx for inputs read with that format's reader",
                   "pages": "pages of a PDF"},
    "keywords.csv": {},
}


def describe(table: str, column: str) -> str:
    """What ``column`` of ``table`` (a file name such as ``trends.csv``) means; empty when unknown."""
    return TABLE_COLUMNS.get(table, {}).get(column) or COLUMNS.get(column, "")
