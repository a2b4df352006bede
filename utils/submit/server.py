"""A tiny web server on 127.0.0.1 that feeds the browser the pages to print.

It serves the rendered documents from memory (``/doc/<name>``) and the local MathJax copy
shipped by ``jupyter-server-mathjax`` (``/mathjax/...``). Serving over loopback, rather than
``file://`` URLs, keeps fonts same-origin and works with sandboxed browsers (e.g. snap
Chromium) that cannot read the temporary folder.
"""

from __future__ import annotations

import importlib.util
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from utils.submit.errors import SubmitError

MATHJAX_PACKAGE = "jupyter_server_mathjax"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"
_TYPES = {".js": "text/javascript", ".woff": "font/woff", ".otf": "font/otf",
          ".css": "text/css", ".html": "text/html; charset=utf-8"}


def mathjax_dir() -> Path:
    """The MathJax 2 folder inside the installed ``jupyter-server-mathjax`` package.

    Located without importing the package (that would import all of jupyter_server).
    """
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SubmitError("The local MathJax copy is missing: install the course environment "
                          "again (pip install jupyter-server-mathjax).")
    folder = Path(next(iter(spec.submodule_search_locations))).resolve() / "static"
    if not (folder / "MathJax.js").is_file():
        raise SubmitError(f"MathJax.js is missing from {folder}: reinstall "
                          "jupyter-server-mathjax.")
    return folder


class _Handler(BaseHTTPRequestHandler):
    server: DocumentServer

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log lines."""

    def _send(self, status: int, body: bytes, content_type: str, cache: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600" if cache else "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith("/doc/"):
            body = self.server.documents.get(path[len("/doc/"):])
            if body is not None:
                self._send(200, body, "text/html; charset=utf-8", cache=False)
                return
        elif path.startswith("/mathjax/"):
            root = self.server.mathjax_root
            target = (root / path[len("/mathjax/"):]).resolve()
            if target.is_relative_to(root) and target.is_file():
                kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
                self._send(200, target.read_bytes(), kind or "application/octet-stream",
                           cache=True)
                return
        self._send(404, b"not found", "text/plain", cache=False)


class DocumentServer(ThreadingHTTPServer):
    """Serves ``documents`` (name -> HTML bytes) and MathJax until ``close()``."""

    daemon_threads = True

    def __init__(self) -> None:
        self.mathjax_root = mathjax_dir()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.documents: dict[str, bytes] = {}
        self._thread = threading.Thread(target=self.serve_forever, name="nndl-submit-http",
                                        daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def mathjax_url(self) -> str:
        return f"{self.base_url}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"

    def publish(self, name: str, html: str) -> str:
        """Make ``html`` available and return its URL."""
        self.documents[name] = html.encode("utf-8")
        return f"{self.base_url}/doc/{name}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
