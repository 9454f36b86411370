"""A client that sends "Expect: 100-continue" and, as the RFC allows, waits
for the interim 100 before it sends the body (curl does this for uploads of
1 MB or more, for one second). Then a body over --max-request-body: the
final 413 comes at once, without a 100, and the body is never sent."""
import json
import os
import socket
import sys

url = os.environ["MOCKRUN_URL"]
host, port = url.rsplit("/", 1)[1].split(":")


def ask(method, path, body, length=None, send_body=True):
    s = socket.create_connection((host, int(port)), timeout=10)
    head = ("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
            % (method, path, len(body) if length is None else length))
    s.sendall(head.encode())
    first = b""
    try:
        while b"\r\n\r\n" not in first:
            piece = s.recv(4096)
            if not piece:
                break
            first += piece
    except socket.timeout:
        print("%s %s: no answer to the headers within 10 s" % (method, path))
        sys.exit(1)
    status_line = first.split(b"\r\n", 1)[0].decode()
    print("%s %s: first answer: %s" % (method, path, status_line))
    rest = first.split(b"\r\n\r\n", 1)[1]
    if status_line.startswith("HTTP/1.1 100") and send_body:
        s.sendall(body)
        first = rest
        while True:
            piece = s.recv(65536)
            if not piece:
                break
            first += piece
        print("%s %s: final: %s" % (method, path, first.split(b"\r\n", 1)[0].decode()))
    s.close()


doc = json.dumps({"kind": "doc", "text": "x" * 200000}).encode()
ask("POST", "/upload", doc)
ask("PUT", "/blob", b"y" * 300000)
ask("POST", "/upload", b"", length=200 * 1024 * 1024, send_body=False)
