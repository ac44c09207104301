"""The CJK font every image uses: Noto Sans CJK SC, shipped inside the ``mplfonts`` package.

No system font is ever looked up, so Chinese renders the same on any machine.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from .errors import StageError

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the bundled CJK font (found without importing mplfonts, which would touch matplotlib)."""
    spec = find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise StageError("the CJK font package 'mplfonts' is not installed; reinstall textmine")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise StageError(f"the CJK font {FONT_FILE} is missing from the mplfonts package")
    return path


def cjk_font_subset(chars: str, *, flavor: str | None = None, layout_features: tuple[str, ...] = ("*",),
                    hinting: bool = True, cache=None) -> bytes:
    """The bundled CJK font cut down to ``chars`` (OpenType, or ``flavor="woff"``), for embedding in HTML.

    The font's name table (copyright and SIL OFL licence) is kept; timestamps are not
    recalculated, so the same characters give the same bytes. With a ``cache``
    (:class:`textmine.io.cache.Cache`), a subset made before for the same characters, options and
    font is read from it (subsetting thousands of glyphs takes about a second).
    """
    import io

    from fontTools import subset

    if cache is not None:
        from .keys import digest
        from .provenance import package_versions

        font_file = cjk_font_path()
        key = digest("".join(sorted(set(chars))), flavor, list(layout_features), hinting, font_file.name,
                     font_file.stat().st_size, package_versions(["fonttools"], python=False))
        return cache.files("fonts").through(key, lambda: cjk_font_subset(
            chars, flavor=flavor, layout_features=layout_features, hinting=hinting))
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = list(layout_features)
    options.hinting = hinting
    options.notdef_outline = True
    options.name_IDs = ["*"]
    font = subset.load_font(str(cjk_font_path()), options, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(chars))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()
