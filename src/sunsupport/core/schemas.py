"""Schemas shared by every domain."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

MAX_TEXT = 2000
"""The longest message, answer, canned reply or taught phrasing, in characters."""


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]]


class HealthOut(BaseModel):
    status: str
