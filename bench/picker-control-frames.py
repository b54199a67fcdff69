#!/usr/bin/env python3
# Reproduces the picker connection loss of docs/picker.md ("Client PINGs"): grpc-java's OkHttp
# server closes a connection, without GOAWAY, once it has written 10,000 control frames that were
# all flushed out. Usage: python3 bench/picker-control-frames.py HOST HEALTH_PORT CALLS
# against a router with router.picker on (its plaintext gRPC health port). Not a benchmark.
"""Raw HTTP/2 (h2c) client for the picker's plaintext gRPC health port: one health Check, then two
PINGs (each answered with a PING ACK, a control frame), repeated. Reports when and how the server
ends the connection (GOAWAY or a bare close), and how many PING ACKs it had written by then."""
import socket, struct, sys

host, port, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""

def frame(t, flags, sid, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([t, flags]) + struct.pack(">I", sid) + payload

def lit(name, value):  # literal header field without indexing, new name, no Huffman
    n, v = name.encode(), value.encode()
    return b"\x00" + bytes([len(n)]) + n + bytes([len(v)]) + v

def read_frame():
    global buf
    while len(buf) < 9:
        d = s.recv(65536)
        if not d:
            return None
        buf += d
    ln = int.from_bytes(buf[:3], "big")
    while len(buf) < 9 + ln:
        d = s.recv(65536)
        if not d:
            return None
        buf += d
    t, fl, sid = buf[3], buf[4], int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
    p = buf[9:9 + ln]
    buf = buf[9 + ln:]
    return t, fl, sid, p

s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b""))
hdrs = (lit(":method", "POST") + lit(":scheme", "http") + lit(":path", "/grpc.health.v1.Health/Check")
        + lit(":authority", "picker") + lit("content-type", "application/grpc") + lit("te", "trailers"))
msg = b"\x0a\x08liveness"
body = b"\x00" + struct.pack(">I", len(msg)) + msg
acks = 0
for i in range(rounds):
    sid = 2 * i + 1
    s.sendall(frame(1, 0x4, sid, hdrs) + frame(0, 0x1, sid, body))
    done = False
    while not done:
        f = read_frame()
        if f is None:
            print(f"closed without GOAWAY in call {i}, after {acks} PING ACKs"); sys.exit(0)
        t, fl, fsid, p = f
        if t == 7:
            print(f"GOAWAY error {int.from_bytes(p[4:8], 'big')} {p[8:]!r} in call {i}, after {acks} PING ACKs"); sys.exit(0)
        if t == 4 and not fl & 1:
            s.sendall(frame(4, 1, 0, b""))  # ack the server's SETTINGS
        if t == 1 and fsid == sid and fl & 0x1:
            done = True  # trailers
    s.sendall(frame(6, 0, 0, struct.pack(">Q", 2 * i)) + frame(6, 0, 0, struct.pack(">Q", 2 * i + 1)))
    got = 0
    while got < 2:
        f = read_frame()
        if f is None:
            print(f"closed without GOAWAY after {acks} PING ACKs (call {i})"); sys.exit(0)
        t, fl, fsid, p = f
        if t == 7:
            print(f"GOAWAY error {int.from_bytes(p[4:8], 'big')} {p[8:]!r} after {acks} PING ACKs"); sys.exit(0)
        if t == 6 and fl & 1:
            got += 1
            acks += 1
print(f"still open after {rounds} calls and {acks} PING ACKs")
