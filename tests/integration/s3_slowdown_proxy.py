#!/usr/bin/env python3
"""Fault injection for the S3 tests: an HTTP proxy on 127.0.0.1 in front of the S3 server that answers
503 SlowDown (S3's "reduce your request rate") to the first FIRST requests and then to every EVERY-th one,
and passes every other request through unchanged, Host header included, so SigV4 signatures made for the
proxy's address still verify upstream. Writes its port to PORT_FILE once listening, and the number of 503s
it has sent to COUNT_FILE after each one. With MISSING_SUFFIX, a GET of a path ending with it is answered
404 NoSuchKey (an object deleted between listing and fetching); with EXPIRED_SUFFIX, 400 ExpiredToken (the
session token ran out mid-run). With REQUEST_LOG set in the environment, appends "METHOD PATH" per request
to that file (to count the HEADs and GETs a run makes).

usage: s3_slowdown_proxy.py UPSTREAM_PORT FIRST EVERY PORT_FILE COUNT_FILE [MISSING_SUFFIX [EXPIRED_SUFFIX]]"""
import http.client
import http.server
import os
import sys
import threading

UPSTREAM_PORT, FIRST, EVERY = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
PORT_FILE, COUNT_FILE = sys.argv[4], sys.argv[5]
MISSING_SUFFIX = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else None
EXPIRED_SUFFIX = sys.argv[7] if len(sys.argv) > 7 else None
EXPIRED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ExpiredToken</Code>'
           b'<Message>The provided token has expired.</Message></Error>')
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
              "content-length", "date", "server"}
NO_SUCH_KEY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
               b'<Message>The specified key does not exist.</Message></Error>')
SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b'<Message>Please reduce your request rate.</Message><RequestId>fault-injection</RequestId></Error>')
REQUEST_LOG = os.environ.get("REQUEST_LOG")
lock = threading.Lock()
state = {"seen": 0, "failed": 0}


def should_fail():
    with lock:
        state["seen"] += 1
        seen = state["seen"]
        fail = seen <= FIRST or (EVERY > 0 and seen % EVERY == 0)
        if fail:
            state["failed"] += 1
            with open(COUNT_FILE, "w") as out:
                out.write(f"{state['failed']}\n")
        return fail


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # with keep-alive, Nagle + delayed ACKs cost ~40 ms a request

    def log_message(self, *args):
        pass

    def relay(self):
        if REQUEST_LOG:
            with lock, open(REQUEST_LOG, "a") as log:
                log.write(f"{self.command} {self.path}\n")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if should_fail():
            self.send_response(503, "Slow Down")
            self.send_header("Content-Type", "application/xml")
            self.answer(SLOWDOWN)
            return
        if MISSING_SUFFIX and self.command == "GET" and self.path.endswith(MISSING_SUFFIX):
            self.send_response(404, "Not Found")
            self.send_header("Content-Type", "application/xml")
            self.answer(NO_SUCH_KEY)
            return
        if EXPIRED_SUFFIX and self.command == "GET" and self.path.endswith(EXPIRED_SUFFIX):
            self.send_response(400, "Bad Request")
            self.send_header("Content-Type", "application/xml")
            self.answer(EXPIRED)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=120)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        upstream.request(self.command, self.path, body=body, headers=headers)
        reply = upstream.getresponse()
        data = reply.read()
        upstream.close()
        self.send_response(reply.status, reply.reason)
        for name, value in reply.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.answer(data, reply.getheader("Content-Length") if self.command == "HEAD" else None)

    def answer(self, data, head_length=None):
        """Ends the headers and sends them with the body in one write (a HEAD: the length GET would send)."""
        self.send_header("Content-Length", head_length if head_length is not None else str(len(data)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(data)
        self.flush_headers()

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = relay


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
with open(PORT_FILE + ".tmp", "w") as out:
    out.write(f"{server.server_address[1]}\n")
os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
