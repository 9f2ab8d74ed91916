"""Runs LocalStack for Portcullis on 127.0.0.1, in host mode (no Docker).

Usage: serve.py [PORT]   (default 0: any free port)

Starts `python -m localstack.runtime.main` from this virtual environment with the
settings in `localstack_env`, in a state folder of its own, waits for
`/_localstack/health` to report every service, and prints `PORT <n>` on its first
line of stdout (on a free port it tries again, on another, if LocalStack exits
while starting or the port turns out to be another server's). Should LocalStack fail or stop by itself, the end of its log goes
to stderr. It exits when its standard input closes, so the process that started
it (a test binary, the dev server) cannot leave it behind: it then stops LocalStack
by its PID (SIGTERM, SIGKILL after a grace period) and removes the state folder.
"""

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SERVICES = "cloudformation,dynamodb,s3,ses,sesv2,sns,secretsmanager,sqs,scheduler,sts"
START_TIMEOUT_S = 90
START_ATTEMPTS = 3
STOP_GRACE_S = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def localstack_env(port: int, state: str) -> dict:
    address = f"127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        GATEWAY_LISTEN=address,
        LOCALSTACK_HOST=address,
        SERVICES=SERVICES,
        # Load every service at start: until SNS loads, its `/_aws/sns/...`
        # endpoints answer S3's 404.
        EAGER_SERVICE_LOADING="1",
        # DynamoDB from the project's plugin (moto), not DynamoDB Local (Java).
        PROVIDER_OVERRIDE_DYNAMODB="portcullis",
        # Presigned URLs are checked: a tampered or expired one is a 403.
        S3_SKIP_SIGNATURE_VALIDATION="0",
        # Queue URLs on this address, not *.localhost.localstack.cloud.
        SQS_ENDPOINT_STRATEGY="path",
        # Nothing leaves the machine: no certificate download, no analytics,
        # no DNS server of its own.
        SKIP_SSL_CERT_DOWNLOAD="1",
        DISABLE_EVENTS="1",
        DNS_ADDRESS="0",
        PERSISTENCE="0",
        # Everything it writes goes under this instance's own folder. Host mode
        # for its folders even where the machine looks like a container (a
        # /.dockerenv), else they are /var/lib/localstack, shared by every instance.
        OVERRIDE_IN_DOCKER="0",
        FILESYSTEM_ROOT=os.path.join(state, "filesystem"),
        # S3's object store (the project's plugin reads this).
        PORTCULLIS_S3_DIR=os.path.join(state, "s3"),
    )
    return env


def die_with_parent():
    """Linux: LocalStack gets SIGTERM if this launcher dies without cleaning up."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def ready(port: int) -> bool:
    url = f"http://127.0.0.1:{port}/_localstack/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            services = json.load(response).get("services", {})
    except (OSError, ValueError):
        return False
    wanted = SERVICES.split(",")
    return all(services.get(name) in ("running", "available") for name in wanted)


def listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` holds the socket listening on `port`, so that
    a health answer there is its own and not another server's (LocalStack goes on
    running when its port is taken)."""
    wanted = f":{port:04X}"
    inodes = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    fds = f"/proc/{pid}/fd"
    for fd in os.listdir(fds):
        try:
            if os.readlink(os.path.join(fds, fd)) in inodes:
                return True
        except OSError:
            continue
    return False


def stop(child: subprocess.Popen):
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def log_tail(log) -> str:
    log.flush()
    with open(log.name, "rb") as written:
        return written.read()[-4000:].decode(errors="replace")


def start(port: int, state: str, log, done: threading.Event):
    """LocalStack on `port`, once healthy; None if it exited first or the port is
    another's (taken between `free_port` and its start, say)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "localstack.runtime.main"],
        env=localstack_env(port, state),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if child.poll() is not None:
            return None
        if ready(port):
            if listens_on(child.pid, port):
                return child
            stop(child)
            return None
        if time.monotonic() > deadline or done.is_set():
            stop(child)
            return None
        time.sleep(0.2)


def main():
    requested = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    state = tempfile.mkdtemp(prefix="portcullis-localstack-")
    log = open(os.path.join(state, "localstack.log"), "wb")
    done = threading.Event()

    def on_signal(_signum, _frame):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    child = None
    try:
        for _attempt in range(START_ATTEMPTS):
            port = requested or free_port()
            child = start(port, state, log, done)
            if child or requested or done.is_set():
                break
        if not child:
            sys.stderr.write(log_tail(log) + "\nLocalStack did not start\n")
            sys.exit(1)
        print(f"PORT {port}", flush=True)
        while not done.wait(1):
            if child.poll() is not None:
                sys.stderr.write(log_tail(log) + "\nLocalStack stopped by itself\n")
                sys.exit(1)
    finally:
        if child:
            stop(child)
        log.close()
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
