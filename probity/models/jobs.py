"""State the background jobs share between workers (jobs/): the per-token request budget."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from probity.models.base import Base


class RateBudget(Base):
    """A token bucket per platform base URL (one API token), shared by every worker.

    ``tokens`` is the bucket's content at ``updated_at`` (Unix seconds); a worker refills it for
    the time elapsed and takes one token in a single UPDATE, so N workers on N machines together
    never spend faster than one token may (the capacity and rate come from settings).
    """

    __tablename__ = "rate_budgets"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)  # "platform base_url"
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
