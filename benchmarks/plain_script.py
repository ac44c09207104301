"""The plain script textmine is compared with: what one writes by hand with jieba, scikit-learn, gensim and wordcloud.

    python benchmarks/plain_script.py CORPUS_FOLDER OUT_FOLDER

For a folder of ``.txt`` reports with a ``metadata.csv`` (``id,file,title,date``): segments every paragraph with
``jieba.lcut`` (its own dictionary), keeps words of two or more characters that hold a letter or a Chinese
character, writes the TF-IDF top 30 of each report (scikit-learn ``TfidfVectorizer``), fits gensim LDA with
k = 6 on the paragraphs (5 passes, seed 42), draws one word cloud per report from its top 30 (the same size and
font as textmine's: 1200 × 700, Noto Sans CJK from ``mplfonts``) and one chart of six theme terms per 10,000
words across the reports. It does less than ``textmine run`` (no cleaning, lexicon, keyness, stability seeds,
trend intervals, KWIC, network, report or cache) and is timed as a whole process by ``bench_series.py``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

THEMES = ("智能体", "具身智能", "算电协同", "大模型", "算力", "数据")
WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def main(corpus: Path, out: Path) -> None:
    import jieba
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from gensim import corpora, models
    from matplotlib.font_manager import FontProperties
    from sklearn.feature_extraction.text import TfidfVectorizer
    from wordcloud import WordCloud

    import mplfonts

    font = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    out.mkdir(parents=True, exist_ok=True)
    (out / "wordclouds").mkdir(exist_ok=True)
    with open(corpus / "metadata.csv", encoding="utf-8") as handle:
        reports = list(csv.DictReader(handle))
    reports.sort(key=lambda r: r["date"])
    jieba.initialize()
    paragraphs, words_of = [], []
    for report in reports:
        text = (corpus / report["file"]).read_text(encoding="utf-8")
        words = []
        for line in text.splitlines():
            if line.strip():
                tokens = [w for w in jieba.lcut(line) if len(w) >= 2 and WORD.search(w)]
                paragraphs.append(tokens)
                words += tokens
        words_of.append(words)
    vectorizer = TfidfVectorizer(analyzer=lambda words: words)
    weights = vectorizer.fit_transform(words_of)
    terms = vectorizer.get_feature_names_out()
    with open(out / "keywords.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "term", "score", "rank"])
        for row, report in enumerate(reports):
            scores = weights.getrow(row).toarray().ravel()
            top = scores.argsort()[::-1][:30]
            for rank, column in enumerate(top, start=1):
                writer.writerow([report["id"], terms[column], f"{scores[column]:.6g}", rank])
            cloud = WordCloud(font_path=str(font), width=1200, height=700, background_color="white", random_state=42)
            cloud.generate_from_frequencies({terms[c]: float(scores[c]) for c in top if scores[c] > 0})
            cloud.to_file(str(out / "wordclouds" / f"{report['id']}.png"))
    dictionary = corpora.Dictionary(paragraphs)
    bows = [dictionary.doc2bow(p) for p in paragraphs]
    lda = models.LdaModel(bows, num_topics=6, id2word=dictionary, passes=5, random_state=42)
    with open(out / "topics.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["topic", "term", "weight"])
        for topic in range(6):
            for term, weight in lda.show_topic(topic, topn=15):
                writer.writerow([topic + 1, term, f"{weight:.6g}"])
    figure, axes = plt.subplots(figsize=(9, 5))
    for theme in THEMES:
        axes.plot(range(len(reports)), [words.count(theme) / max(len(words), 1) * 1e4 for words in words_of],
                  marker="o", label=theme)
    axes.legend(prop=FontProperties(fname=str(font)))
    figure.savefig(out / "trends.png", dpi=120)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
