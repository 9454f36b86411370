"""A webhook receiver outside mockrun and its command that takes the
request and never answers: it says its port, then that it got the request,
through FIFOs, and holds the connection until mockrun lets go (60 s at most)."""
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open("port.fifo", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
c, _ = s.accept()
c.settimeout(60)
data = b""
while b"\r\n\r\n" not in data:
    chunk = c.recv(4096)
    if not chunk:
        break
    data += chunk
with open("got.fifo", "w") as f:
    f.write("got\n")
try:  # the rest of the request, then nothing: wait for mockrun to close
    while c.recv(4096):
        pass
except OSError:
    pass
