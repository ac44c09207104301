"""Redraw the README's pictures of the report: its first screen, and the search box at work.

Run from the repository root after `textmine run` (needs Playwright and Debian's chromium):

    python docs/screenshot.py                                   # outputs/ → docs/report.png
    python docs/screenshot.py RUN_DIR report-cpc --search 改革    # docs/report-cpc.png, docs/report-cpc-search.png

The README's congress-report pictures come from a run over ../shared/data/cpc_congress_reports.jsonl with
the themes listed in the README.
"""

from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def save(png: bytes, name: str, width: int = 900) -> Path:
    """The screenshot scaled to ``width`` pixels and stored with a small palette (a few hundred kB)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    path = ROOT / "docs" / f"{name}.png"
    image.quantize(colors=96, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", default=str(ROOT / "outputs"), help="run folder holding report.html")
    parser.add_argument("name", nargs="?", default="report", help="picture name in docs/ (without .png)")
    parser.add_argument("--search", help="also picture the search box with this term (NAME-search.png)")
    args = parser.parse_args()
    report = Path(args.run) / "report.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(report.resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        print(save(page.screenshot(), args.name))
        if args.search:
            page.fill("#q", args.search)
            page.press("#q", "Enter")
            page.wait_for_function("document.getElementById('search-status').textContent.indexOf('«') === 0")
            png = page.locator("#search").screenshot()
            print(save(png, f"{args.name}-search"))
        browser.close()


if __name__ == "__main__":
    main()
