from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str | None = Field(
        description="the staff member's username; user:<id> once that account is deleted; "
        "null for the system (scheduled purges) and the command line"
    )
    action: str
    target: str | None
    detail: dict[str, Any]
