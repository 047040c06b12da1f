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
