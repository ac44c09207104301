"""Render the report context with Jinja2 and write ``report.html`` and ``report.md``.

The HTML is self-contained: images are ``data:`` URIs, the style and the one
script are inline, and the CJK font (Noto Sans CJK SC from ``mplfonts``) is
subset to the characters the page uses and embedded as WOFF, so Chinese renders
on a machine with no CJK fonts. A Content-Security-Policy allows nothing but
``data:`` images and fonts, the inline style and the report's own script (by its
hash), so the page makes no request and a script smuggled into corpus text could
not run even if it were not escaped — which it always is (Jinja2 autoescape).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import logging
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import TextmineError
from ..io.atomic import write_atomic
from .build import build_context, load_run

log = logging.getLogger(__name__)

FONT_FAMILY = "TextmineCJK"
_DATA_URI = re.compile(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+")
_PACKED = re.compile(r'(<script type="application/octet-stream" id="search-data">)[A-Za-z0-9+/=]*')


def _resource(name: str) -> str:
    return resources.files("textmine.report").joinpath("templates", name).read_text(encoding="utf-8")


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("textmine.report", "templates"),
                      autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = markdown_cell
    return env


def markdown_cell(value: Any) -> str:
    """Text that shows literally in a Markdown table cell: HTML-escaped, pipes and emphasis escaped, one line."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def font_face_css(text: str, cache=None) -> str:
    """An ``@font-face`` rule with the bundled CJK font subset to the characters of ``text`` (WOFF, inline)."""
    from ..fonts import cjk_font_subset

    chars = {c for c in set(text) if ord(c) >= 0x20} | set(" 0123456789")
    data = cjk_font_subset("".join(chars), flavor="woff", layout_features=(), hinting=False, cache=cache)
    uri = _data_uri(data, "font/woff")
    return f'@font-face{{font-family:"{FONT_FAMILY}";src:url({uri}) format("woff");font-display:block}}'


def _compacted(data: bytes, cache=None) -> bytes:
    """:func:`compact_png` of ``data``, kept in ``cache`` (when given) under the image's bytes."""
    if cache is None:
        return compact_png(data)
    from ..keys import digest
    from ..provenance import package_versions

    key = digest("compact png", hashlib.sha256(data).hexdigest(),
                 package_versions(["textmine", "pillow"], python=False))
    return cache.files("report").through(key, lambda: compact_png(data))


def compact_png(data: bytes, colors: int = 128) -> bytes:
    """The PNG re-encoded with a palette of ``colors`` (no dithering), or unchanged when that is not smaller.

    Word clouds and plots are flat colours on white, so a 128-colour palette
    looks the same and is about a third of the size. Transparency is flattened
    onto white first.
    """
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # not a readable PNG: embed it as it is
        return data
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        image = canvas
    palette = image.convert("RGB").quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", compress_level=9)
    return buffer.getvalue() if buffer.tell() < len(data) else data


def render_html(context: Mapping[str, Any], images: Mapping[str, bytes], *, fold_rows: int = 20,
                embed_font: bool = True, compress_images: bool = True, cache=None, run_link: str = "") -> str:
    """The report as one HTML page (see the module docstring for what makes it self-contained).

    ``run_link`` is the run folder relative to where the page is written (``""`` beside it): the topic
    map is linked there."""
    import secrets
    from concurrent.futures import ThreadPoolExecutor

    from ..parallel import available_cores

    env = _environment()
    script = _resource("report.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    # Images are compacted in threads (Pillow lets go of the GIL while it quantizes and compresses) while this
    # thread renders the page and subsets the font; each stands in the page as a placeholder until then, a
    # data URI of a token no text can hold (it is drawn anew for each page), swapped for the image at the end.
    token = secrets.token_hex(8)
    placeholder: dict[str, str] = {}
    compacted: list[Any] = []
    marker = "/*textmine-font-face*/"
    search = context.get("search")
    with ThreadPoolExecutor(max(1, min(2, available_cores())), thread_name_prefix="textmine-png") as pool:
        def image(name: str) -> str:
            if not compress_images:
                return _data_uri(images[name], "image/png")
            if name not in placeholder:
                placeholder[name] = f"data:image/png;base64,{token}{len(compacted):05d}"
                compacted.append(pool.submit(_compacted, images[name], cache))
            return placeholder[name]

        text = env.get_template("report.html.j2").render(
            **context, image=image, fold_rows=fold_rows, style=_resource("report.css"), font_css=marker,
            script=script, script_hash=script_hash, font_family=FONT_FAMILY, run_link=run_link,
            search_packed=search["packed"] if search else "")
        # the font is subset to the characters of the page as rendered (images' and data's base64 left out) and
        # of every paragraph the search can show
        visible = _PACKED.sub("", _DATA_URI.sub("", text))
        font_css = font_face_css(visible + (search["chars"] if search else ""), cache) if embed_font else ""
        text = re.sub(f"data:image/png;base64,{token}(\\d{{5}})",
                      lambda m: _data_uri(compacted[int(m.group(1))].result(), "image/png"), text)
    return text.replace(marker, font_css, 1)


def render_markdown(context: Mapping[str, Any], *, image_prefix: str = "", rows: int = 15) -> str:
    """The report as Markdown; images are links to the run folder's files (``image_prefix`` + name)."""
    env = _environment()
    return env.get_template("report.md.j2").render(**context, image_prefix=image_prefix, md_rows=rows)


def write_report(run_dir: str | Path, out: str | Path | None = None, *, rows: int = 15, fold_rows: int = 20,
                 max_documents: int = 40, embed_font: bool = True,
                 compress_images: bool = True, cache=None) -> tuple[Path, Path]:
    """Render ``run_dir`` into ``out`` (default ``run_dir/report.html``) and the ``.md`` beside it.

    Returns the two paths. ``rows`` caps per-document tables; tables longer than
    ``fold_rows`` are folded in the HTML (a button shows the rest); at most
    ``max_documents`` documents get a keyword and keyness section of their own. A ``cache``
    (:class:`textmine.io.cache.Cache`) keeps the embedded font's subset for the next report with the
    same characters, and the search data for the next report of the same paragraphs and mentions.
    Both files are written whole or not at all.
    """
    run = load_run(run_dir)
    html_path = Path(out) if out is not None else Path(run_dir) / "report.html"
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise TextmineError(f"--out {str(html_path)!r} must name an .html file; report.md is written beside it")
    md_path = html_path.with_suffix(".md")
    context = build_context(run, rows=rows, max_documents=max_documents, cache=cache)
    prefix = os.path.relpath(Path(run_dir).resolve(), html_path.parent.resolve())
    prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
    try:
        write_atomic(html_path, render_html(context, run.images, fold_rows=fold_rows, embed_font=embed_font,
                                            compress_images=compress_images, cache=cache,
                                            run_link=prefix).encode("utf-8"))
        write_atomic(md_path, render_markdown(context, image_prefix=prefix, rows=rows).encode("utf-8"))
    except OSError as exc:
        raise TextmineError(f"cannot write the report to {str(html_path)!r}: {exc.strerror or exc}") from None
    return html_path, md_path


__all__ = ["compact_png", "render_html", "render_markdown", "write_report", "font_face_css", "markdown_cell"]
