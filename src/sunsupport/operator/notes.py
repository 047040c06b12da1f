"""The system notes a handover leaves in the conversation, as the customer reads them.

Present tense on purpose: Russian past tense would need the operator's gender.
"""

from __future__ import annotations

from typing import Literal

HandoverEvent = Literal["claimed", "released", "resolved"]

_TEMPLATES: dict[HandoverEvent, str] = {
    "claimed": "Оператор {name} подключается к чату",
    "released": "Оператор {name} передаёт чат боту",
    "resolved": "Оператор {name} закрывает обращение",
}


def handover_note(event: HandoverEvent, name: str) -> str:
    return _TEMPLATES[event].format(name=name)
