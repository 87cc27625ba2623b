"""The official Weaviate client (weaviate-client 3.26, its REST `weaviate.Client`) against a server
with authentication.

Usage: weaviate_client.py URL SETUP
  SETUP adminlist   API keys with the admin list, anonymous access off. Environment:
                    WEAVIATE_ADMIN_KEY, WEAVIATE_READER_KEY (a key of a read-only user).
  SETUP anonymous   API keys with anonymous access on. Environment: WEAVIATE_ADMIN_KEY.
  SETUP oidc        OIDC found through the server's discovery document, the client's own grants.
                    Environment: WEAVIATE_OIDC_USER, WEAVIATE_OIDC_PASSWORD (resource-owner
                    password grant), WEAVIATE_OIDC_SECRET and WEAVIATE_OIDC_SCOPE (client
                    credentials), WEAVIATE_EXPIRED_TOKEN, WEAVIATE_WRONG_AUD_TOKEN (tokens that
                    must be refused).
Secrets come from the environment, never the command line. Each case prints one line, `pass` or
`FAIL`, with what the client did; the exit status is the number of failed cases.
"""

import os
import sys
import warnings

import testbed

warnings.filterwarnings("ignore")  # the v3 client's deprecation banner is not a finding

import weaviate  # noqa: E402
from authlib.integrations.base_client import OAuthError  # noqa: E402 - the client's grant errors
from weaviate.exceptions import (  # noqa: E402
    AuthenticationFailedException,
    UnexpectedStatusCodeException,
)

CLASS = "ClientsProbe"


def client(url, auth=None, headers=None):
    return weaviate.Client(
        url,
        auth_client_secret=auth,
        additional_headers=headers,
        startup_period=None,
        timeout_config=(5, 10),
    )


def writes(url, auth):
    """The admin's writes: a class, then an object in it; the server's answers checked."""
    c = client(url, auth)
    c.schema.create_class({"class": CLASS, "properties": []})
    made = c.data_object.create({}, CLASS)
    assert isinstance(made, str) and len(made) == 36, f"object id {made!r}"
    return f"created a class and object {made[:8]}…"


def reads(url, auth=None, headers=None):
    c = client(url, auth, headers)
    schema = c.schema.get()
    assert "classes" in schema, f"schema {schema!r}"
    meta = c.get_meta()
    assert "version" in meta, f"meta {meta!r}"
    return f"read the schema and meta (version {meta['version']})"


def status_of(call):
    """The HTTP status the client reports for a refused call; fails when the call succeeds."""
    try:
        call()
    except UnexpectedStatusCodeException as e:
        return e.status_code
    raise AssertionError("the call succeeded")


def refused(status, call):
    def case():
        got = status_of(call)
        assert got == status, f"status {got}, wanted {status}"
        return f"UnexpectedStatusCodeException {got}"

    return case


def raises(kind, call):
    def case():
        try:
            call()
        except kind as e:
            return f"{type(e).__name__}: {' '.join(str(e).split())[:80]}"
        raise AssertionError(f"no {kind.__name__}: the client got in")

    return case


def key(name):
    return weaviate.AuthApiKey(api_key=os.environ[name])


def adminlist(url):
    unknown = weaviate.AuthApiKey(api_key=os.environ["WEAVIATE_ADMIN_KEY"] + "x")
    return [
        ("admin key: writes a class and an object", lambda: writes(url, key("WEAVIATE_ADMIN_KEY"))),
        ("read-only key: reads", lambda: reads(url, key("WEAVIATE_READER_KEY"))),
        (
            "read-only key: refused a write (403)",
            refused(403, lambda: client(url, key("WEAVIATE_READER_KEY")).schema.create_class({"class": CLASS})),
        ),
        ("unknown key: refused (401)", refused(401, lambda: client(url, unknown).schema.get())),
        ("no key, anonymous off: refused (401)", refused(401, lambda: client(url).schema.get())),
    ]


def anonymous(url):
    unknown = weaviate.AuthApiKey(api_key=os.environ["WEAVIATE_ADMIN_KEY"] + "x")
    return [
        ("no key, anonymous on: reads", lambda: reads(url)),
        ("admin key: writes", lambda: writes(url, key("WEAVIATE_ADMIN_KEY"))),
        ("unknown key: still refused (401)", refused(401, lambda: client(url, unknown).schema.get())),
    ]


def oidc(url):
    env = os.environ
    password = weaviate.AuthClientPassword(username=env["WEAVIATE_OIDC_USER"], password=env["WEAVIATE_OIDC_PASSWORD"])
    wrong_password = weaviate.AuthClientPassword(
        username=env["WEAVIATE_OIDC_USER"], password=env["WEAVIATE_OIDC_PASSWORD"] + "x"
    )
    secret = weaviate.AuthClientCredentials(client_secret=env["WEAVIATE_OIDC_SECRET"], scope=env["WEAVIATE_OIDC_SCOPE"])
    wrong_secret = weaviate.AuthClientCredentials(
        client_secret=env["WEAVIATE_OIDC_SECRET"] + "x", scope=env["WEAVIATE_OIDC_SCOPE"]
    )

    def bearer(token):
        return {"Authorization": f"Bearer {token}"}

    return [
        ("password grant: the issued token reads", lambda: reads(url, password)),
        ("password grant, wrong password: the issuer refuses", raises(OAuthError, lambda: client(url, wrong_password))),
        ("client credentials: the issued token reads", lambda: reads(url, secret)),
        ("client credentials, wrong secret: the issuer refuses", raises(OAuthError, lambda: client(url, wrong_secret))),
        ("no credentials: the client's login error", raises(AuthenticationFailedException, lambda: client(url))),
        (
            "expired token: refused (401)",
            refused(401, lambda: client(url, headers=bearer(env["WEAVIATE_EXPIRED_TOKEN"])).schema.get()),
        ),
        (
            "wrong-audience token: refused (401)",
            refused(401, lambda: client(url, headers=bearer(env["WEAVIATE_WRONG_AUD_TOKEN"])).schema.get()),
        ),
    ]


SETUPS = {"adminlist": adminlist, "anonymous": anonymous, "oidc": oidc}


def main():
    url, setup = sys.argv[1], sys.argv[2]
    testbed.run(f"weaviate {setup:<10}", SETUPS[setup](url))


if __name__ == "__main__":
    main()
