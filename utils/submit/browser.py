"""One browser launch per export: print HTML documents to PDF bytes with Chromium.

``BrowserSession`` starts the loopback ``DocumentServer``, Playwright and the browser found
by ``detect.find_browser`` (``executable_path``; Playwright never downloads anything here),
then prints each document: it waits for MathJax to finish, collects math that did not
render and the page's headings, places the anchors that locate written questions and
figures (``page_marks.js``), and returns the PDF with Chromium's heading outline. ``open``
loads a document and returns while its math typesets; ``finish`` prints it, so that
several documents typeset at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from types import TracebackType
from typing import TYPE_CHECKING, Any

from utils.submit.errors import BrowserError
from utils.submit.server import DocumentServer

if TYPE_CHECKING:  # Playwright is imported when a session starts
    from playwright.sync_api import Page, Route

# Flags measured to work offline, also as root in containers. Without the
# background-networking ones Chromium stalls on refused network connections.
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage"]
PAPER = "Letter"
MARGINS = {"top": "0.6in", "bottom": "0.6in", "left": "0.5in", "right": "0.5in"}
VIEWPORT = {"width": 720, "height": 960}  # the printable width of Letter at 96 px/in
LAUNCH_TIMEOUT_MS = 60_000
MATH_TIMEOUT_MS = 90_000
_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1:\d+/)(https?|wss?|ftp)://")


@dataclass
class MathProblem:
    """Math in one cell that MathJax left as raw TeX (``kind="raw"``) or flagged (``error``)."""

    cell_id: str
    kind: str
    snippet: str
    message: str = ""


@dataclass
class PrintedDocument:
    """A printed document: PDF bytes, math problems, headings ``(level, text)`` in order."""

    pdf: bytes
    math_problems: list[MathProblem] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    blocked_urls: list[str] = field(default_factory=list)


@dataclass
class OpenDocument:
    """A document loaded in its own page, not printed yet (``BrowserSession.open``)."""

    name: str
    page: Page
    header: str
    footer: str
    wait_for_math: bool
    check: bool
    marks: dict[str, Any] | None = None
    blocked_urls: list[str] = field(default_factory=list)


def _script(name: str) -> str:
    return resources.files("utils.submit").joinpath(name).read_text("utf-8")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class BrowserSession:
    """Context manager: ``with BrowserSession(path) as session: session.print_html(...)``."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.server: DocumentServer | None = None
        self._playwright = None
        self._browser = None
        self._context = None
        self._count = 0

    @property
    def mathjax_url(self) -> str:
        assert self.server is not None, "use BrowserSession as a context manager"
        return self.server.mathjax_url

    def __enter__(self) -> BrowserSession:
        from playwright.sync_api import Error, sync_playwright

        self.server = DocumentServer()
        try:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=LAUNCH_FLAGS,
                timeout=LAUNCH_TIMEOUT_MS)
            self._context = self._browser.new_context(viewport=VIEWPORT)
        except Error as exc:
            self.close()
            raise BrowserError(
                f"Could not start the browser {self.executable}: {_first_line(exc)}. "
                "Try another Chrome/Chromium/Edge with --browser PATH.") from None
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @staticmethod
    def _block(route: Route, blocked: list[str]) -> None:
        blocked.append(route.request.url)
        route.abort()

    def close(self) -> None:
        """Close the browser, Playwright and the server (safe to call twice)."""
        from playwright.sync_api import Error

        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    closer.close()
                except Error:  # already gone: nothing left to release
                    pass
        self._context = self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
        if self.server is not None:
            self.server.close()
            self.server = None

    def open(self, html: str, *, header: str, footer: str, wait_for_math: bool = True,
             check: bool = True, marks: dict[str, Any] | None = None) -> OpenDocument:
        """Load ``html`` in a new page and return at once, while its MathJax typesets.

        Several documents can be open together: each page typesets in its own renderer
        process, in parallel with the others and with the caller's work (converting the
        next notebook). ``finish`` prints one; ``header``/``footer`` are Chromium print
        templates (``pageNumber``/``totalPages`` classes are filled in by the browser);
        ``marks`` says where ``page_marks.js`` places anchors and page breaks.
        """
        from playwright.sync_api import Error

        assert self.server is not None and self._context is not None
        self._count += 1
        name = f"part{self._count}.html"
        url = self.server.publish(name, html)
        doc = OpenDocument(name=name, page=self._context.new_page(), header=header,
                           footer=footer, wait_for_math=wait_for_math, check=check,
                           marks=marks)
        try:
            doc.page.route(_LOCAL, lambda route: self._block(route, doc.blocked_urls))
            doc.page.emulate_media(media="print")
            doc.page.goto(url, wait_until="load", timeout=MATH_TIMEOUT_MS)
        except Error as exc:
            self._discard(doc)
            raise BrowserError(f"The browser failed while printing: {_first_line(exc)}") \
                from None
        except BaseException:
            self._discard(doc)
            raise
        return doc

    def finish(self, doc: OpenDocument) -> PrintedDocument:
        """Wait for the document's math, run the page checks, print it and close its page."""
        from playwright.sync_api import Error

        page = doc.page
        try:
            if doc.wait_for_math:
                try:
                    page.wait_for_function("window.nndlMathDone === true",
                                           timeout=MATH_TIMEOUT_MS, polling=100)
                except Error:
                    raise BrowserError(
                        f"MathJax did not finish within {MATH_TIMEOUT_MS // 1000} s; the "
                        "notebook may hold very long or broken math.") from None
            page.evaluate("document.fonts.ready.then(() => true)")
            found = page.evaluate(_script("page_checks.js")) if doc.check else {}
            if doc.marks:
                page.evaluate(_script("page_marks.js"), doc.marks)
            pdf = page.pdf(format=PAPER, margin=MARGINS, print_background=True,
                           display_header_footer=True, header_template=doc.header,
                           footer_template=doc.footer, outline=True, tagged=True)
        except BrowserError:
            raise
        except Error as exc:
            raise BrowserError(f"The browser failed while printing: {_first_line(exc)}") \
                from None
        finally:
            self._discard(doc)
        problems = [MathProblem(cell_id=p.get("cell", ""), kind=p.get("kind", "raw"),
                                snippet=p.get("snippet", ""), message=p.get("message", ""))
                    for p in found.get("problems", [])]
        headings = [(int(h["level"]), str(h["text"])) for h in found.get("headings", [])]
        return PrintedDocument(pdf=pdf, math_problems=problems, headings=headings,
                               # the browser may ask again while printing
                               blocked_urls=list(dict.fromkeys(doc.blocked_urls)))

    def print_html(self, html: str, *, header: str, footer: str,
                   wait_for_math: bool = True, check: bool = True) -> PrintedDocument:
        """Print ``html`` now: ``finish(open(...))``."""
        return self.finish(self.open(html, header=header, footer=footer,
                                     wait_for_math=wait_for_math, check=check))

    def _discard(self, doc: OpenDocument) -> None:
        """Close the document's page and stop serving it (safe to call twice)."""
        from playwright.sync_api import Error

        try:
            doc.page.close()
        except Error:  # the browser is gone already
            pass
        if self.server is not None:
            self.server.documents.pop(doc.name, None)
