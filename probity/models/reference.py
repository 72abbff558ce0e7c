"""The forces table, synchronised from ``probity.forces`` on every ``probity db upgrade``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from probity.models.base import Base


class ForceRow(Base):
    __tablename__ = "forces"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # data.police.uk id
    name: Mapped[str] = mapped_column(String(200))
    territorial: Mapped[bool] = mapped_column(default=True)
    aliases: Mapped[list[Any]]
    handles: Mapped[list[Any]]
