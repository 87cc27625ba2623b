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


SETUPS = {"trust": trust, "password": password, "jwt": jwt, "cert": cert}


def main():
    url, setup = sys.argv[1], sys.argv[2]
    testbed.run(f"cratedb {setup:<9}", SETUPS[setup](url))


if __name__ == "__main__":
    main()
