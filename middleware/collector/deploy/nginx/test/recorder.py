#!/usr/bin/env python3
"""A stand-in upstream for checking the nginx templates: answers every request with a fixed
status and appends one JSON line per request (the peer's port, method, path with query,
headers, body) to a file.

    recorder.py PORT LOG STATUS [CERT KEY]

Listens on 127.0.0.1:PORT, over TLS when CERT and KEY are given. A query parameter
`hold=SECONDS` makes it wait that long before answering, like a UCWA event channel P-GET.
"""

import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PORT, LOG, STATUS = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
LOCK = threading.Lock()


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size + 2)[:size]
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += chunk
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def answer(self):
        body = self.body()
        with LOCK, open(LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({
                "peer": self.client_address[1],
                "method": self.command,
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }) + "\n")
        hold = parse_qs(urlsplit(self.path).query).get("hold")
        if hold:
            time.sleep(float(hold[0]))
        self.send_response(STATUS)
        reply = b"" if STATUS == 204 else b"stand-in\n"
        if STATUS != 204:
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(reply)))
        self.send_header("X-Stand-In", str(PORT))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Recorder)
if len(sys.argv) == 6:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[4], sys.argv[5])
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
