"""Chromium from Debian driven by Playwright's Python API, and a ``Student`` who uses JupyterLab
through it: menus, the editor and the keyboard for what a student does; the page's JupyterLab
application (``--expose-app-in-browser``) only to read what the notebook holds."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

SLUG = "01_activations"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
RUN_SECONDS = 180
PANEL = "window.jupyterapp.shell.currentWidget"


def chromium_path() -> str | None:
    """Debian's Chromium (``apt-get install chromium``); Playwright's own download is not used."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, in one line, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[browser]'; .ci/run does it)"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install -y chromium, as root; .ci/run does it)"
    return None


@contextlib.contextmanager
def chromium_page(shots: Path):
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


class Student:
    """One student at one notebook in JupyterLab."""

    def __init__(self, page, lab, shots: Path):
        self.page, self.lab, self.shots = page, lab, shots

    # -- reading what the notebook holds ---------------------------------------------------

    def _js(self, body: str, arg=None):
        return self.page.evaluate(f"(arg) => {{ const panel = {PANEL}; {body} }}", arg)

    def cell_count(self) -> int:
        return self._js("return panel.content.widgets.length;")

    def source(self, index: int) -> str:
        return self._js("return panel.content.widgets[arg].model.sharedModel.getSource();", index)

    def index_of(self, marker: str) -> int:
        index = self._js("return panel.content.widgets.findIndex("
                         "w => w.model.sharedModel.getSource().includes(arg));", marker)
        assert index >= 0, f"no cell contains {marker!r}"
        return index

    def _cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def output(self, index: int) -> str:
        return self._cell(index).locator(".jp-OutputArea").inner_text()

    def progress(self) -> str:
        return self.output(self.index_of("show_progress("))

    def error_outputs(self) -> list[str]:
        return self.page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()

    # -- doing what a student does ---------------------------------------------------------

    def open(self, relative: str) -> None:
        self.page.goto(self.lab.notebook_url(relative))
        self.page.wait_for_function(f"() => {PANEL} && {PANEL}.content && {PANEL}.sessionContext "
                                    f"&& {PANEL}.sessionContext.session && {PANEL}.sessionContext.session.kernel "
                                    f"&& {PANEL}.sessionContext.session.kernel.status === 'idle'", timeout=120_000)
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for()

    def run_all(self) -> None:
        """Run > Run All Cells, then wait until every code cell has run and the kernel is idle."""
        before = self._js("return Math.max(0, ...panel.content.widgets.map(w => w.model.executionCount || 0));")
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self.page.wait_for_function(
            f"(before) => {{ const panel = {PANEL}; const code = panel.content.widgets.filter(w => w.model.type === 'code');"
            f" return code.every(w => (w.model.executionCount || 0) > before && w.model.executionState !== 'running')"
            f" && panel.sessionContext.session.kernel.status === 'idle'; }}", arg=before, timeout=RUN_SECONDS * 1000)

    def replace_source(self, index: int, code: str) -> None:
        """Click into the cell's editor, select everything, and type ``code`` (as one input event, as a
        paste is, so the editor's auto-indent does not re-indent it)."""
        editor = self._cell(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Escape")

    def try_to_type(self, index: int, text: str) -> None:
        self._cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type("\n" + text)
        self.page.keyboard.press("Escape")

    def try_to_delete(self, index: int) -> None:
        """Select the cell in command mode and press D, D (Delete Cells)."""
        self._cell(index).locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("d")
        self.page.keyboard.press("d")
        time.sleep(0.5)

    def save(self) -> None:
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(f"() => !{PANEL}.context.model.dirty")

    def shot(self, name: str, index: int | None = None) -> Path:
        """A screenshot of the window, with cell ``index`` scrolled to the top."""
        if index is not None:
            self._js("panel.content.widgets[arg].node.scrollIntoView({block: 'start'});", index)
            time.sleep(0.3)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path
