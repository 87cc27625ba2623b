"""The official Chroma client (chromadb 0.6.3) against a server with authentication.

Usage: chroma_client.py PORT AUTH   (AUTH: basic, token or token-x-chroma, as the modes are named)
       chroma_client.py PORT tls    (over HTTPS with Basic credentials: the ssl-verify matrix)
Credentials come from the environment, never the command line: CHROMA_USER and CHROMA_PASSWORD for
basic, CHROMA_TOKEN for the token transports. Each case prints one line, `pass` or `FAIL`, with
what the client did; the exit status is the number of failed cases (0: all passed).

`tls` prints, for each `chroma_server_ssl_verify` of CIP-01022024 (True: the default roots; False;
the CA file in CHROMA_CA), one line `verify=… connected` or `verify=… refused: <why>`, and exits 0:
which cells must connect is the caller's matrix (tests/clients_chroma.rs).
"""

import os
import sys

import testbed

import chromadb
from chromadb.config import Settings
from chromadb.errors import ChromaAuthError

BASIC = "chromadb.auth.basic_authn.BasicAuthClientProvider"
TOKEN = "chromadb.auth.token_authn.TokenAuthClientProvider"
HEADERS = {"token": "Authorization", "token-x-chroma": "X-Chroma-Token"}


def settings(auth, credentials):
    if credentials is None:
        return Settings(anonymized_telemetry=False)
    if auth == "basic":
        return Settings(
            anonymized_telemetry=False,
            chroma_client_auth_provider=BASIC,
            chroma_client_auth_credentials=credentials,
        )
    return Settings(
        anonymized_telemetry=False,
        chroma_client_auth_provider=TOKEN,
        chroma_client_auth_credentials=credentials,
        chroma_auth_token_transport_header=HEADERS[auth],
    )


def client(port, auth, credentials):
    return chromadb.HttpClient(host="127.0.0.1", port=port, settings=settings(auth, credentials))


def tls_matrix(port):
    """One protected call over HTTPS per ssl-verify setting; what the client did, never raised."""
    credentials = f"{os.environ['CHROMA_USER']}:{os.environ['CHROMA_PASSWORD']}"
    for verify in (True, False, os.environ["CHROMA_CA"]):
        shown = "ca-file" if isinstance(verify, str) else str(verify)
        try:
            c = chromadb.HttpClient(
                host="localhost",
                port=port,
                ssl=True,
                settings=Settings(
                    anonymized_telemetry=False,
                    chroma_client_auth_provider=BASIC,
                    chroma_client_auth_credentials=credentials,
                    chroma_server_ssl_verify=verify,
                ),
            )
            c.list_collections()
            print(f"verify={shown} connected")
        except Exception as e:  # noqa: BLE001 - a refused handshake is an answer here
            # The client wraps the handshake error ("Could not connect…"): name the innermost one.
            while e.__cause__ or e.__context__:
                e = e.__cause__ or e.__context__
            why = " ".join(str(e).split())[:160]
            print(f"verify={shown} refused: {type(e).__name__}: {why}")


def full_round_trip(port, auth, credentials):
    """Heartbeat, create, add, count, query, list, delete: every step's answer checked."""
    c = client(port, auth, credentials)
    assert c.heartbeat() > 0, "heartbeat"
    name = "authconform-clients"
    if name in [str(x) for x in c.list_collections()]:
        c.delete_collection(name)
    col = c.create_collection(name)
    col.add(
        ids=["a", "b", "c"],
        embeddings=[[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]],
        documents=["east", "north", "north-east"],
    )
    assert col.count() == 3, f"count {col.count()}"
    found = col.query(query_embeddings=[[0.9, 0.1]], n_results=2)
    assert found["ids"] == [["a", "c"]], f"nearest {found['ids']}"
    assert found["documents"] == [["east", "north-east"]], f"documents {found['documents']}"
    assert name in [str(x) for x in c.list_collections()], "listed"
    c.delete_collection(name)
    assert name not in [str(x) for x in c.list_collections()], "deleted"
    return "created, added 3, queried the 2 nearest, listed, deleted"


def refused(port, auth, credentials):
    """The client raises its auth error, at start-up or at the first protected call."""
    try:
        c = client(port, auth, credentials)
        c.list_collections()
    except ChromaAuthError as e:
        return f"ChromaAuthError: {e}"
    raise AssertionError("no auth error: the server let the client in")


def main():
    port, auth = int(sys.argv[1]), sys.argv[2]
    if auth == "tls":
        tls_matrix(port)
        return
    if auth == "basic":
        good = f"{os.environ['CHROMA_USER']}:{os.environ['CHROMA_PASSWORD']}"
        wrong = f"{os.environ['CHROMA_USER']}:{os.environ['CHROMA_PASSWORD']}x"
    else:
        good = os.environ["CHROMA_TOKEN"]
        wrong = good + "x"
    cases = [
        ("valid credentials: the whole data path works", full_round_trip, good),
        ("wrong credentials: the client's auth error", refused, wrong),
        ("no credentials: the client's auth error", refused, None),
    ]
    testbed.run(
        f"chroma {auth:<20}",
        [(title, lambda case=case, c=c: case(port, auth, c)) for title, case, c in cases],
    )


if __name__ == "__main__":
    main()
