"""Canned replies: edited by admins, read by operators."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api import make_staff


@pytest.mark.both_databases
async def test_canned_replies_are_edited_by_admins_and_read_by_operators(
    client: httpx.AsyncClient, app
) -> None:
    admin, operator = await make_staff(app, client, "admin"), await make_staff(app, client)
    created = await client.post(
        "/admin/canned",
        headers=admin["headers"],
        json={"shortcut": "привет", "text": "Здравствуйте! Чем помочь?"},
    )
    assert created.status_code == 201
    reply_id = created.json()["id"]
    duplicate = await client.post(
        "/admin/canned", headers=admin["headers"], json={"shortcut": "привет", "text": "x"}
    )
    assert duplicate.status_code == 409
    updated = await client.put(
        f"/admin/canned/{reply_id}",
        headers=admin["headers"],
        json={"shortcut": "привет", "text": "Добрый день! Чем помочь?"},
    )
    assert updated.json()["text"] == "Добрый день! Чем помочь?"
    listed = (await client.get("/operator/canned", headers=operator["headers"])).json()
    admin_list = (await client.get("/admin/canned", headers=admin["headers"])).json()
    assert admin_list == listed
    assert (await client.get("/admin/canned", headers=operator["headers"])).status_code == 403
    assert [(c["shortcut"], c["text"]) for c in listed] == [("привет", "Добрый день! Чем помочь?")]
    deleted = await client.delete(f"/admin/canned/{reply_id}", headers=admin["headers"])
    assert deleted.status_code == 204
    assert (
        await client.delete(f"/admin/canned/{reply_id}", headers=admin["headers"])
    ).status_code == 404


async def test_canned_replies_are_bounded(client: httpx.AsyncClient, app, monkeypatch) -> None:
    """The console loads every canned reply, so their number has a ceiling (lowered here
    from 500 to 3); deleting one makes room again."""
    from sunsupport.canned import service

    monkeypatch.setattr(service, "MAX_REPLIES", 3)
    admin = await make_staff(app, client, "admin")
    ids = []
    for n in range(3):
        body = {"shortcut": f"s{n}", "text": f"Ответ {n}"}
        created = await client.post("/admin/canned", headers=admin["headers"], json=body)
        assert created.status_code == 201
        ids.append(created.json()["id"])
    body = {"shortcut": "s3", "text": "Ответ 3"}
    refused = await client.post("/admin/canned", headers=admin["headers"], json=body)
    assert refused.status_code == 409 and "At most 3" in refused.json()["detail"]
    await client.delete(f"/admin/canned/{ids[0]}", headers=admin["headers"])
    again = await client.post("/admin/canned", headers=admin["headers"], json=body)
    assert again.status_code == 201
    listed = (await client.get("/admin/canned", headers=admin["headers"])).json()
    assert [c["shortcut"] for c in listed] == ["s1", "s2", "s3"]
