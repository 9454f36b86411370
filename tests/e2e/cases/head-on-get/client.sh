# HEAD on a GET route gets the GET response's status and headers, no body (as
# Express and so Mockoon do); a HEAD route of its own still wins.
set -eu
curl -sS -I "$MOCKRUN_URL/report" | tr -d '\r' > head.txt
grep -q '^HTTP/1.1 200' head.txt && echo "head status 200"
grep -q '^Content-Length: 12$' head.txt && echo "head length 12"
grep -q '^ETag: "v1"$' head.txt && echo "head etag"
echo "get body: $(curl -fsS "$MOCKRUN_URL/report")"
echo "both: $(curl -sS -I -o /dev/null -w '%{http_code}' "$MOCKRUN_URL/both")"
# what comes after the head on the wire: nothing (curl -I would not tell)
python3 - "$MOCKRUN_URL" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit("/", 1)[1].split(":")
s = socket.create_connection((host, int(port)), timeout=10)
s.sendall(b"HEAD /report HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
got = b""
while True:
    piece = s.recv(65536)
    if not piece:
        break
    got += piece
head, _, rest = got.partition(b"\r\n\r\n")
print("raw head: %s, body bytes after it: %d" % (head.split(b"\r\n", 1)[0].decode(), len(rest)))
PY
