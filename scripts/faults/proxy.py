"""A userspace TCP proxy between the workstations and the server (this kernel has no netem):
delays each chunk, swallows replies the server already sent (the request was committed, the
client never hears so), and cuts connections after a number of downloaded bytes. It counts
the bytes it carries each way."""

import random
import socket
import threading
import time


class Proxy:
    def __init__(self, target_host, target_port, seed=0):
        self.target = (target_host, target_port)
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.delay = (0.0, 0.0)          # seconds added before each forwarded chunk
        self.drop_reply = 0.0            # probability of swallowing a reply and closing
        self.cut_at = []                 # downloaded byte counts at which to cut the connection
        self.bytes_down = 0
        self.bytes_up = 0
        self.replies_dropped = 0
        self.cuts = 0
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def clear(self):
        with self.lock:
            self.delay, self.drop_reply, self.cut_at = (0.0, 0.0), 0.0, []

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client):
        try:
            server = socket.create_connection(self.target, timeout=10)
            server.settimeout(None)
            # The workstation's own sockets detect a dead link (keep-alive 5 s, user timeout
            # 15 s, see Sources/CCurl/shim.h); behind the proxy they only see loopback, so
            # the proxy's side towards the server does the same and passes the close on.
            server.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 5)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 5)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 15000)
        except OSError:
            client.close()
            return
        state = {"awaiting": False, "closed": False}
        threading.Thread(target=self._pump, args=(client, server, state, True), daemon=True).start()
        self._pump(server, client, state, False)

    def _close(self, a, b, state):
        state["closed"] = True
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _pump(self, source, sink, state, upstream):
        try:
            while not state["closed"]:
                data = source.recv(65536)
                if not data:
                    break
                with self.lock:
                    low, high = self.delay
                    wait = self.random.uniform(low, high) if high else 0
                    if upstream:
                        state["awaiting"] = True
                        self.bytes_up += len(data)
                    else:
                        if state["awaiting"] and self.drop_reply and self.random.random() < self.drop_reply:
                            self.replies_dropped += 1
                            drop = True
                        else:
                            drop = False
                        state["awaiting"] = False
                        self.bytes_down += len(data)
                        cut = bool(self.cut_at) and self.bytes_down >= self.cut_at[0]
                        if cut:
                            self.cut_at.pop(0)
                            self.cuts += 1
                if wait:
                    time.sleep(wait)
                if not upstream and (drop or cut):
                    if cut and not drop:
                        sink.sendall(data[: max(0, len(data) // 2)])
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source, sink, state)
