"""Live preview for commissioners: edit, save, and the browser shows the result.

Serves the built site on http://127.0.0.1:<port>/ and watches content/,
data/, theme/ and the settings files. On every save it rebuilds (the internal
edition only, for speed: restricted passages show with their label) and open
pages reload themselves. If the build fails, the browser shows the problems
(file, line, what to do) instead of the page, and the terminal prints them too.
"""
from __future__ import annotations

import contextlib
import errno
import html
import http.server
import os
import threading
import time
from functools import partial
from pathlib import Path

from .problems import BuildError, Problem

RELOAD_SCRIPT = (b"<script>(function(){var v=null;setInterval(function(){fetch('/__preview__/version')"
                 b".then(function(r){return r.text()}).then(function(t){if(v===null){v=t}"
                 b"else if(t!==v){location.reload()}}).catch(function(){})},1000)})();</script>")

WATCHED = ("content", "data", "theme", "authority.yml", "mkdocs.yml")


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every watched file (a few milliseconds: it runs every ``poll``)."""
    times: dict[str, float] = {}
    for name in WATCHED:
        path = project / name
        if path.is_file():
            with contextlib.suppress(OSError):  # a file saved (replaced) while we look
                times[str(path)] = path.stat().st_mtime
            continue
        folders = [str(path)] if path.is_dir() else []
        while folders:
            with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=True):
                            folders.append(entry.path)
                        elif entry.is_file(follow_symlinks=True):
                            times[entry.path] = entry.stat(follow_symlinks=True).st_mtime
    return times


class State:
    def __init__(self):
        self.version = 0
        self.error: str | None = None
        self.live = None  # live.LiveSite: each year's names and docs tree, kept between saves


def make_handler(site: Path, state: State):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the terminal for build messages
            pass

        def do_GET(self):  # noqa: N802
            if self.path == "/__preview__/version":
                body = f"{state.version}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
            if state.error is not None:
                body = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Build problem</title>"
                        "</head><body><main><h1>The preview could not be built</h1><p>Fix these and save the "
                        "file: the page will reload by itself.</p><pre>" + html.escape(state.error) +
                        "</pre></main></body></html>").encode() + RELOAD_SCRIPT
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)
                return
            path = self.translate_path(self.path)
            target = Path(path)
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                body = target.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    return partial(Handler, directory=str(site))


def rebuild(project: Path, site: Path, state: State, years, changed: tuple[str, ...] = ()) -> None:
    """One rebuild; any mistake (or fault) is shown in the browser and the terminal, and the preview
    keeps watching: saving the fixed file rebuilds.

    A saved narrative page is rendered again on its own (``live.LiveSite.page_saved``, about a
    second); anything else rebuilds the years whose inputs changed."""
    from .live import LiveSite

    started = time.perf_counter()
    if state.live is None:
        state.live = LiveSite(project, site)
    try:
        pages = [Path(p) for p in changed]
        warnings = []
        if state.error is None and pages and all(state.live.page_saved(p) for p in pages):
            what = ", ".join(p.relative_to(project).as_posix() for p in pages)
        else:
            rebuilt = state.live.build(years)
            what = f"{len(rebuilt)} year(s): {', '.join(map(str, rebuilt))}" if rebuilt else "nothing changed"
            warnings = state.live.warnings
        state.error = None
        print(f"Rebuilt in {time.perf_counter() - started:.1f} s: {what}")
        for warning in warnings:
            print(f"  warning: {warning}")
    except BuildError as exc:
        state.error = exc.report()
        print(exc.report())
    except Exception as exc:  # noqa: BLE001 - the preview never dies of a mistake in a file
        from .cli import unexpected

        state.error = unexpected("preview", exc)
        print(state.error)
    state.version += 1


def open_server(port: int, site: Path, state: State) -> http.server.ThreadingHTTPServer:
    """The preview's web server on 127.0.0.1:``port``; a port in use is a one-line BuildError."""
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), make_handler(site, state))
    except OSError as exc:
        in_use = exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))
        raise BuildError(Problem(
            "preview-port", f"port {port} is already in use (another preview, or another program)" if in_use else
            f"cannot serve on port {port}: {exc.strerror or exc}", value=port,
            hint=f"stop the other preview, or choose another port: ./run preview --port {port + 1}"),
            stage="preview") from None


def preview(project: Path, port: int = 8000, years=None, poll: float = 0.1) -> None:
    """Serve the preview and rebuild on every save; ``poll``: seconds between looks at the files (a
    save is seen within it: a prose edit reaches the browser in about a second with the page's own
    rebuild, issue 14)."""
    site = project / ".build" / "preview-site"
    state = State()
    server = open_server(port, site, state)  # before the first build: a busy port is said at once
    rebuild(project, site, state, years)
    site.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Preview at http://127.0.0.1:{port}/  (Ctrl+C to stop). Watching {', '.join(WATCHED)}.")
    seen = snapshot(project)
    try:
        while True:
            time.sleep(poll)
            now = snapshot(project)
            if now != seen:
                changed = tuple(sorted(path for path in set(now) | set(seen) if now.get(path) != seen.get(path)))
                seen = now
                rebuild(project, site, state, years, changed)
    finally:
        server.shutdown()
