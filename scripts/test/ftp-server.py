#!/usr/bin/env python3
"""A real FTP server on loopback for the smoke test's round-trip tests (pyftpdlib, apt: python3-pyftpdlib).

usage: ftp-server.py <root dir>
stdin, first line: JSON [{"name": ..., "password": ..., "perm": "elradfmw"}] (passwords stay out of argv).
Each user's home is <root dir>/<name>. Passive data ports 8192-8200, as on the Transfer endpoint.
Prints "PORT <n>" once listening on 127.0.0.1 (ephemeral control port); exits when stdin closes,
so it never outlives the test process that started it.
"""
import json
import logging
import os
import sys
import threading

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main() -> None:
    root = sys.argv[1]
    users = json.loads(sys.stdin.readline())
    authorizer = DummyAuthorizer()
    for user in users:
        home = os.path.join(root, user["name"])
        os.makedirs(home, exist_ok=True)
        authorizer.add_user(user["name"], user["password"], home, perm=user["perm"])

    handler = FTPHandler
    handler.authorizer = authorizer
    handler.passive_ports = range(8192, 8201)
    # A real server stalls failed logins for seconds; the test only needs the 530.
    handler.auth_failed_timeout = 0.1
    # Quiet: the test reads only the PORT line; warnings still reach stderr for its error messages.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    server = FTPServer(("127.0.0.1", 0), handler)
    print(f"PORT {server.socket.getsockname()[1]}", flush=True)

    def exit_when_parent_goes() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server.serve_forever(handle_exit=True)


if __name__ == "__main__":
    main()
