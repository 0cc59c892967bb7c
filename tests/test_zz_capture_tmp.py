import json
from typing import Any

import pytest

from tests.test_route_matrix import QUERY_VALUES, ROUTES, Access, _fill, _takes_profile_in_query, matrix  # noqa: F401
from tests.test_operation_examples import DOCUMENT

CALLER = {
    Access.public: "anonymous", Access.health: "anonymous", Access.signed_in: "parent",
    Access.grown_up: "parent", Access.profile: "parent", Access.parent_profile: "parent",
    Access.teacher: "teacher", Access.classroom: "teacher", Access.editor: "editor",
    Access.admin: "admin",
}


@pytest.mark.timeout(600)
async def test_capture(matrix: Any) -> None:
    out: dict[str, Any] = {}
    m = matrix
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            route = f"{method.upper()} {path}"
            access = ROUTES.get(route)
            if access is None or access not in CALLER or path.endswith("/stream"):
                continue
            caller = CALLER[access]
            url = _fill(route, m.world.ids, in_query=_takes_profile_in_query(op, True))
            params = {}
            for p in op.get("parameters", []):
                if p["in"] == "query" and p.get("required") and p["name"] != "profile_id":
                    params[p["name"]] = QUERY_VALUES.get(p["name"], "x")
            headers = dict(m.world.headers.get(caller, {}))
            for p in op.get("parameters", []):
                if p["in"] == "header" and p.get("required"):
                    headers[p["name"]] = "*"
            kwargs: dict[str, Any] = {"headers": headers}
            if params:
                kwargs["params"] = params
            rb = op.get("requestBody")
            if rb:
                ct, c = next(iter(rb["content"].items()))
                if ct == "application/json":
                    kwargs["json"] = c.get("example", {})
                else:
                    kwargs["data"] = c.get("example", {})
            sp = await m.conn.begin_nested()
            try:
                r = await m.client.request(method.upper(), url, **kwargs)
            finally:
                if sp.is_active:
                    await sp.rollback()
                await m.runtime.cache.clear()
            try:
                body = r.json()
            except Exception:
                body = r.text[:300]
            out[route] = {"status": r.status_code, "body": body}
    json.dump(out, open("/tmp/gen/capture2.json", "w"), indent=1, default=str)
