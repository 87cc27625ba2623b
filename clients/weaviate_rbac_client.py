"""weaviate-client 4.x (its REST role API: `client.roles`, `client.users.db`) against a Weaviate with
RBAC on. Root makes a role reading the Alpha* collections and assigns it; the reader sees it as
its own, reads Alpha's schema and not Beta's, and can neither make roles nor give itself root;
once root revokes the role, the reader reads nothing. Keys come from the environment
(WEAVIATE_ROOT_KEY, WEAVIATE_READER_KEY). Usage: weaviate_rbac_client.py URL GRPC_PORT"""

import os
import sys
from urllib.parse import urlparse

import weaviate
from weaviate.classes.init import Auth
from weaviate.classes.rbac import Permissions
from weaviate.exceptions import InsufficientPermissionsError, UnexpectedStatusCodeError

from testbed import run

url = urlparse(sys.argv[1])
grpc_port = int(sys.argv[2])


def connect(key):
    # The role API is REST; the reference serves no gRPC, so the start-up checks are skipped.
    return weaviate.connect_to_custom(
        http_host=url.hostname, http_port=url.port, http_secure=False,
        grpc_host=url.hostname, grpc_port=grpc_port, grpc_secure=False,
        auth_credentials=Auth.api_key(key), skip_init_checks=True,
    )


root = connect(os.environ["WEAVIATE_ROOT_KEY"])
reader = connect(os.environ["WEAVIATE_READER_KEY"])


def refused(thunk):
    try:
        thunk()
    except (InsufficientPermissionsError, UnexpectedStatusCodeError) as e:
        code = getattr(e, "status_code", None) or getattr(getattr(e, "error", None), "status_code", None)
        return f"refused ({type(e).__name__}{f' {code}' if code else ''})"
    raise AssertionError("the server let it through")


def make_role():
    root.roles.create(
        role_name="alpha-reader",
        permissions=[
            Permissions.data(collection="Alpha*", read=True),
            Permissions.collections(collection="Alpha*", read_config=True),
        ],
    )
    listed = sorted(root.roles.list_all())
    assert "alpha-reader" in listed and "root" in listed, listed
    return f"roles: {', '.join(listed)}"


def assign():
    root.users.db.assign_roles(user_id="ian", role_names=["alpha-reader"])
    current = reader.roles.get_current_roles()
    own = sorted(current) if isinstance(current, dict) else sorted(r.name for r in current)
    assert own == ["alpha-reader"], own
    return f"ian's own roles: {own}"


def reads_alpha():
    assert reader.collections.exists("Alpha"), "GET /v1/schema/Alpha was not 200"
    return "GET /v1/schema/Alpha: 200"


def revoke_then_nothing():
    root.users.db.revoke_roles(user_id="ian", role_names="alpha-reader")
    return refused(lambda: reader.collections.exists("Alpha"))


try:
    run(
        "weaviate rbac",
        [
            ("root creates a role reading Alpha* (client.roles.create)", make_role),
            ("root assigns it to ian (client.users.db.assign_roles)", assign),
            ("ian reads Alpha", reads_alpha),
            ("ian cannot read Beta", lambda: refused(lambda: reader.collections.exists("Beta"))),
            ("ian cannot create a role", lambda: refused(lambda: reader.roles.create(
                role_name="ian-made", permissions=Permissions.data(collection="*", read=True)))),
            ("ian cannot give himself root", lambda: refused(
                lambda: reader.users.db.assign_roles(user_id="ian", role_names=["root"]))),
            ("after root revokes the role, ian reads nothing", revoke_then_nothing),
        ],
    )
finally:
    root.close()
    reader.close()
