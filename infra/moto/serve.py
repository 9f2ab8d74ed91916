"""Runs the moto AWS emulator for Portcullis on 127.0.0.1.

Usage: serve.py [PORT]   (default 0: any free port)

Prints `PORT <n>` on its first line of stdout once it is listening, and exits when
its standard input closes, so the process that started it (a test binary, the dev
server) cannot leave it behind, whatever way that process ends.

Requests are handled one at a time. Real DynamoDB applies conditional writes to an
item atomically; moto's threaded server does not, so two concurrent conditional
writes could both pass their condition. Serialising the requests gives the emulator
the guarantee the code under test relies on, so a race test measures our code, not
the emulator.
"""

import logging
import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def serialised(app):
    lock = threading.Lock()

    def wrapper(environ, start_response):
        with lock:
            return list(app(environ, start_response))

    return wrapper


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def main():
    # One log line per request drowns test output; errors still show.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    app = serialised(DomainDispatcherApplication(create_backend_app))
    server = make_server(
        "127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler
    )
    os.environ["MOTO_PORT"] = str(server.port)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
