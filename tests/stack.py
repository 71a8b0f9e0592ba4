"""The shipped deployment (docs/deploy/) run on loopback, as tests/test_deployment.py and
bench/beban.py both run it: Debian's nginx as this user with docs/deploy/nginx.conf rendered
for other ports, a self-signed certificate and the name 127.0.0.1, in front of processes
started with the flags of docs/deploy/dasbor@.service.

Plain functions, no pytest: the benchmark imports this module too (`from tests.stack import ...`
once the repository root is on sys.path).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "docs" / "deploy"
NGINX = "/usr/sbin/nginx"  # Debian's package
NAME = "dasbor.example.go.id"  # the site's name in the shipped files (nginx's server_name, --server.allowedHosts)


def render_site(app_ports: Iterable[int], https_port: int, http_port: int, cert: Path, key: Path,
                name: str = "127.0.0.1") -> str:
    """docs/deploy/nginx.conf for other ports, certificate and name (its top comment lists these
    four substitutions); every one must match exactly where the file says it does."""
    text = (DEPLOY / "nginx.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    subs = [(r"^    listen 443 ssl", f"    listen 127.0.0.1:{https_port} ssl", 1),
            (r"^    listen 80;", f"    listen 127.0.0.1:{http_port};", 1),
            (r"^(    server 127\.0\.0\.1:\d+;\n)+", servers, 1),
            (r"^    ssl_certificate /\S+;", f"    ssl_certificate {cert};", 1),
            (r"^    ssl_certificate_key /\S+;", f"    ssl_certificate_key {key};", 1),
            (rf"^    server_name {re.escape(NAME)};", f"    server_name {name};", 2)]
    for pattern, new, times in subs:  # whole lines only: the comments mention them too
        text, n = re.subn(pattern, new.replace("\\", "\\\\"), text, flags=re.M)
        if n != times:
            raise ValueError(f"docs/deploy/nginx.conf: {pattern!r} matches {n} times, not {times}")
    return text


def unit_flags(port: int, name: str = "127.0.0.1") -> list[str]:
    """The Streamlit flags of dasbor@.service's ExecStart, for the instance `port` and the site's
    name `name`."""
    text = (DEPLOY / "dasbor@.service").read_text().replace("\\\n", " ")
    line = next(v for v in text.splitlines() if v.startswith("ExecStart="))
    args = shlex.split(line.removeprefix("ExecStart="))
    if args[1:3] != ["run", "dashboard.py"]:
        raise ValueError(f"docs/deploy/dasbor@.service: ExecStart runs {args[1:3]}, not streamlit run dashboard.py")
    return [a.replace("%i", str(port)).replace(NAME, name) for a in args[3:]]


def certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key): a fresh self-signed pair for 127.0.0.1 in `folder`, valid two days."""
    cert, key = folder / "dasbor.crt", folder / "dasbor.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def wait_port(port: int, proc: subprocess.Popen, seconds: float = 15) -> bool:
    """Wait until 127.0.0.1:`port` accepts a connection: False if `proc` ended or time ran out first."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


@contextlib.contextmanager
def nginx(folder: Path, app_ports: Iterable[int], https_port: int, http_port: int, cert: Path, key: Path,
          log_format: str | None = None) -> Iterator[subprocess.Popen]:
    """Debian's nginx as this user (its own prefix, pid, logs and temp folders in `folder`) with the
    shipped site rendered by `render_site`, until the block ends; yields its master process.
    Requests are logged to folder/access.log in nginx's combined format, or in `log_format`."""
    site_conf = folder / "dasbor.conf"
    site_conf.write_text(render_site(app_ports, https_port, http_port, cert, key))
    error_log = folder / "error.log"
    temp = "".join(f"    {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    access = f"    log_format stack '{log_format}';\n    access_log {folder / 'access.log'} stack;\n" if log_format \
        else f"    access_log {folder / 'access.log'};\n"
    # As root the workers would drop to `nobody`, who cannot read this folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(f"{user}pid {folder / 'nginx.pid'};\nerror_log {error_log} warn;\nworker_processes 1;\n"
                    f"events {{ worker_connections 1024; }}\nhttp {{\n    include /etc/nginx/mime.types;\n{access}{temp}"
                    f"    include {site_conf};\n}}\n")
    command = [NGINX, "-p", str(folder), "-c", str(main), "-e", str(error_log)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t menolak konfigurasi: {check.stderr}")
    with open(folder / "nginx-stderr.log", "wb") as stderr:
        proc = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        if not wait_port(https_port, proc):
            raise RuntimeError(f"nginx tidak mulai: {error_log.read_text() if error_log.exists() else ''}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGQUIT)  # graceful stop of master and worker
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
