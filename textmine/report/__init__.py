"""The run report: one self-contained ``report.html`` and a ``report.md``, rendered from a run folder.

The report reads only the files a run wrote (see the output-file contract in the
README); a section appears when its files are present and is left out otherwise.
"""

from .build import RunFiles, build_context, load_run
from .render import render_html, render_markdown, write_report

__all__ = ["RunFiles", "build_context", "load_run", "render_html", "render_markdown", "write_report"]
