"""Open views in headless Chromium and check them, for the tests and the benchmark.

Needs the ``test`` extra (Playwright) and a system Chromium (Debian ``chromium``; override the
path with ``PIKG_CHROMIUM``). Every request that is not the page itself (``file:``/``data:``)
is aborted and recorded, so a test can prove that a view works without any network.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError

CHROMIUM = os.environ.get("PIKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """A Playwright ``Browser`` on the system Chromium, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra is not installed
        raise KgError("Playwright is missing: pip install -e '.[test]'") from exc
    if not Path(CHROMIUM).exists():
        raise KgError(
            "Chromium not found (apt-get install chromium, or set PIKG_CHROMIUM)", CHROMIUM
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenedView:
    """A view page loaded in Chromium, with what it tried to do."""

    page: Any
    ready_ms: float
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def canvas_variance(self) -> float:
        """Pixel standard deviation of a screenshot of the graph area (0 = blank)."""
        from PIL import Image, ImageStat

        box = self.page.locator("#kg-graph").bounding_box()
        png = self.page.screenshot(clip=box)
        image = Image.open(io.BytesIO(png)).convert("L")
        return float(ImageStat.Stat(image).stddev[0])

    def click_node(self, node_id: str) -> str:
        """Bring ``node_id`` into view (opening the folded nodes above it), click it like a
        user and return the details panel text."""
        point = self.page.evaluate(
            """(id) => {
                window.kgView.reveal(id);
                const net = window.kgView.network;
                net.focus(id, {scale: 1.5, animation: false});
                net.redraw();
                const p = net.canvasToDOM(net.getPosition(id));
                const box = document.getElementById('kg-graph').getBoundingClientRect();
                return {x: box.left + p.x, y: box.top + p.y};
            }""",
            node_id,
        )
        self.page.mouse.click(point["x"], point["y"])
        return self.page.locator("#kg-details").inner_text()

    def node_ids(self) -> list[str]:
        """Ids of the nodes drawn now (folded and filtered ones are not drawn)."""
        return self.page.evaluate("() => window.kgView.drawn()")

    def label_boxes(self) -> list[dict[str, Any]]:
        """Every drawn node's label box in CSS pixels of the page, from the network itself.

        ``px`` is the label's on-screen font size and ``drawn`` whether vis-network paints it
        at this zoom (it skips labels below its draw threshold); boxes are centred on the node,
        sized by vis-network's own measurement of the label.
        """
        return self.page.evaluate(
            """() => {
                const net = window.kgView.network, scale = net.getScale();
                const box = document.getElementById('kg-graph').getBoundingClientRect();
                return window.kgView.drawn().map((id) => {
                    const node = net.body.nodes[id], label = node.labelModule;
                    const px = label.fontOptions.size * scale;
                    const threshold = label.elementOptions.scaling.label.drawThreshold - 1;
                    const c = net.canvasToDOM({x: node.x, y: node.y});
                    const w = label.size.width * scale, h = label.size.height * scale;
                    return {id, px, drawn: px >= threshold, text: label.elementOptions.label,
                            left: c.x - w / 2, top: c.y - h / 2, width: w, height: h,
                            viewWidth: box.width, viewHeight: box.height};
                });
            }"""
        )


def open_view(browser: Any, path: str | Path, fragment: str = "", timeout_ms: int = 30000):
    """Load a saved view (optionally with ``#fragment`` or ``?query``) and wait until drawn."""
    page = browser.new_page(viewport=VIEWPORT)
    opened = OpenedView(page=page, ready_ms=0.0)

    def route(route_request: Any) -> None:
        url = route_request.request.url
        if url.startswith(("file:", "data:")):
            route_request.continue_()
        else:
            opened.blocked_requests.append(url)
            route_request.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
    page.on("pageerror", lambda exc: opened.console_errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(Path(path).resolve().as_uri() + fragment)
    # The page sets data-kg-ready on <html> after its first frame. Waiting on a selector runs
    # no script in the page; wait_for_function would evaluate a string, which the view's CSP
    # refuses (it then only passes when the page happens to be ready at the first check).
    page.wait_for_selector("html[data-kg-ready]", state="attached", timeout=timeout_ms)
    opened.ready_ms = float(page.evaluate("() => window.kgReadyAt"))
    return opened
