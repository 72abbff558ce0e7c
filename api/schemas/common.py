"""Shared schema bases and small response models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    """Base for request bodies and query models: unknown fields are a 422 that names them."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail in the database.
        if isinstance(data, dict):
            for name, value in data.items():
                values = value if isinstance(value, list) else [value]
                if any(isinstance(v, str) and "\x00" in v for v in values):
                    raise ValueError(f"field '{name}' contains a NUL character")
                if any(isinstance(v, str) and _has_lone_surrogate(v) for v in values):
                    raise ValueError(
                        f"field '{name}' contains a lone surrogate (not valid Unicode text)"
                    )
        return data


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def printable(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8 (lone surrogates become ``\\udXXX``),
    so an error that echoes bad input can always be sent."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    return value


def _utc_in_range(value: datetime) -> datetime:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if not 1970 <= value.year <= 2200 or not 1970 <= value.astimezone(UTC).year <= 2200:
        raise ValueError("timestamps must fall between 1970 and 2200")
    return value.astimezone(UTC)


# A query timestamp: naive values are UTC; the range keeps both databases' date types happy.
Timestamp = Annotated[datetime, AfterValidator(_utc_in_range)]


class ErrorOut(BaseModel):
    detail: Any
    message: str | None = None
    current: dict[str, Any] | None = Field(None, description="409: the object's state now")


class Health(BaseModel):
    status: str


class WhoAmI(BaseModel):
    prefix: str
    role: str
    force_id: str | None


class Message(BaseModel):
    detail: str
