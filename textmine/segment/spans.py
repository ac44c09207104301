"""Protected spans: what segmentation emits whole, never cut, and which tokens are words.

Before the engine sees a text, these spans are found — URLs and e-mail addresses, lexicon terms
(leftmost, longest first), runs of English words (Grand View Research) and Latin-script names that
hold a letter, with digits and hyphens (GPT-4o, DeepSeek-R1, 5G; not bare numbers) — and emitted as
single tokens; the engine segments the text between them. URLs and e-mail addresses are then
dropped: :func:`is_word` is false for them, so no stage counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A Latin or mixed name holds a letter (GPT-4o, DeepSeek-R1, 5G, 3D, Qwen3). Bare numbers (90, 2005-2008, 3.5) are
# not protected: cutting the text around them would change their neighbours (高达90% gave 高 / 达 / 90), and jieba
# keeps a number (and its %) whole by itself.
LATIN_NAME = (r"(?<![A-Za-z0-9])(?=(?:[0-9]|[-.+_](?=[A-Za-z0-9]))*[A-Za-z])"
              r"[A-Za-z0-9]+(?:[-.+_][A-Za-z0-9]+)*(?![A-Za-z0-9])")
# A run of English words (letters only, lower case or capitalised) separated by single spaces is one token: a
# multi-word name (Grand View Research, Google Gemini) or a piece of English text, never the fragments
# Grand / View / Research. Acronyms and names with digits or inner capitals (AI, GPT-4o, DeepSeek) end a run.
LATIN_PHRASE = (r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-.+_])[A-Z]?[a-z]+(?: [A-Z]?[a-z]+)+"
                r"(?![A-Za-z0-9])(?![-.+_][A-Za-z0-9])")
_NOT_WORD = re.compile(r"^[\W_]+$")
# URLs and e-mail addresses: protected (never cut into pieces) and then dropped from counting
URL = (r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；、！？（）()【】《》\u4e00-\u9fff]+"
       r"|(?<![A-Za-z0-9.@-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|io|ai)(?:\.cn)?"
       r"(?:/[^\s<>\"'，。；、！？（）()【】《》\u4e00-\u9fff]*)?(?![A-Za-z0-9-])")
EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_DROPPED = re.compile(f"(?:{EMAIL}|{URL})")


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, preferring the longest at each position.

    A trie-shaped pattern keeps matching fast for thousands of terms.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(c) + render(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return render(trie)


_LATIN_BEFORE = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-.+_])"
_LATIN_AFTER = r"(?![A-Za-z0-9])(?![-.+_][A-Za-z0-9])"


def latin_edged(term: str) -> bool:
    return term[0].isascii() and term[0].isalnum() or term[-1].isascii() and term[-1].isalnum()


def term_pattern(terms: Iterable[str]) -> str:
    """Lexicon terms, longest first; a Latin edge of a term must not continue a Latin name.

    (DeepSeek in the lexicon must not cut DeepSeek-R1 apart.)
    """
    plain, edged = [], []
    for term in terms:
        (edged if latin_edged(term) else plain).append(term)
    parts = []
    for term in sorted(edged, key=lambda t: (-len(t), t)):
        before = _LATIN_BEFORE if term[0].isascii() and term[0].isalnum() else ""
        after = _LATIN_AFTER if term[-1].isascii() and term[-1].isalnum() else ""
        parts.append(before + re.escape(term) + after)
    if plain:
        parts.append(trie_pattern(plain))
    return "|".join(parts)


def is_word(token: str) -> bool:
    """False for white space, pure punctuation, and URLs and e-mail addresses (kept whole, never counted)."""
    return not token.isspace() and not _NOT_WORD.match(token) and not _DROPPED.fullmatch(token)


def guarded_pattern(terms: tuple[str, ...], protect_latin: bool) -> re.Pattern[str]:
    """The protected-span pattern of :class:`~textmine.segment.jieba_backend.JiebaSegmenter`, matching the same spans, faster.

    Each alternative is preceded by a look-ahead for the characters it can start with, and the whole by
    one for the characters any of them can start with, so most positions are rejected by one test
    instead of trying every alternative (these are necessary conditions, so the matches do not change).
    The whole is one capturing group, so ``split()`` gives the text between spans and the spans.
    """
    latin = "A-Za-z0-9"
    parts = [f"(?=[{latin}._%+-])(?:{EMAIL})", f"(?=[{latin}])(?:{URL})"]
    first = "".join(sorted({t[0] for t in terms}))
    if terms:
        parts.append(f"(?=[{re.escape(first)}])(?:{term_pattern(terms)})")
    if protect_latin:
        parts.append(f"(?=[A-Za-z])(?:{LATIN_PHRASE})")
        parts.append(f"(?=[{latin}])(?:{LATIN_NAME})")
    return re.compile(f"((?=[{latin}._%+\\-{re.escape(first)}])(?:{'|'.join(parts)}))")
