"""Real processes for the fault tests: a private PostgreSQL cluster, the app under
gunicorn, and a small HTTP client that fills forms like a browser (cookies, CSRF).

Nothing here is a test; tests/integration/test_faults.py uses it. The standard library
only: the client needs no package beyond what the app already has.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bindir() -> Path | None:
    """The newest Debian PostgreSQL binaries (as scripts/pgtest.sh picks them), or None.

    As root the server runs as the ``postgres`` account, which must exist."""
    wanted = os.environ.get("PG_BIN_DIR")
    candidates = (
        [Path(wanted)]
        if wanted
        else sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
        )
    )
    found = [p for p in candidates if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if not found:
        return None
    if IS_ROOT:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return None
    return found[-1]


class PostgresCluster:
    """A throwaway cluster in a temporary folder on a free port (fsync off: tests only)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # Not under pytest's tmp_path: that folder is private to root, and as root the
        # server runs as "postgres".
        self.root = Path(tempfile.mkdtemp(prefix="ordilien-faults-"))
        if IS_ROOT:
            shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.port = free_port()
        self.dbname = "ordilien"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if IS_ROOT:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def _check(self, done: subprocess.CompletedProcess[str]) -> None:
        if done.returncode != 0:
            raise RuntimeError(f"{done.args}: {done.stdout}\n{done.stderr}\n{self.log_tail()}")

    def init(self) -> None:
        base = ["-D", str(self.data), "-U", "ordilien", "--auth=trust", "-E", "UTF8"]
        done = self._run("initdb", *base, "--locale=C.UTF-8")
        if done.returncode != 0:
            done = self._run("initdb", *base)
        self._check(done)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        log = str(self.root / "server.log")
        self._check(
            self._run(
                "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", options, "start"
            )
        )

    def stop(self) -> None:
        self._check(self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"))

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def create_database(self) -> None:
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')

    def conninfo(self, dbname: str | None = None, application_name: str = "ordilien-tests") -> str:
        return (
            f"host=127.0.0.1 port={self.port} user=ordilien dbname={dbname or self.dbname} "
            f"application_name={application_name} connect_timeout=5"
        )

    def url(self, application_name: str = "") -> str:
        url = f"postgresql://ordilien@127.0.0.1:{self.port}/{self.dbname}"
        return url + (f"?application_name={application_name}" if application_name else "")

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo(), autocommit=True)

    def log_tail(self, lines: int = 30) -> str:
        path = self.root / "server.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        if not os.environ.get("KEEP_FAULT_TMP"):
            shutil.rmtree(self.root, ignore_errors=True)


def flask_cli(env: Mapping[str, str], *args: str) -> None:
    """``flask --app wsgi ...`` in a child process, as an operator would run it."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {done.stdout}\n{done.stderr}")


def child_pids(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


class AppServer:
    """The app under gunicorn (2 workers, threads), as in production, on a free port."""

    def __init__(self, env: Mapping[str, str], log: Path, workers: int = 2) -> None:
        self.env = dict(env)
        self.log = log
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        """Start (or start again after a kill) on the same address."""
        self.port = self.port or free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(self.workers),
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
            "wsgi:app",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            try:
                healthy = Browser(self.base_url, timeout=2).get("/sante").status == 200
                if healthy and len(child_pids(self.process.pid)) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pids(self) -> tuple[int, frozenset[int]]:
        """(master, workers)."""
        assert self.process is not None
        return self.process.pid, frozenset(child_pids(self.process.pid))

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: nothing runs after it, no cleanup."""
        assert self.process is not None
        workers = child_pids(self.process.pid)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.05)

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass
class Reply:
    status: int
    headers: Message
    text: str
    elapsed: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self) -> Any:
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is returned to the caller, as the test client does


CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class Browser:
    """Cookies, forms with CSRF tokens read from the page, redirects not followed."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        assert base_url.startswith("http://127.0.0.1:"), base_url
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # 127.0.0.1, whatever http_proxy says
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect(),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        fields: Iterable[tuple[str, str]] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        data = None
        sent = dict(headers or {})
        if files:
            data, sent["Content-Type"] = _multipart(list(fields or []), files)
        elif fields is not None:
            data = urllib.parse.urlencode(list(fields)).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        # http://127.0.0.1 only (checked in __init__): no file: or other scheme.
        request = urllib.request.Request(self.base_url + path, data=data, method=method)  # noqa: S310
        for name, value in sent.items():
            request.add_header(name, value)
        started = time.monotonic()
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = response.read().decode("utf-8", errors="replace")
            return Reply(response.status, response.headers, body, time.monotonic() - started)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path: str = "/") -> str:
        page = self.get(path)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status})"
        return found.group(1)

    def submit(
        self,
        path: str,
        fields: Iterable[tuple[str, str]] = (),
        *,
        csrf_page: str = "/",
        csrf: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Reply:
        """POST a form with this session's CSRF token (read from ``csrf_page`` unless given)."""
        fields = [("csrf_token", csrf or self.csrf_token(csrf_page)), *fields]
        return self.request("POST", path, fields=fields, files=files)

    def login(self, email: str, password: str) -> None:
        done = self.submit(
            "/connexion", [("email", email), ("password", password)], csrf_page="/connexion"
        )
        assert done.status == 302, f"login failed ({done.status}): {done.text[:500]}"


def _multipart(
    fields: list[tuple[str, str]], files: Mapping[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
