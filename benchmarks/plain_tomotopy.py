"""The plain script a researcher would write instead of textmine: rjieba + stopwords-iso + tomotopy LDA.

    python benchmarks/plain_tomotopy.py CSV TEXT_COLUMN ID_COLUMN SEED ITERATIONS THREADS OUT_CSV

Writes ``doc_id,topic`` (each document's dominant topic, from 1) to OUT_CSV and prints the topics' top
terms. benchmarks/bench_topics.py runs it as a whole process beside ``textmine topics``.
"""

import sys

import pandas as pd
import rjieba
import stopwordsiso
import tomotopy as tp

path, text_column, id_column, seed, iterations, threads, out = sys.argv[1:8]
frame = pd.read_csv(path)
stopwords = stopwordsiso.stopwords("zh")
model = tp.LDAModel(k=10, seed=int(seed))
ids = []
for doc_id, text in zip(frame[id_column], frame[text_column].fillna("").astype(str)):
    words = [w for w in rjieba.cut(text) if len(w) > 1 and w not in stopwords]
    if words:
        model.add_doc(words)
        ids.append(doc_id)
model.train(int(iterations), workers=int(threads))
for topic in range(model.k):
    print(topic + 1, " ".join(word for word, _ in model.get_topic_words(topic, top_n=10)))
dominant = [max(range(model.k), key=doc.get_topic_dist().__getitem__) + 1 for doc in model.docs]
pd.DataFrame({"doc_id": ids, "topic": dominant}).to_csv(out, index=False)
