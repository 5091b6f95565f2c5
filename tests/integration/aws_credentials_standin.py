#!/usr/bin/env python3
"""Loopback stand-ins for the places AWS credentials come from, for the S3 credential tests, on one port:
  STS             POST / (form Action=AssumeRoleWithWebIdentity, RoleArn, RoleSessionName, WebIdentityToken)
  container       GET /v2/credentials/<id> (ECS, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: no Authorization)
                  GET /full/credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI: Authorization must match)
  IMDSv2          PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds), then with X-aws-ec2-metadata-token
                  GET /latest/meta-data/iam/security-credentials/ and .../<role>
Each hands out the fixed key pair (s3rver's) with a new session token "standin-<kind>-<n>-<hex>" that expires
LIFETIME seconds later; the Expiration announced is that plus ANNOUNCE_EXTRA (an S3 that expires tokens before
the announced time). A wrong web identity or container token is refused with an error that quotes it (the
way a careless server might), so the tests can check sluice never repeats it.

With --s3-upstream PORT it also runs a checking proxy in front of s3rver (its port in DIR/s3.port): a request
whose x-amz-security-token was not handed out here is answered 403 InvalidToken, one whose token has expired
400 ExpiredToken; others pass through unchanged (Host included, so signatures still verify). With
--pace-tokens N, the answers to requests signed with one of the first N tokens handed out are held until
PACE_FRACTION of that token's lifetime has passed: a run then outlives its first credentials whatever the
machine's speed (0.8: sluice must have refreshed before they expire; 1.05: they have expired).

Every credential request is a JSON line in DIR/credentials.log, every proxy decision one in DIR/s3.log (with
the token's real expiry, "expires", when it names one).
usage: aws_credentials_standin.py DIR [options]   (the port is written to DIR/port once listening)"""
import argparse
import http.client
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--lifetime", type=float, default=900)
parser.add_argument("--announce-extra", type=float, default=0)
parser.add_argument("--access-key", default="S3RVER")
parser.add_argument("--secret-key", default="S3RVER")
parser.add_argument("--web-identity-token", default="")
parser.add_argument("--role-arn", default="arn:aws:iam::123456789012:role/sluice-loader")
parser.add_argument("--container-token", default="")
parser.add_argument("--role-name", default="sluice-instance-role")
parser.add_argument("--s3-upstream", type=int, default=0)
parser.add_argument("--pace-tokens", type=int, default=0)
parser.add_argument("--pace-fraction", type=float, default=0.8)
args = parser.parse_args()

lock = threading.Lock()
issued = {}  # session token -> (issued at, expires at) in epoch seconds
order = []   # session tokens in the order handed out
imds_tokens = set()


def log(name, record):
    record["t"] = round(time.time(), 3)
    with lock, open(os.path.join(args.dir, name), "a") as out:
        if record.get("token") in issued:
            record["expires"] = issued[record["token"]][1]
        out.write(json.dumps(record) + "\n")


def issue(kind):
    now = time.time()
    # Whole seconds, as AWS writes them; the real expiry is the announced one minus ANNOUNCE_EXTRA.
    expires = int(now + args.lifetime)
    with lock:
        token = f"standin-{kind}-{len(order) + 1}-{secrets.token_hex(8)}"
        issued[token] = (now, expires)
        order.append(token)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires + args.announce_extra))
    return token, stamp


def sts_answer(token, stamp):
    return (f'<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<AssumeRoleWithWebIdentityResult><AssumedRoleUser><Arn>{args.role_arn}/s</Arn></AssumedRoleUser>"
            f"<Credentials><AccessKeyId>{args.access_key}</AccessKeyId><SecretAccessKey>{args.secret_key}"
            f"</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{stamp}</Expiration>"
            f"</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>").encode()


def json_credentials(token, stamp, imds):
    document = {"AccessKeyId": args.access_key, "SecretAccessKey": args.secret_key, "Token": token,
                "Expiration": stamp}
    if imds:
        document.update({"Code": "Success", "Type": "AWS-HMAC", "LastUpdated": stamp})
    else:
        document["RoleArn"] = args.role_arn
    return json.dumps(document).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *unused):
        pass

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self):
        form = urllib.parse.parse_qs(self.body().decode(), keep_blank_values=True)
        field = lambda name: form.get(name, [""])[0]
        record = {"kind": "sts", "action": field("Action"), "role": field("RoleArn"), "session": field("RoleSessionName")}
        if field("Action") != "AssumeRoleWithWebIdentity" or not field("RoleSessionName"):
            record["status"] = 400
            log("credentials.log", record)
            return self.reply(400, b"<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>", "text/xml")
        if field("WebIdentityToken") != args.web_identity_token or field("RoleArn") != args.role_arn:
            record["status"] = 403
            log("credentials.log", record)
            message = f"Token {field('WebIdentityToken')} is not valid for role {field('RoleArn')}"
            return self.reply(403, (f"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                                    f"<Message>{message}</Message></Error></ErrorResponse>").encode(), "text/xml")
        token, stamp = issue("sts")
        record.update(status=200, token=token)
        log("credentials.log", record)
        self.reply(200, sts_answer(token, stamp), "text/xml")

    def do_PUT(self):
        self.body()
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if self.path != "/latest/api/token" or not ttl:
            log("credentials.log", {"kind": "imds-token", "status": 400})
            return self.reply(400, b"", "text/plain")
        token = "imds-session-" + secrets.token_hex(8)
        with lock:
            imds_tokens.add(token)
        log("credentials.log", {"kind": "imds-token", "status": 200, "ttl": ttl})
        self.reply(200, token.encode(), "text/plain")

    def do_GET(self):
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith("/v2/credentials/"):
            record = {"kind": "container-relative", "authorization": self.headers.get("Authorization")}
            token, stamp = issue("container")
            record.update(status=200, token=token)
            log("credentials.log", record)
            return self.reply(200, json_credentials(token, stamp, False))
        if self.path == "/full/credentials":
            presented = self.headers.get("Authorization") or ""
            record = {"kind": "container-full"}
            if presented != args.container_token:
                record["status"] = 401
                log("credentials.log", record)
                return self.reply(401, json.dumps({"message": f"bad authorization {presented}"}).encode())
            token, stamp = issue("container")
            record.update(status=200, token=token)
            log("credentials.log", record)
            return self.reply(200, json_credentials(token, stamp, False))
        if self.path.startswith(prefix):
            with lock:
                known = self.headers.get("X-aws-ec2-metadata-token") in imds_tokens
            role = self.path[len(prefix):]
            kind = "imds-role" if not role else "imds-credentials"
            if not known:
                log("credentials.log", {"kind": kind, "status": 401})
                return self.reply(401, b"", "text/plain")
            if not role:
                log("credentials.log", {"kind": kind, "status": 200})
                return self.reply(200, args.role_name.encode(), "text/plain")
            if role != args.role_name:
                log("credentials.log", {"kind": kind, "status": 404})
                return self.reply(404, b"", "text/plain")
            token, stamp = issue("imds")
            log("credentials.log", {"kind": kind, "status": 200, "token": token})
            return self.reply(200, json_credentials(token, stamp, True))
        self.reply(404, b"", "text/plain")


S3_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{}</Code><Message>{}</Message></Error>'
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
              "content-length", "date", "server"}


class S3Proxy(Handler):
    disable_nagle_algorithm = True

    def relay(self):
        body = self.body()
        token = self.headers.get("x-amz-security-token")
        now = time.time()
        with lock:
            known = issued.get(token)
            pace_until = None
            if known and args.pace_tokens and token in order[:args.pace_tokens]:
                pace_until = known[0] + args.pace_fraction * (known[1] - known[0])
        record = {"kind": "s3", "method": self.command, "path": self.path.split("?")[0], "token": token}
        if token is None or known is None:
            record["status"] = 403
            log("s3.log", record)
            return self.reply(403, S3_ERROR.format("InvalidToken", "The provided token is malformed or otherwise "
                                                   "invalid.").encode(), "application/xml")
        if now >= known[1]:
            record["status"] = 400
            log("s3.log", record)
            return self.reply(400, S3_ERROR.format("ExpiredToken", "The provided token has expired.").encode(),
                              "application/xml")
        upstream = http.client.HTTPConnection("127.0.0.1", args.s3_upstream, timeout=120)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        if body:
            headers["Content-Length"] = str(len(body))
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        if pace_until is not None:  # the stand-in's slowness: the run has to outlive these credentials
            while time.time() < pace_until:
                time.sleep(min(0.05, max(0.0, pace_until - time.time())))
        record["status"] = answer.status
        log("s3.log", record)
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = relay


def serve(handler, port_file):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as out:
        out.write(f"{server.server_address[1]}\n")
    os.replace(port_file + ".tmp", port_file)
    return server


servers = [serve(Handler, os.path.join(args.dir, "port"))]
if args.s3_upstream:
    servers.append(serve(S3Proxy, os.path.join(args.dir, "s3.port")))
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
servers[0].serve_forever()
