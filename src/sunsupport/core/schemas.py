"""Schemas shared by every domain."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sunsupport.core.text import MAX_TEXT

__all__ = ["MAX_TEXT", "ErrorOut", "HealthOut"]


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]]


class HealthOut(BaseModel):
    status: str
