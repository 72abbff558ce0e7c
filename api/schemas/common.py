"""Shared schema bases and small response models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base for request bodies and query models: unknown fields are a 422 that names them."""

    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    status: str


class WhoAmI(BaseModel):
    prefix: str
    role: str
    force_id: str | None


class Message(BaseModel):
    detail: str
