"""Summaries of what happened to each input, for the end of a run."""

from __future__ import annotations

from ..data import Corpus


def skipped_summary(corpus: Corpus, limit: int = 20) -> str:
    """One line per skipped input after a header line; empty when nothing was skipped."""
    skipped = corpus.skipped
    if not skipped:
        return ""
    used = sum(1 for r in corpus.inputs if r.status == "used")
    lines = [f"skipped {len(skipped)} input(s), used {len(corpus)} document(s) from {used} input(s) "
             f"(listed under corpus.skipped in manifest.json):"]
    lines += [f"  {r.name}: {r.reason} ({r.detail})" for r in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"  … and {len(skipped) - limit} more")
    return "\n".join(lines)
