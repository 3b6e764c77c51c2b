"""The benches' static peer: a directory served as files, as teams serve a repository without a registry.

pip's own documentation says any web server that serves a directory of `simple/<name>/index.html`
pages can be an index ("the simple repository API"; `--pep503` builds that tree for a directory of
wheels first), and a Maven repository is its directory layout served over HTTP. It serves the directory with Python's threaded HTTP server, speaking HTTP/1.1 so pip keeps its connection
(HTTP/1.0, the module's default, would make every request a new connection) with TCP_NODELAY (without
it, every response on a kept-alive connection waited ~40 ms: the peer looked 3x slower than it is).

    python3 bench/lib/static_server.py DIR PORT [--pep503]
"""
import hashlib
import html
import http.server
import os
import re
import sys


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def build(root):
    wheels = [f for f in os.listdir(root) if f.endswith(".whl")]
    by_name = {}
    for wheel in wheels:
        with open(os.path.join(root, wheel), "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        by_name.setdefault(normalize(wheel.split("-")[0]), []).append((wheel, digest))
    for name, files in by_name.items():
        folder = os.path.join(root, "simple", name)
        os.makedirs(folder, exist_ok=True)
        links = "".join(f'<a href="../../{html.escape(f)}#sha256={d}">{html.escape(f)}</a><br>\n' for f, d in files)
        with open(os.path.join(folder, "index.html"), "w") as page:
            page.write(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on a kept-alive connection each
    # response waits for the client's delayed ACK (~40 ms), which no production file server does.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    root, port = sys.argv[1], int(sys.argv[2])
    if "--pep503" in sys.argv[3:]:
        build(root)
    os.chdir(root)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
