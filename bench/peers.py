"""Peer clients of the benchmark, in one long-lived Python process (Debian's python3-cinderclient
and python3-openstacksdk, run with /usr/bin/python3).

    python3 bench/peers.py <user_id> <project_id>

Prints one JSON line when ready, then answers one JSON line per request line on stdin:
    {"op": "open", "endpoint": E}  ->  {"ok": true, "setupMs": {...}}   (clients for a noauth endpoint)
    {"op": "sequence", "endpoint": E, "volume", "instance", "connector", "moved", "repeats", "warmup"}
        ->  {"ok": true, "samples": {client: {op: [ms, ...]}}}  (the bench's sequence, run here)
    {"endpoint": E, "client": "cinderclient" | "openstacksdk", "op": "reserve" | "create" | "update"
     | "complete" | "read" | "delete", "volume": ..., "instance": ..., "id": ..., "connector": {...},
     "complete": bool}
->  {"ok": true, "ms": <time of the call(s) in this process>, "id": ...} or {"ok": false, "error": ...}

cinderclient is used as its documentation shows (client.Client("3.54", session=...)) with its own
noauth plugin (cinderclient.contrib.noauth, what `cinder` uses with OS_AUTH_TYPE=noauth).
openstacksdk 0.101 (Debian bookworm) has no attachment resource in block_storage v3 (only the
legacy os-attach / os-initialize_connection / os-terminate_connection volume actions), so it is
measured as a REST passthrough (conn.block_storage.post/put/get/delete), its documented way to
call an API it does not model; its version discovery is skipped because a noauth Cinder answers
an unauthenticated GET /v3 with an empty 204 that keystoneauth cannot read.
"""

import json
import sys
import time

START = time.perf_counter()

from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1 import token_endpoint  # noqa: E402
from cinderclient import client as cinder_client  # noqa: E402
from cinderclient.contrib import noauth  # noqa: E402
import cinderclient  # noqa: E402
import openstack  # noqa: E402
import openstack.block_storage.v3._proxy as block_storage_proxy  # noqa: E402
import openstack.version  # noqa: E402

IMPORTED = time.perf_counter()


def open_clients(endpoint, user_id, project_id):
    """One python-cinderclient Client and one openstacksdk Connection for an endpoint, and their setup times."""
    started = time.perf_counter()
    cinder = cinder_client.Client(
        "3.54",
        session=ks_session.Session(auth=noauth.CinderNoAuthPlugin(user_id, project_id, endpoint=endpoint)),
        os_endpoint=endpoint,
    )
    cinder_setup = time.perf_counter() - started

    started = time.perf_counter()
    block_storage_proxy.Proxy.skip_discovery = True
    conn = openstack.connection.Connection(
        session=ks_session.Session(auth=token_endpoint.Token(endpoint, "%s:%s" % (user_id, project_id))),
        block_storage_endpoint_override=endpoint,
        block_storage_api_version="3",
    )
    sdk = conn.block_storage
    sdk_setup = time.perf_counter() - started
    return {"cinderclient": cinder, "openstacksdk": sdk}, {"cinderclient": cinder_setup * 1000, "openstacksdk": sdk_setup * 1000}


def main():
    user_id, project_id = sys.argv[1:3]
    sdk_methods = sorted(m for m in dir(block_storage_proxy.Proxy) if "attach" in m)
    print(
        json.dumps(
            {
                "ready": True,
                "importMs": (IMPORTED - START) * 1000,
                "versions": {
                    "cinderclient": cinderclient.__version__,
                    "openstacksdk": openstack.version.__version__,
                    "python": sys.version.split()[0],
                },
                "openstacksdkAttachmentMethods": sdk_methods,
            }
        ),
        flush=True,
    )

    endpoints = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            endpoint = request["endpoint"].rstrip("/")
            if request["op"] == "open":
                clients, setup = open_clients(endpoint, user_id, project_id)
                endpoints[endpoint] = clients
                print(json.dumps({"ok": True, "ms": 0, "setupMs": setup}), flush=True)
                continue
            if request["op"] == "sequence":
                samples = sequence(endpoints[endpoint], request)
                print(json.dumps({"ok": True, "ms": 0, "samples": samples}), flush=True)
                continue
            client = request["client"]
            handler = CINDERCLIENT if client == "cinderclient" else OPENSTACKSDK
            target = endpoints[endpoint][client]
            started = time.perf_counter()
            attachment_id = handler[request["op"]](target, request)
            elapsed = (time.perf_counter() - started) * 1000
            print(json.dumps({"ok": True, "ms": elapsed, "id": attachment_id}), flush=True)
        except Exception as err:  # reported to the bench, which fails the step
            print(json.dumps({"ok": False, "error": "%s: %s" % (type(err).__name__, err)}), flush=True)


def sequence(clients, r):
    """The bench's sequence (bench/operations.ts SEQUENCE), `repeats` times after `warmup`, both
    clients alternating step by step; returns {client: {op: [ms, ...]}}."""
    names = ["cinderclient", "openstacksdk"]
    steps = [
        ("reserve", lambda h, c, cur: h["reserve"](c, {"volume": r["volume"], "instance": r["instance"]})),
        ("deleteReserved", lambda h, c, cur: h["delete"](c, {"id": cur})),
        ("createConnected", lambda h, c, cur: h["create"](c, {"volume": r["volume"], "connector": r["connector"]})),
        ("update", lambda h, c, cur: h["update"](c, {"id": cur, "connector": r["moved"]})),
        ("complete", lambda h, c, cur: h["complete"](c, {"id": cur})),
        ("read", lambda h, c, cur: h["read"](c, {"id": cur})),
        ("delete", lambda h, c, cur: h["delete"](c, {"id": cur})),
        ("createCompleted", lambda h, c, cur: h["create"](c, {"volume": r["volume"], "connector": r["connector"], "complete": True})),
        ("delete", lambda h, c, cur: h["delete"](c, {"id": cur})),
    ]
    handlers = {"cinderclient": CINDERCLIENT, "openstacksdk": OPENSTACKSDK}
    samples = {name: {} for name in names}
    for repeat in range(-r["warmup"], r["repeats"]):
        current = {name: None for name in names}
        for op, run in steps:
            order = names if repeat % 2 == 0 else list(reversed(names))
            for name in order:
                started = time.perf_counter()
                made = run(handlers[name], clients[name], current[name])
                elapsed = (time.perf_counter() - started) * 1000
                current[name] = None if op.startswith("delete") else (made or current[name])
                if repeat >= 0:
                    samples[name].setdefault(op, []).append(elapsed)
    return samples


# cinderclient: the library's own attachment calls.


def cc_reserve(cinder, r):
    return cinder.attachments.create(r["volume"], {}, r["instance"])["id"]


def cc_create(cinder, r):
    attachment_id = cinder.attachments.create(r["volume"], r["connector"])["id"]
    if r.get("complete"):
        cinder.attachments.complete(attachment_id)
    return attachment_id


def cc_update(cinder, r):
    cinder.attachments.update(r["id"], r["connector"])


def cc_complete(cinder, r):
    cinder.attachments.complete(r["id"])


def cc_read(cinder, r):
    cinder.attachments.show(r["id"])


def cc_delete(cinder, r):
    cinder.attachments.delete(r["id"])


CINDERCLIENT = {
    "reserve": cc_reserve,
    "create": cc_create,
    "update": cc_update,
    "complete": cc_complete,
    "read": cc_read,
    "delete": cc_delete,
}


# openstacksdk: REST passthrough on the block-storage proxy (a keystoneauth Adapter).


def checked(response, *ok):
    if response.status_code not in ok:
        raise RuntimeError("%s %s answered %s: %s" % (response.request.method, response.url, response.status_code, response.text[:300]))
    return response


def sdk_reserve(sdk, r):
    body = {"attachment": {"volume_uuid": r["volume"], "instance_uuid": r["instance"]}}
    return checked(sdk.post("/attachments", json=body, microversion="3.27", raise_exc=False), 200, 202).json()["attachment"]["id"]


def sdk_create(sdk, r):
    body = {"attachment": {"volume_uuid": r["volume"], "connector": r["connector"]}}
    attachment_id = checked(sdk.post("/attachments", json=body, microversion="3.27", raise_exc=False), 200, 202).json()["attachment"]["id"]
    if r.get("complete"):
        sdk_complete(sdk, {"id": attachment_id})
    return attachment_id


def sdk_update(sdk, r):
    body = {"attachment": {"connector": r["connector"]}}
    checked(sdk.put("/attachments/%s" % r["id"], json=body, microversion="3.27", raise_exc=False), 200)


def sdk_complete(sdk, r):
    body = {"os-complete": {}}
    checked(sdk.post("/attachments/%s/action" % r["id"], json=body, microversion="3.44", raise_exc=False), 204)


def sdk_read(sdk, r):
    checked(sdk.get("/attachments/%s" % r["id"], microversion="3.27", raise_exc=False), 200).json()


def sdk_delete(sdk, r):
    checked(sdk.delete("/attachments/%s" % r["id"], microversion="3.27", raise_exc=False), 200, 202, 204)


OPENSTACKSDK = {
    "reserve": sdk_reserve,
    "create": sdk_create,
    "update": sdk_update,
    "complete": sdk_complete,
    "read": sdk_read,
    "delete": sdk_delete,
}


if __name__ == "__main__":
    main()
