"""The staff audit log: what is recorded, who may read it, and paging."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from sunsupport.auth import service as accounts
from tests.support.api import PASSWORD, make_staff, open_chat, say

pytestmark = pytest.mark.both_databases


async def test_staff_actions_are_recorded_newest_first(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    headers = admin["headers"]
    user = await new_user()
    sid = await open_chat(client, user)
    await say(client, user, sid, "рецепт борща")
    [item] = (await client.get("/admin/misunderstood", headers=headers)).json()
    await client.patch(
        f"/admin/misunderstood/{item['id']}", headers=headers, json={"status": "dismissed"}
    )
    await client.post(
        f"/admin/misunderstood/{item['id']}/teach", headers=headers, json={"intent": "pricing"}
    )
    created = await client.post(
        "/admin/canned", headers=headers, json={"shortcut": "hi", "text": "Здравствуйте!"}
    )
    canned_id = created.json()["id"]
    await client.put(
        f"/admin/canned/{canned_id}", headers=headers, json={"shortcut": "hi", "text": "Привет!"}
    )
    await client.delete(f"/admin/canned/{canned_id}", headers=headers)
    assert (await client.post("/admin/kb/reload", headers=headers)).status_code == 200
    await accounts.set_role(app.state.db, user["username"], "operator")

    response = await client.get("/admin/audit", headers=headers)

    assert response.status_code == 200
    entries = response.json()
    assert [e["action"] for e in entries] == [
        "user.role_changed",
        "kb.reloaded",
        "canned.deleted",
        "canned.updated",
        "canned.created",
        "kb.example_taught",
        "inbox.status_changed",
    ]
    assert set(entries[0]) == {"id", "at", "actor", "action", "target", "detail"}
    assert entries[0]["actor"] is None  # the command line
    assert entries[0]["target"] == f"user:{user['id']}"
    assert entries[0]["detail"]["after"] == "operator"
    assert {e["actor"] for e in entries[1:]} == {admin["username"]}
    assert entries[4]["detail"] == {"shortcut": "hi"}
    assert entries[5]["detail"]["intent"] == "pricing"
    assert entries[6]["detail"] == {"before": "new", "after": "dismissed"}
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)


async def test_account_deletions_are_recorded_without_the_name(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    user = await new_user()
    await client.request("DELETE", "/auth/me", headers=user["headers"], json={"password": PASSWORD})
    [entry] = (await client.get("/admin/audit", headers=admin["headers"])).json()
    assert entry["action"] == "user.deleted"
    assert entry["actor"] == entry["target"] == f"user:{user['id']}"
    assert entry["detail"]["via"] == "self"
    assert user["username"] not in str(entry)


async def test_only_admins_read_the_log_and_it_pages_backwards(
    app: FastAPI, client: httpx.AsyncClient, new_user
) -> None:
    admin = await make_staff(app, client, "admin")
    operator = await make_staff(app, client)
    for n in range(5):
        await client.post(
            "/admin/canned", headers=admin["headers"], json={"shortcut": f"c{n}", "text": "Текст"}
        )
    assert (await client.get("/admin/audit", headers=operator["headers"])).status_code == 403
    user = await new_user()
    assert (await client.get("/admin/audit", headers=user["headers"])).status_code == 403
    assert (await client.get("/admin/audit")).status_code == 401
    first = (await client.get("/admin/audit?limit=2", headers=admin["headers"])).json()
    older = (
        await client.get(
            f"/admin/audit?limit=10&before_id={first[-1]['id']}", headers=admin["headers"]
        )
    ).json()
    shortcuts = [e["detail"]["shortcut"] for e in first + older]
    assert shortcuts == ["c4", "c3", "c2", "c1", "c0"]
    for bad in ("limit=0", "limit=201", "before_id=0", "before_id=x"):
        assert (
            await client.get(f"/admin/audit?{bad}", headers=admin["headers"])
        ).status_code == 422


async def test_renaming_staff_is_recorded(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await make_staff(app, client, "admin")
    operator = await make_staff(app, client)
    renamed = await client.patch(
        f"/admin/staff/{operator['id']}", headers=admin["headers"], json={"display_name": "Ольга"}
    )
    assert renamed.status_code == 200, renamed.text
    [entry] = (await client.get("/admin/audit", headers=admin["headers"])).json()
    assert (entry["action"], entry["actor"]) == ("user.display_name_changed", admin["username"])
    assert entry["detail"] == {"before": None, "after": "Ольга"}
