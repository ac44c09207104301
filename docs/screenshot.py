"""Regenerate docs/report.png, the README's picture of the report.

Run from the repository root after `textmine run` (needs Playwright and Debian's chromium):

    python docs/screenshot.py
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    report = ROOT / "outputs" / "report.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1200, "height": 1250}, device_scale_factor=1)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(report.resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        png = page.screenshot()
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((900, round(image.height * 900 / image.width)), Image.Resampling.LANCZOS)
    image.quantize(colors=96, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        ROOT / "docs" / "report.png", optimize=True)


if __name__ == "__main__":
    main()
