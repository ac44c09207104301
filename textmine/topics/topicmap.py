"""An offline HTML topic map: one self-contained file, no CDN, Chinese rendered with an
embedded subset of the bundled Noto Sans CJK font.

Left: topics as circles placed by classical multidimensional scaling of the
Jensen–Shannon divergences between their term distributions (as LDAvis does), area ∝
prevalence, numbered exactly as in the tables; unstable topics are drawn dashed.
Right: the selected topic's terms ranked by relevance with a λ slider (recomputed in
the page from p(w|t) and p(w)), drawn as LDAvis does (a bar of the term's overall share of
the tokens, the topic's part of it in blue), its prevalence per report and its most
representative paragraphs with document id and character offsets. The page links back to
``report.html`` in the same folder.
"""

from __future__ import annotations

import base64
import html
import json

import numpy as np
import pandas as pd

CANDIDATES = 30      # terms kept per topic for each λ in LAMBDA_GRID (the union goes into the page)
LAMBDA_GRID = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
EXAMPLE_CHARS = 240
MAP_DOCS = 50        # documents listed per topic; more than this: the ones with the highest weight


def js_divergence_matrix(topic_term: np.ndarray) -> np.ndarray:
    p = np.maximum(topic_term, 1e-12)
    p = p / p.sum(axis=1, keepdims=True)
    k = len(p)
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            m = 0.5 * (p[i] + p[j])
            d = 0.5 * float(np.sum(p[i] * np.log(p[i] / m))) + 0.5 * float(np.sum(p[j] * np.log(p[j] / m)))
            out[i, j] = out[j, i] = max(d, 0.0)
    return out


def classical_mds(distances: np.ndarray, dims: int = 2) -> np.ndarray:
    """Principal coordinates of a distance matrix (signs fixed so the layout is deterministic)."""
    k = len(distances)
    if k < 3:
        return np.array([[float(i), 0.0] for i in range(k)])
    centring = np.eye(k) - np.ones((k, k)) / k
    b = -0.5 * centring @ (distances ** 2) @ centring
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:dims]
    coords = vectors[:, order] * np.sqrt(np.maximum(values[order], 0))
    for d in range(coords.shape[1]):
        pivot = np.argmax(np.abs(coords[:, d]))
        if coords[pivot, d] < 0:
            coords[:, d] = -coords[:, d]
    return coords


def embedded_font_css(text: str, cache=None) -> str:
    """``@font-face`` with the bundled CJK font cut down to the characters of ``text`` (base64 OTF)."""
    from ..fonts import cjk_font_subset

    data = base64.b64encode(cjk_font_subset(text + "0123456789.-–—·λ()/% ", layout_features=(),
                                            hinting=False, cache=cache)).decode("ascii")
    return ("@font-face{font-family:'TextmineCJK';"
            f"src:url(data:font/otf;base64,{data}) format('opentype');}}")


def _page_data(model, tables: dict[str, pd.DataFrame], marginal: np.ndarray) -> dict:
    from .evidence import relevance
    from .model import top_indices

    summary = tables["topic_summary"]
    by_lambda = {lam: relevance(model, marginal, lam) for lam in LAMBDA_GRID}
    coords = classical_mds(np.sqrt(js_divergence_matrix(model.topic_term)))
    topics = []
    examples = tables.get("topic_examples", pd.DataFrame())
    doc_topics = tables.get("doc_topics", pd.DataFrame())
    for t in range(model.k):
        chosen: list[int] = []
        for lam in LAMBDA_GRID:
            scores = by_lambda[lam][t]
            for i in top_indices(scores, model.vocab, CANDIDATES):
                if int(i) not in chosen:
                    chosen.append(int(i))
        row = summary.iloc[t]
        ex = examples[examples["topic"] == t + 1] if len(examples) else examples
        docs = doc_topics[doc_topics["topic"] == t + 1] if len(doc_topics) else doc_topics
        n_docs = len(docs)
        if n_docs > MAP_DOCS:
            docs = docs.sort_values(["weight", "doc_id"], ascending=[False, True], kind="stable").head(MAP_DOCS)
        topics.append({
            "topic": t + 1, "label": str(row["label"]), "x": round(float(coords[t, 0]), 6),
            "y": round(float(coords[t, 1]), 6), "prevalence": round(float(row["prevalence"]), 6),
            "stability": None if pd.isna(row["stability"]) else round(float(row["stability"]), 4),
            "unstable": bool(row["unstable"]),
            "terms": [[model.vocab[i], round(float(model.topic_term[t, i]), 8), round(float(marginal[i]), 8)]
                      for i in chosen],
            "examples": [{"doc_id": str(e.doc_id), "unit_id": str(e.unit_id), "start": int(e.start),
                          "end": int(e.end), "weight": round(float(e.weight), 4),
                          "text": e.text if len(e.text) <= EXAMPLE_CHARS else e.text[:EXAMPLE_CHARS] + "…"}
                         for e in ex.itertuples()],
            "docs": [[str(d.doc_id), round(float(d.weight), 4)] for d in docs.itertuples()], "n_docs": n_docs,
        })
    return {"topics": topics}


def topic_map_html(model, tables: dict[str, pd.DataFrame], *, marginal: np.ndarray, lam: float,
                   title: str, cache=None) -> str:
    """The whole page as a string (deterministic for a given model and tables)."""
    data = _page_data(model, tables, marginal)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    font_css = embedded_font_css(payload + title + _UI_TEXT, cache)
    return (_TEMPLATE.replace("%%TITLE%%", html.escape(title)).replace("%%FONT%%", font_css)
            .replace("%%LAMBDA%%", str(lam)).replace("%%DATA%%", payload))


_UI_TEXT = "主题地图 相关性 概率 代表段落 报告 不稳定 稳定性 流行度 点击圆圈查看主题 ←"

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>textmine topic map — %%TITLE%%</title>
<style>
%%FONT%%
body{font-family:'TextmineCJK',sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 8px}
#wrap{display:flex;gap:20px;align-items:flex-start}
#map{border:1px solid #ccc;background:#fafafa}
#side{flex:1;min-width:360px}
.bar{display:flex;align-items:center;font-size:13px;margin:2px 0}
.bar .t{width:110px;flex:none;text-align:right;padding-right:6px;overflow:hidden;white-space:nowrap}
.bar .b{height:12px;background:#4c78a8}
#docs .bar .t{width:240px}
.bar .o{height:12px;background:#ccc}
.ex{font-size:13px;border-left:3px solid #4c78a8;padding:2px 8px;margin:6px 0}
.meta{color:#666;font-size:12px}
.warn{color:#b00;font-weight:bold}
circle{cursor:pointer}
</style></head><body>
<p class="meta"><a href="report.html">← report.html</a> (the run's report, in this folder)</p>
<h1>主题地图 Topic map — %%TITLE%%</h1>
<p class="meta">点击圆圈查看主题 · Click a circle. Circle area ∝ prevalence 流行度; distance ≈ Jensen–Shannon
divergence between topics. Dashed circles: 不稳定 unstable across seeds. Topic numbers are those of topics.csv.</p>
<div id="wrap"><svg id="map" width="520" height="520" viewBox="0 0 520 520"></svg>
<div id="side">
<div>λ = <input id="lam" type="range" min="0" max="1" step="0.05" value="%%LAMBDA%%">
<span id="lamv">%%LAMBDA%%</span> <span class="meta">(相关性 relevance = λ·log p(w|t) + (1−λ)·log(p(w|t)/p(w)))</span></div>
<h2 id="head" style="font-size:16px"></h2><div id="terms"></div>
<h3 style="font-size:14px">报告 Prevalence per report</h3><div id="docs"></div>
<h3 style="font-size:14px">代表段落 Representative paragraphs</h3><div id="examples"></div>
</div></div>
<script id="data" type="application/json">%%DATA%%</script>
<script>
const DATA = JSON.parse(document.getElementById('data').textContent);
const svg = document.getElementById('map'); const NS = 'http://www.w3.org/2000/svg';
let current = DATA.topics.length ? DATA.topics[0].topic : null;
function esc(s){return String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
function draw(){
  svg.innerHTML=''; const T=DATA.topics; if(!T.length) return;
  const xs=T.map(t=>t.x), ys=T.map(t=>t.y);
  const span=Math.max(Math.max(...xs)-Math.min(...xs), Math.max(...ys)-Math.min(...ys), 1e-9);
  const cx=(Math.max(...xs)+Math.min(...xs))/2, cy=(Math.max(...ys)+Math.min(...ys))/2;
  for(const t of T){
    const x=260+(t.x-cx)/span*380, y=260-(t.y-cy)/span*380, r=8+Math.sqrt(t.prevalence)*90;
    const c=document.createElementNS(NS,'circle');
    c.setAttribute('cx',x); c.setAttribute('cy',y); c.setAttribute('r',r);
    c.setAttribute('fill', t.topic===current?'#e45756':'#4c78a8'); c.setAttribute('fill-opacity','0.45');
    c.setAttribute('stroke','#333'); if(t.unstable) c.setAttribute('stroke-dasharray','4 3');
    c.addEventListener('click',()=>{current=t.topic; draw(); show();});
    const title=document.createElementNS(NS,'title'); title.textContent=t.topic+' '+t.label; c.appendChild(title);
    svg.appendChild(c);
    const n=document.createElementNS(NS,'text'); n.setAttribute('x',x); n.setAttribute('y',y+5);
    n.setAttribute('text-anchor','middle'); n.setAttribute('font-size','14'); n.setAttribute('pointer-events','none');
    n.textContent=t.topic; svg.appendChild(n);
  }
}
function show(){
  const t=DATA.topics.find(t=>t.topic===current); if(!t) return;
  const lam=parseFloat(document.getElementById('lam').value);
  document.getElementById('lamv').textContent=lam.toFixed(2);
  document.getElementById('head').innerHTML='Topic '+t.topic+' · '+esc(t.label)+
    ' <span class="meta">流行度 prevalence '+(t.prevalence*100).toFixed(1)+'% · 稳定性 stability '+
    (t.stability===null?'n/a':t.stability.toFixed(2))+'</span>'+(t.unstable?' <span class="warn">不稳定 unstable</span>':'');
  const ranked=t.terms.map(([w,p,pw])=>({w,p,pw,r:lam*Math.log(Math.max(p,1e-12))+(1-lam)*Math.log(Math.max(p,1e-12)/Math.max(pw,1e-12))}))
    .sort((a,b)=>b.r-a.r||(a.w<b.w?-1:1)).slice(0,20);
  // as LDAvis: both bars in the same unit, the term's share of all tokens; blue the part in this topic
  // (p(w|t) × the topic's prevalence), grey the rest (up to p(w)); one scale for the topic at every λ (its
  // most frequent candidate term), so the rare terms a small λ brings up show as short bars
  const maxp=Math.max(...t.terms.map(([w,p,pw])=>Math.max(p*t.prevalence,pw)),1e-12);
  document.getElementById('terms').innerHTML=ranked.map(x=>{const inT=x.p*t.prevalence;
    return '<div class="bar"><span class="t">'+esc(x.w)+
    '</span><span class="b" style="width:'+(inT/maxp*220).toFixed(1)+'px" title="p(w|t)='+x.p.toPrecision(3)+
    ' × prevalence '+t.prevalence.toPrecision(3)+' = '+inT.toPrecision(3)+'"></span><span class="o" style="width:'+
    (Math.max(0,x.pw-inT)/maxp*220).toFixed(1)+'px" title="p(w)='+x.pw.toPrecision(3)+'"></span></div>';}).join('')+
    '<p class="meta">bar: the share of all tokens that are this term, p(w); blue: the part in this topic, '+
    'p(w|t) × prevalence; grey: the rest, in other topics</p>';
  document.getElementById('docs').innerHTML=t.docs.map(([d,w])=>'<div class="bar"><span class="t" title="'+esc(d)+'">'+
    esc(d)+'</span><span class="b" style="width:'+(w*300).toFixed(1)+'px"></span>&nbsp;'+(w*100).toFixed(1)+'%</div>').join('')+
    (t.n_docs>t.docs.length?'<p class="meta">the '+t.docs.length+' of '+t.n_docs+' documents with the highest share; all in doc_topics.csv</p>':'');
  document.getElementById('examples').innerHTML=t.examples.map(e=>'<div class="ex"><div class="meta">'+esc(e.doc_id)+
    ' · '+esc(e.unit_id)+' · chars '+e.start+'–'+e.end+' · weight '+e.weight.toFixed(2)+'</div>'+esc(e.text)+'</div>').join('');
}
document.getElementById('lam').addEventListener('input',show);
draw(); show();
</script></body></html>
"""
