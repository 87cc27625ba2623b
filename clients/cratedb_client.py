"""The official CrateDB client (crate 2.3, its DB-API `crate.client.connect`) against a server with
host-based authentication, over `/_sql`.

Usage: cratedb_client.py URL SETUP
  SETUP trust      no credentials: the default user `crate`.
  SETUP password   CRATE_USER, CRATE_PASSWORD: right, wrong and unknown-user logins.
  SETUP jwt        CRATE_USER and the tokens CRATE_JWT (valid), CRATE_JWT_WRONG_AUD,
                   CRATE_JWT_EXPIRED, CRATE_JWT_WRONG_KEY (`jwt_token=`).
  SETUP cert       over HTTPS: CRATE_USER, CRATE_CA (the CA of the server certificate),
                   CRATE_CERT/CRATE_KEY (a client certificate with CN = the user) and
                   CRATE_OTHER_CERT/CRATE_OTHER_KEY (one from an unrelated CA); the client's
                   `verify_ssl_cert` and `ca_cert` options.
  SETUP privileges CRATE_PASSWORD (the superuser crate's), CRATE_USER and CRATE_USER_PASSWORD (a
                   user without privileges): crate creates two tables and grants the user DQL on
                   one; the user reads it, is refused the other exactly as a missing table, cannot
                   grant, and loses the table at once when crate revokes it.
Secrets come from the environment, never the command line. Each case prints one line, `pass` or
`FAIL`, with what the client did; the exit status is the number of failed cases.
"""

import os
import sys

import testbed

from crate import client as crate
from crate.client.exceptions import ConnectionError as CrateConnectionError
from crate.client.exceptions import ProgrammingError


def current_user(url, **options):
    with crate.connect(url, timeout=5, **options) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT CURRENT_USER")
        return cursor.fetchone()[0]


def is_user(expected, url, **options):
    def case():
        got = current_user(url, **options)
        assert got == expected, f"CURRENT_USER is {got!r}, wanted {expected!r}"
        return f"CURRENT_USER = {got}"

    return case


def error_of(kind, url, **options):
    """The error the client raises; fails when the statement runs."""
    try:
        current_user(url, **options)
    except kind as e:
        return " ".join(str(e).split())
    raise AssertionError(f"no {kind.__name__}: the statement ran")


def refused(kind, url, because=None, **options):
    """Refused with `kind`; with `because`, the error must name it (a TLS refusal, not any error)."""

    def case():
        why = error_of(kind, url, **options)
        if because is None:
            return f"{kind.__name__}: {why[:80]}"
        assert because in why, f"{kind.__name__} without {because!r}: {why}"
        return f"{kind.__name__}: … {because} …"

    return case


def trust(url):
    return [("no credentials: the default user", is_user("crate", url))]


def password(url):
    user, pw = os.environ["CRATE_USER"], os.environ["CRATE_PASSWORD"]

    def same_error():
        wrong = error_of(ProgrammingError, url, username=user, password=pw + "x")
        unknown = error_of(ProgrammingError, url, username="nobody-here", password=pw + "x")
        assert wrong == unknown, f"wrong password {wrong!r} but unknown user {unknown!r}"
        return f"both: {wrong}"

    return [
        ("right password: the user", is_user(user, url, username=user, password=pw)),
        ("wrong password: refused", refused(ProgrammingError, url, username=user, password=pw + "x")),
        ("wrong password and unknown user: the same error", same_error),
    ]


def jwt(url):
    env = os.environ
    cases = [("valid token: the user it names", is_user(env["CRATE_USER"], url, jwt_token=env["CRATE_JWT"]))]
    for what, name in [("wrong audience", "CRATE_JWT_WRONG_AUD"), ("expired", "CRATE_JWT_EXPIRED"),
                       ("signed by an unknown key", "CRATE_JWT_WRONG_KEY")]:
        cases.append((f"token {what}: refused", refused(ProgrammingError, url, jwt_token=env[name])))
    return cases


def cert(url):
    env = os.environ
    mine = {"cert_file": env["CRATE_CERT"], "key_file": env["CRATE_KEY"]}
    other = {"cert_file": env["CRATE_OTHER_CERT"], "key_file": env["CRATE_OTHER_KEY"]}
    user = env["CRATE_USER"]
    return [
        ("client certificate, ca_cert = the CA: CN is the user", is_user(user, url, ca_cert=env["CRATE_CA"], **mine)),
        ("client certificate, verify_ssl_cert=False: CN is the user", is_user(user, url, verify_ssl_cert=False, **mine)),
        (
            "verify_ssl_cert=True without the CA: the server certificate is refused",
            refused(CrateConnectionError, url, "CERTIFICATE_VERIFY_FAILED", verify_ssl_cert=True, **mine),
        ),
        (
            "client certificate from another CA: the server's handshake alert",
            refused(CrateConnectionError, url, "TLSV1_ALERT", ca_cert=env["CRATE_CA"], **other),
        ),
        ("no client certificate: refused (401)", refused(ProgrammingError, url, ca_cert=env["CRATE_CA"])),
        (
            "alice's certificate naming the user crate: refused (401)",
            refused(ProgrammingError, url, ca_cert=env["CRATE_CA"], username="crate", **mine),
        ),
    ]


def privileges(url):
    env = os.environ
    admin = {"username": "crate", "password": env["CRATE_PASSWORD"]}
    user = {"username": env["CRATE_USER"], "password": env["CRATE_USER_PASSWORD"]}
    name = env["CRATE_USER"]

    def sql(options, stmt, args=None):
        with crate.connect(url, timeout=5, **options) as connection:
            cursor = connection.cursor()
            cursor.execute(stmt, args)
            return cursor.fetchall() if cursor.description else cursor.rowcount

    def sql_error(options, stmt):
        try:
            sql(options, stmt)
        except ProgrammingError as e:
            return " ".join(str(e).split())
        raise AssertionError(f"{stmt!r} ran")

    def set_up():
        for stmt, args in [
            ("CREATE TABLE IF NOT EXISTS authconform.open_t (id INTEGER, note TEXT)", None),
            ("CREATE TABLE IF NOT EXISTS authconform.closed_t (id INTEGER, note TEXT)", None),
            ("INSERT INTO authconform.open_t (id, note) VALUES (?, ?)", [1, "open-row"]),
            ("INSERT INTO authconform.closed_t (id, note) VALUES (?, ?)", [1, "closed-row"]),
            ("REFRESH TABLE authconform.open_t, authconform.closed_t", None),
        ]:
            sql(admin, stmt, args)
        granted = sql(admin, f"GRANT DQL ON TABLE authconform.open_t TO {name}")
        return f"GRANT DQL ON TABLE authconform.open_t TO {name}: {granted} row(s)"

    def reads_its_table():
        rows = sql(user, "SELECT note FROM authconform.open_t")
        assert rows == [["open-row"]], f"rows {rows!r}"
        return f"rows {rows}"

    def refused_like_a_missing_table():
        closed = sql_error(user, "SELECT note FROM authconform.closed_t")
        missing = sql_error(user, "SELECT note FROM authconform.no_such_t")
        assert "closed-row" not in closed, f"the error shows the row: {closed}"
        assert closed == missing, f"closed table: {closed!r}, missing table: {missing!r}"
        return f"both: {closed}"

    def cannot_grant():
        why = sql_error(user, f"GRANT DQL ON TABLE authconform.closed_t TO {name}")
        still = sql_error(user, "SELECT note FROM authconform.closed_t")
        return f"{why[:70]}; still refused: {still[:40]}"

    def revoke_acts_at_once():
        sql(admin, f"REVOKE DQL ON TABLE authconform.open_t FROM {name}")
        return f"after REVOKE: {sql_error(user, 'SELECT note FROM authconform.open_t')}"

    return [
        ("crate sets up two tables and grants one", set_up),
        ("DQL on one table: the user reads it", reads_its_table),
        ("the other table: refused exactly as a missing one", refused_like_a_missing_table),
        ("without AL: GRANT refused", cannot_grant),
        ("REVOKE: refused on the next statement", revoke_acts_at_once),
    ]


SETUPS = {"trust": trust, "password": password, "jwt": jwt, "cert": cert, "privileges": privileges}


def main():
    url, setup = sys.argv[1], sys.argv[2]
    testbed.run(f"cratedb {setup:<9}", SETUPS[setup](url))


if __name__ == "__main__":
    main()
