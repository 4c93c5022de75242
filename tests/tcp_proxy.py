"""A TCP proxy a test controls, to cut a real server off and bring it back.

    with TCPProxy("127.0.0.1", 5432) as proxy:
        settings["PORT"] = proxy.port   # talk to PostgreSQL through it
        proxy.cut()                     # connections dropped, new ones refused
        proxy.restore()                 # accepting and forwarding again, on the same port

It forwards bytes untouched, so the client and the server speak their own protocol.
"""

import selectors
import socket
import threading


class TCPProxy:
    def __init__(self, target_host, target_port, host="127.0.0.1", port=0):
        self.target = (target_host, int(target_port))
        self.host = host
        self.port = port
        self.connections = 0  # accepted while open, in all
        self._listener = None
        self._pairs = set()
        self._lock = threading.Lock()
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.cut()

    def start(self):
        return self.restore()

    @property
    def is_open(self):
        return self._listener is not None

    def restore(self):
        """Listen (on the same port as before) and forward every connection."""
        if self._listener is not None:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()
        return self

    def cut(self):
        """Stop listening and drop every connection: the server is unreachable."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        _close(listener)  # the accept loop ends on its error
        self._thread.join(timeout=5)
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for client, server in pairs:
            _close(client)
            _close(server)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(server)
                    return
                self._pairs.add((client, server))
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client, server):
        peers = {client: server, server: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while True:
                    for key, _ in selector.select():
                        data = key.fileobj.recv(65536)
                        if not data:
                            raise ConnectionError
                        peers[key.fileobj].sendall(data)
            except (OSError, ValueError):
                pass
        with self._lock:
            self._pairs.discard((client, server))
        _close(client)
        _close(server)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
