"""Issue 11 item 4: stateless servers. Two real ``dropship-tui serve`` processes on two
ports against one store (a SQLite file, then a PostgreSQL database), one of them with
``--workers 2``, behave as one server: an
idempotency key used on one and retried on the other replays, an ETag of one is valid on
the other, a revoked token is refused by both, a stale version is refused across them,
and a policy changed through one is what the other's next write uses (no cache of it).
A password of the PostgreSQL address reaches the workers in a passfile, never in their
environment or command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.store.opening import open_store_address
from pg_support import pg_cluster, pg_database, pg_url  # noqa: F401
from serve_support import add_user, free_port


class Serve:
    """``dropship-tui serve`` as its own process group (``--workers`` starts children)."""

    def __init__(self, db: Path | str | None, logs: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        """``db`` None: the store comes from ``env`` (``DROPSHIP_TUI_DB``)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = logs / f"serve-{self.port}.log"
        argv = [sys.executable, "-m", "dropship_tui", "serve", *(["--db", str(db)] if db is not None else []),
                "--port", str(self.port), "--log-level", "warning", *extra]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         env=dict(os.environ, TZ="UTC", **(env or {})), start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/openapi.json", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                assert time.monotonic() < deadline and self.proc.poll() is None, self.log.read_text()
                time.sleep(0.1)

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def stop(self) -> str:
        """Stop it as a service manager does (SIGTERM); its log, which must show no error."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:  # pragma: no cover - only if it hung
                os.killpg(self.proc.pid, signal.SIGKILL)
        return self.log.read_text()


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request, tmp_path):
    """(store address, a server with 2 workers, a server with 1, tokens) on a SQLite
    file, then on a PostgreSQL database (as the app role, as in production)."""
    db = tmp_path / "one.db" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with open_store_address(db) as store:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        # Three hours old by the servers' own (real) clock: on track under the default
        # policy (24 hours to acknowledge, 72 to ship).
        fresh = datetime.now(timezone.utc) - timedelta(hours=3)
        store.import_orders([f.order(po).model_copy(update={"order_date": fresh}) for po in (82, 83, 84, 85)])
    tokens = {"jordan": add_user(db, "jordan", "MYSTIC"), "sam": add_user(db, "sam", "MYSTIC", role="staff")}
    first = Serve(db, tmp_path, "--workers", "2")
    second = Serve(db, tmp_path)
    try:
        yield db, first, second, tokens
    finally:
        logs = first.stop() + second.stop()
    assert "Traceback" not in logs and "ERROR" not in logs, logs


def acks(db: Path | str, po: int) -> int:
    with open_store_address(db) as store:
        return sum(1 for e in store.activity(po) if e.action == "Order acknowledged")


def test_a_key_used_on_one_server_replays_on_the_other(pair):
    db, first, second, tokens = pair
    body = {"validated": {"1": 5}, "version": None}
    headers = {"Idempotency-Key": "0f1e2d3c-retry-after-a-lost-answer"}
    with first.client(tokens["jordan"]) as one, second.client(tokens["jordan"]) as two:
        done = one.post("/orders/82/acknowledge", json=body, headers=headers)
        again = two.post("/orders/82/acknowledge", json=body, headers=headers)
        assert done.status_code == again.status_code == 200, done.text + again.text
        assert "idempotent-replayed" not in done.headers
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == done.json()
        assert two.get("/orders/82").json()["version"] == done.json()["version"]
    assert acks(db, 82) == 1


def test_an_etag_of_one_server_is_valid_on_the_other(pair):
    _, first, second, tokens = pair
    with first.client(tokens["jordan"]) as one, second.client(tokens["jordan"]) as two:
        for path in ("/orders/83", "/orders?limit=50", "/counts", "/changes?since=0", "/me"):
            seen = one.get(path)
            assert seen.status_code == 200, seen.text
            again = two.get(path, headers={"If-None-Match": seen.headers["etag"]})
            assert again.status_code == 304, path
            assert again.headers["etag"] == seen.headers["etag"]
        # The token for "changes since" is the store's, not a process's.
        token = one.get("/changes").json()["token"]
        one.post("/orders/83/acknowledge", json={"validated": {"1": 5}})
        assert two.get("/changes", params={"since": token}).json()["po_numbers"] == [83]
        stale = two.get("/orders/83", headers={"If-None-Match": seen.headers["etag"]})
        assert stale.status_code == 200


def test_a_revoked_token_is_refused_by_every_server(pair):
    db, first, second, tokens = pair
    with first.client(tokens["sam"]) as one, second.client(tokens["sam"]) as two:
        assert one.get("/orders/84").status_code == two.get("/orders/84").status_code == 200
        assert cli.main(["users", "revoke", "sam", "--db", str(db)]) == 0
        # Several requests each: with --workers 2 they reach both processes of the first.
        codes = {c.get("/orders/84").status_code for c in (one, two) for _ in range(6)}
    assert codes == {401}


def test_a_version_read_on_one_server_is_stale_on_the_other_after_a_write(pair):
    db, first, second, tokens = pair
    with first.client(tokens["jordan"]) as one, second.client(tokens["jordan"]) as two:
        version = two.get("/orders/84").json()["version"]
        assert one.post("/orders/84/acknowledge", json={"validated": {"1": 5}, "version": version}).status_code == 200
        late = two.post("/orders/84/acknowledge", json={"validated": {"1": 5}, "version": version})
    assert late.status_code == 409 and late.json()["error"] == "conflict", late.text
    assert acks(db, 84) == 1


def test_a_policy_changed_through_one_server_is_what_the_other_writes_with(pair, capsys):
    db, first, second, tokens = pair
    assert cli.main(["users", "add", "otto", "--operator", "--db", str(db), "--json"]) == 0
    operator = json.loads(capsys.readouterr().out)["token"]
    with first.client(tokens["jordan"]) as one, second.client(tokens["jordan"]) as two, \
            first.client(operator) as op:
        def new_phone(c: httpx.Client, n: int) -> None:
            ship_to = c.get("/orders/85").json()["ship_to"] | {"phone": f"+1 555 01{n:02d}"}
            assert c.post("/orders/85/address", json={"ship_to": ship_to}).status_code == 200

        # Each server process writes once, so any policy cache would be filled now.
        for n, c in enumerate((one, one, one, two), start=1):
            new_phone(c, n)
        assert one.get("/orders", params={"sla": "overdue"}).json() == []
        policy = {"hours_to_acknowledge": 1, "hours_to_ship": 2}
        assert op.put("/locations/MYSTIC-WH1/sla", json={"sla_policy": policy}).status_code == 200
        for po, c in ((82, one), (83, one), (84, two)):
            assert c.post(f"/orders/{po}/acknowledge", json={"validated": {"1": 5}}).status_code == 200
        # 3 hours old against 2 hours to ship: overdue, whichever process wrote the
        # acknowledgement (its new ship-by mark comes from the policy it used).
        overdue = two.get("/orders", params={"sla": "overdue"}).json()
        assert [o["po_number"] for o in overdue] == [82, 83, 84, 85]


def test_workers_must_be_a_positive_count_and_not_with_sessions(tmp_path, capsys):
    db = tmp_path / "s.db"
    assert cli.main(["serve", "--db", str(db), "--workers", "0"]) == 1
    assert "--workers must be from 1" in capsys.readouterr().err
    assert cli.main(["serve", "--db", str(db), "--workers", "2", "--ssh-port", "2222"]) == 1
    err = capsys.readouterr().err
    assert "--workers serves the API only" in err and len(err.strip().splitlines()) == 1


def test_one_key_sent_at_once_to_both_servers_is_applied_once(pair):
    """Eight copies of one keyed request race over the three processes: one applies it,
    the others wait for it and replay its answer (none fails, none applies it again)."""
    from concurrent.futures import ThreadPoolExecutor

    db, first, second, tokens = pair
    headers = {"Idempotency-Key": "a-double-click"}
    clients = [s.client(tokens["jordan"]) for s in (first, second) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            answers = list(pool.map(
                lambda c: c.post("/orders/85/acknowledge", json={"validated": {"1": 5}}, headers=headers), clients,
            ))
    finally:
        for c in clients:
            c.close()
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
    assert len({a.text for a in answers}) == 1
    assert acks(db, 85) == 1


# --- the workers' environment carries no password ------------------------------------

SECRET = "S3cr:et\\pw@/?#&=%"
"""A password with what a URL and a libpq passfile must each escape."""
PW_ROLE = "dropship_pw"


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


@pytest.fixture
def password_role(pg_database):
    """(cluster, database) and a role that must give its password (``SECRET``): the test
    server trusts every local connection, so the role gets a ``scram-sha-256`` line of
    its own ahead of the others in pg_hba.conf. It serves with the app role's rights."""
    cluster, name = pg_database
    from psycopg import sql

    with cluster.admin() as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PW_ROLE,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(PW_ROLE)))
            conn.execute(sql.SQL("GRANT dropship_app TO {}").format(sql.Identifier(PW_ROLE)))
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(PW_ROLE), sql.Literal(SECRET)))
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        lines = f"local all {PW_ROLE} scram-sha-256\nhost all {PW_ROLE} 127.0.0.1/32 scram-sha-256\n"
        if not hba.read_text().startswith(lines):
            hba.write_text(lines + hba.read_text())
            conn.execute("SELECT pg_reload_conf()")
    return cluster, name


@pytest.mark.parametrize("given", ["in --db", "in DROPSHIP_TUI_DB", "in PGPASSWORD"])
def test_the_workers_serve_without_the_password_in_their_environment(password_role, tmp_path, given):
    import psycopg
    from urllib.parse import quote, unquote

    cluster, name = password_role
    where = f"@/{quote(name)}?host={quote(cluster.host)}&port={cluster.port}"
    bare = f"postgresql://{PW_ROLE}{where}"
    with pytest.raises(psycopg.OperationalError, match="password"):  # it does need one
        psycopg.connect(bare).close()
    full = f"postgresql://{PW_ROLE}:{quote(SECRET, safe='')}{where}"
    with open_store_address(full) as store:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        store.import_orders([f.order(82)])
    token = add_user(full, "jordan", "MYSTIC")
    db, env = {"in --db": (full, {}), "in DROPSHIP_TUI_DB": (None, {"DROPSHIP_TUI_DB": full}),
               "in PGPASSWORD": (bare, {"PGPASSWORD": SECRET})}[given]
    server = Serve(db, tmp_path, "--workers", "2", env=env)
    try:
        with server.client(token) as c:
            for _ in range(6):
                answer = c.get("/orders/82")
                assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + 30
        while len(workers := descendants(server.proc.pid)) < 2:
            assert time.monotonic() < deadline, workers
            time.sleep(0.1)
        secrets = (SECRET.encode(), quote(SECRET, safe="").encode())
        stores = set()
        for pid in workers:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            assert not any(s in environ or s in cmdline for s in secrets), (pid, given)
            stores |= {v for k, _, v in (e.partition(b"=") for e in environ.split(b"\0"))
                       if k == b"DROPSHIP_TUI_SERVE_STORE"}
        (store_address,) = stores  # every worker: the same address, naming a passfile
        passfile = Path(unquote(store_address.decode().rpartition("passfile=")[2]))
        assert passfile.stat().st_mode & 0o777 == 0o600 and passfile.parent.stat().st_mode & 0o777 == 0o700
    finally:
        log = server.stop()
    assert "Traceback" not in log and "ERROR" not in log, log
    assert not passfile.exists() and not passfile.parent.exists()  # removed when serve ended


def test_an_address_without_a_password_is_handed_over_unchanged(tmp_path):
    from dropship_tui.store.postgres.passfile import handed_over, passfile_line

    environ = {"DROPSHIP_TUI_DB": "postgresql://app@db/x"}
    for address in (str(tmp_path / "store.db"), "postgresql://app@db/x?sslmode=verify-full"):
        with handed_over(address, environ) as given:
            assert given == address and environ == {"DROPSHIP_TUI_DB": "postgresql://app@db/x"}
    assert passfile_line(SECRET) == "*:*:*:*:S3cr\\:et\\\\pw@/?#&=%\n"


@pytest.mark.parametrize("address", [
    "postgresql://app:s3cret@db/x",
    "postgresql://app:p%40ss%3Aw%2Fd@db:5433/x?sslmode=require",
    "postgresql://app@/x?host=/tmp/sock&application_name=ops@web1&password=s3cret",
    "postgresql://app:s3cret@/x?host=/tmp/sock&application_name=ops@web1",
    "postgresql://app:pw@db/x?sslmode=verify-full&sslrootcert=/etc/a@b/root.crt",
    "postgresql://app@db/x?application_name=a@b",
    "postgres://db/x",
])
def test_the_password_is_taken_out_as_libpq_reads_the_address(address):
    """The address the workers get is the one libpq would read, less its password, and
    the password is libpq's: an ``@`` in the query or the path is not the user part's end
    (review: the workers got ``postgresql://app@web1`` and died, or kept the password)."""
    from psycopg.conninfo import conninfo_to_dict

    from dropship_tui.store.postgres.address import split_password

    bare, secret = split_password(address)
    expected = conninfo_to_dict(address)
    assert secret == expected.pop("password", None)
    assert conninfo_to_dict(bare) == expected


def test_an_empty_password_is_no_password(tmp_path):
    """libpq takes an empty password (``u:@h``, ``PGPASSWORD=``) for none and reads the
    user's own password file: so does ``serve`` (review: it pointed the workers at a
    passfile holding an empty password, and they failed to log in)."""
    from dropship_tui.store.postgres.passfile import handed_over

    for address, environ in (("postgresql://app:@db/x", {}), ("postgresql://app@db/x", {"PGPASSWORD": ""})):
        before = dict(environ)
        with handed_over(address, environ) as given:
            assert "passfile=" not in given
        assert environ == before


def test_a_key_passphrase_is_hidden_in_messages():
    from dropship_tui.store.postgres.address import describe, scrub

    address = "postgresql://u:pw@h/db?sslmode=verify-full&sslkey=/c.key&sslpassword=KeyPass"
    assert "KeyPass" not in describe(address) and "pw@" not in describe(address)
    assert scrub("bad passphrase KeyPass for u", address) == "bad passphrase *** for u"
