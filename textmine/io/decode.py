"""Turn the bytes of an input file into text, or say precisely why not.

Researchers' folders mix UTF-8 (with and without a byte-order mark), UTF-16
from Word exports, GB18030/GBK from mainland sites and Big5 from Taiwan and
Hong Kong. :func:`decode_bytes` recognises a byte-order mark, then strict
UTF-8, then asks charset-normalizer (Chinese encodings first, then any) and
accepts its answer only when the decoded text is coherent. A file it cannot
decode with confidence is rejected with a reason, never decoded into mojibake.

:func:`check_input` applies the other per-file checks (empty, binary, too big,
one enormous line). Both raise :class:`InputRejected`, which the reader turns
into a skipped input with a warning.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

AUTO = "auto"
#: Encodings tried first when detecting: the ones Chinese corpora actually come in.
CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
#: Highest "mess" ratio (charset-normalizer's chaos, 0–1) accepted for a detected encoding.
MAX_CHAOS = 0.1
#: Lowest share of plausible characters (ASCII, CJK punctuation, common Chinese) in a detected decoding.
MIN_PLAUSIBILITY = 0.8

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"%PDF", "a PDF file; extract its text first"),
    (b"PK\x03\x04", "a ZIP archive (also .docx/.xlsx); extract its text first"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls); save it as text first"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"), (b"\x1f\x8b", "a gzip archive"), (b"{\\rtf", "an RTF document; save it as text first"),
)


class InputRejected(Exception):
    """An input file that is skipped; ``reason`` is a short keyword, ``detail`` says what was seen."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how its encoding was chosen (``bom``, ``utf-8``, ``detected`` or ``option``)."""

    text: str
    encoding: str
    method: str
    chaos: float | None = None
    note: str = ""

    def record(self) -> dict:
        out = {"encoding": self.encoding, "method": self.method}
        if self.chaos is not None:
            out["chaos"] = round(self.chaos, 4)
        if self.note:
            out["note"] = self.note
        return out


def _sniff_binary(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def _normalize_newlines(text: str) -> str:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@lru_cache(maxsize=1 << 16)
def _plausible_char(char: str) -> bool:
    """ASCII, CJK punctuation, or one of the common Chinese characters of GB2312 level 1 or Big5 level 1."""
    if char.isascii() or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef" or char in "“”‘’…—·":
        return True
    for codec, low, high in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2 and low <= encoded[0] <= high:
            return True
    return False


def plausibility(text: str, sample: int = 20000) -> float:
    """Share of the non-space characters of ``text`` that are ASCII, CJK punctuation or common Chinese."""
    chars = [c for c in text[:sample] if not c.isspace()]
    return sum(map(_plausible_char, chars)) / len(chars) if chars else 0.0


def _detect(data: bytes) -> Decoded | None:
    """The Chinese-family encoding whose decoding is clean (charset-normalizer's chaos) and most plausible."""
    from charset_normalizer import from_bytes

    best: tuple[float, Decoded] | None = None
    for match in from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS)):
        if match.chaos > MAX_CHAOS:
            continue
        decoded = Decoded(str(match), match.encoding.replace("_", "-"), "detected", float(match.chaos))
        score = plausibility(decoded.text)
        if best is None or score > best[0]:
            best = (score, decoded)
    if best is None or best[0] < MIN_PLAUSIBILITY:
        return None
    return best[1]


def read_list_file(path) -> str:
    """The text of a small file of the user's (a lexicon, a stopword list): UTF-8 (with or without a
    byte-order mark), else the encoding found as for a corpus file (a list saved by Notepad in GBK). Raises
    :class:`InputRejected` for a file that is neither, :class:`OSError` for one that cannot be read."""
    from pathlib import Path

    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return decode_bytes(data).text


def decode_bytes(data: bytes, encoding: str = AUTO) -> Decoded:
    """Decode a file's bytes; ``encoding`` is a codec name or ``"auto"`` (see module docs).

    Raises :class:`InputRejected` (``binary`` or ``undecodable``) instead of guessing.
    """
    if encoding.lower() != AUTO:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"encoding {encoding!r} is not a known codec") from None
        try:
            return _checked(Decoded(_normalize_newlines(data.decode(encoding)), encoding, "option"))
        except UnicodeDecodeError as exc:
            raise InputRejected("undecodable", f"not valid {encoding} at byte {exc.start}; "
                                               f"set [corpus] encoding = \"auto\" or the right codec") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(Decoded(_normalize_newlines(data.decode(name)), name, "bom"))
            except UnicodeDecodeError as exc:
                raise InputRejected("undecodable", f"starts with a {name} byte-order mark but is not valid "
                                                   f"{name} at byte {exc.start}") from None
    magic = _sniff_binary(data)
    if magic:
        raise InputRejected("binary", magic)
    if b"\x00" not in data:
        try:
            return _checked(Decoded(_normalize_newlines(data.decode("utf-8")), "utf-8", "utf-8"))
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                # A file cut inside its last character (a truncated download or a byte-limited excerpt).
                try:
                    text = data[:exc.start].decode("utf-8")
                except UnicodeDecodeError:
                    pass
                else:
                    return _checked(Decoded(_normalize_newlines(text), "utf-8", "utf-8",
                                            note="incomplete last character dropped"))
    found = _detect(data)
    if found is None:
        if b"\x00" in data:
            raise InputRejected("binary", "holds NUL bytes and is not UTF-16/UTF-32 text")
        raise InputRejected("undecodable", "no encoding decodes it with confidence; tried UTF-8, GB18030, "
                                           "Big5, UTF-16 and UTF-32; name it with [corpus] encoding")
    return _checked(Decoded(_normalize_newlines(found.text), found.encoding, found.method, found.chaos))


def _checked(decoded: Decoded) -> Decoded:
    """Text in which more than 1 % of the characters are control codes is binary data, not prose."""
    text = decoded.text
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputRejected("binary", f"decodes as {decoded.encoding} but {controls:,} characters are control codes")
    return decoded


def check_size(size: int, max_bytes: int) -> None:
    """Reject a file bigger than ``max_bytes`` before reading it."""
    if size == 0:
        raise InputRejected("empty", "the file has 0 bytes")
    if size > max_bytes:
        raise InputRejected("oversized", f"{size / 1e6:.1f} MB is more than the limit of {max_bytes / 1e6:g} MB "
                                         f"([corpus] max_file_mb)")


def check_text(text: str, max_line_chars: int) -> None:
    """Reject text that is empty or has a line longer than ``max_line_chars`` characters."""
    if not text or text.isspace():
        raise InputRejected("empty", "only white space")
    if len(text) <= max_line_chars:   # no line can be longer
        return
    longest = max(map(len, text.split("\n")))
    if longest > max_line_chars:
        raise InputRejected("oversized", f"a single line of {longest:,} characters is longer than the limit of "
                                         f"{max_line_chars:,} ([corpus] max_line_chars)")


__all__ = ["AUTO", "Decoded", "InputRejected", "decode_bytes", "check_size", "check_text"]
