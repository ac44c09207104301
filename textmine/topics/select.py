"""Choosing the number of topics from a range.

For every k in the range the model is fitted on the training units (a seeded share is
held out), once per stability seed. Each k gets a row in the k-selection table:

``k, c_v, c_npmi, u_mass, heldout_ll, perplexity, diversity, stability, unstable_topics, proposed``

**The rule** (written into the README): among the k whose mean stability is at least the
stability threshold and whose topic diversity is at least 0.5, propose the one with the
highest NPMI coherence (ties: the smaller k). If no k qualifies, propose the k with the
highest mean stability. Held-out likelihood is shown but not used: it keeps improving with
k long after topics stop being readable.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ..errors import ConfigError

K_COLUMNS = ["k", "c_v", "c_npmi", "u_mass", "heldout_ll", "perplexity", "diversity", "stability",
             "unstable_topics", "proposed"]
MIN_DIVERSITY = 0.5


def parse_k(value: str, name: str = "--k") -> tuple[int, ...]:
    """``"8"`` → (8,); ``"5:30:5"`` → (5, 10, …, 30) (both ends included); ``"4:8"`` → step 1."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)(?::(\d+)(?::(\d+))?)?", text)
    if not match:
        raise ConfigError(f"{name} = {value!r} is not allowed; expected a number (8) or a range A:B:STEP (5:30:5)")
    start = int(match.group(1))
    stop = int(match.group(2)) if match.group(2) else start
    step = int(match.group(3)) if match.group(3) else 1
    if start < 2 and match.group(2) or start < 1 or step < 1 or stop < start:
        raise ConfigError(f"{name} = {value!r} is out of range; a range needs 2 <= A <= B and STEP >= 1")
    return tuple(range(start, stop + 1, step))


def propose_k(table: pd.DataFrame, threshold: float) -> int:
    """Apply the documented rule to a k-selection table (see module docstring)."""
    ok = table[(table["stability"].fillna(1.0) >= threshold) & (table["diversity"] >= MIN_DIVERSITY)]
    ok = ok[ok["c_npmi"].notna()]
    if len(ok):
        best = ok.sort_values(["c_npmi", "k"], ascending=[False, True], kind="mergesort")
        return int(best["k"].iloc[0])
    ranked = table.assign(s=table["stability"].fillna(-math.inf)).sort_values(
        ["s", "k"], ascending=[False, True], kind="mergesort")
    return int(ranked["k"].iloc[0])


def k_table_row(k: int, scores: dict, heldout: dict, diversity: float, stability: np.ndarray,
                threshold: float) -> dict:
    def mean(values):
        values = np.asarray(values, dtype=float)
        return float(np.nanmean(values)) if np.isfinite(values).any() else math.nan

    return {"k": k, "c_v": mean(scores["c_v"]), "c_npmi": mean(scores["c_npmi"]), "u_mass": mean(scores["u_mass"]),
            "heldout_ll": heldout["ll_per_token"], "perplexity": heldout["perplexity"], "diversity": diversity,
            "stability": mean(stability),
            "unstable_topics": int(np.sum(np.nan_to_num(stability, nan=1.0) < threshold)), "proposed": False}
