"""A unit of work's live events go to the broker as one message, delivered in order."""

from __future__ import annotations

import asyncio

from sunsupport.live.brokered import BrokeredHub


class _LoopbackHub(BrokeredHub):
    """A broker that hands every payload straight back, and counts them."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    async def _listen(self, ready: asyncio.Event) -> None:
        ready.set()
        await asyncio.Event().wait()

    async def _send(self, payload: str) -> None:
        self.sent.append(payload)
        self._on_payload(payload)


async def test_events_of_one_unit_travel_as_one_payload_in_order() -> None:
    hub = _LoopbackHub()
    await hub.start()
    try:
        async with hub.subscribe("a") as first, hub.subscribe("b") as second:
            events = [("a", {"n": 1}), ("b", {"n": 2}), ("a", {"n": 3})]
            await hub.publish_all(events)
            assert len(hub.sent) == 1
            received = aiter(first)
            assert await anext(received) == {"n": 1}
            assert await anext(received) == {"n": 3}
            assert await anext(aiter(second)) == {"n": 2}
            await hub.publish_all([("b", {"n": 4})])  # one event: the plain payload
            assert hub.sent[-1].startswith('{"c"')
            assert await anext(aiter(second)) == {"n": 4}
    finally:
        await hub.stop()


async def test_a_malformed_batch_is_ignored() -> None:
    hub = _LoopbackHub()
    hub._on_payload('[{"c": "a"}]')  # no event: logged and dropped, nothing raised
    hub._on_payload("[1, 2]")
