"""Configuration from PROBITY_* environment variables and an optional .env file.

Every setting has a development default so a fresh clone runs; production mode
(PROBITY_ENV=production) refuses to start while any secret is missing or still a default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from probity.errors import ConfigurationError

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEV_AUDIT_KEY = "dev-only-insecure-audit-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PROBITY_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: a SQLite file inside data_dir
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    # Keys the audit chain (HMAC). Kept out of the database so a DBA cannot recompute the chain.
    audit_key: SecretStr = SecretStr(DEV_AUDIT_KEY)
    log_level: str = "INFO"
    shared_data_dir: Path = Path("../shared/data")
    models_dir: Path = Field(default=Path(""), description="empty: data_dir/models")
    # the fitted identification recall stage (crawler/identify/stage_cache.py); empty: models dir/cache
    recall_stage_cache_dir: Path = Field(default=Path(""), description="empty: models_dir/cache")

    # Platform access. Only X needs a credential; Bluesky's AppView and Mastodon are public.
    bluesky_base_url: str = "https://public.api.bsky.app"
    mastodon_instances: list[str] = ["https://mastodon.social"]
    # Per instance, a user access token: {"https://mastodon.social": "TOKEN"} (JSON). Mastodon
    # answers 401 to a paginated account search (offset) without one, so without it discovery
    # reads the first page of each query only.
    mastodon_token: dict[str, SecretStr] = {}
    x_base_url: str = "https://api.x.com"
    x_bearer_token: SecretStr | None = None

    # crawler
    crawl_page_size: int = (
        100  # items per page asked for (each platform caps it at its own maximum)
    )
    crawl_max_retries: int = 4  # per request, for 429s, 5xx and timeouts
    crawl_backoff_seconds: float = 1.0  # first backoff step; doubles each retry, +-50% jitter
    crawl_max_sleep: float = 900.0  # no single sleep is longer than this (seconds)
    crawl_timeout: float = 30.0  # per request (seconds)
    crawl_max_empty_pages: int = 3  # empty pages with a cursor followed in a row before stopping
    crawl_graph_budget: int = (
        5000  # requests one graph-discovery run may make per platform base URL
    )
    # An ordinary (incremental) post crawl also reads the posts of the last N days again, so
    # edits and deletions there are seen on every crawl; 0: only new posts (since_id).
    crawl_rewalk_days: float = 7.0
    # Scheduled jobs (jobs/): a completed follow list is read again (newest first, down to the
    # newest entry seen) once it is this old; an account's whole feed is walked again (edits and
    # deletions of posts older than the window above) once its last whole walk is this old.
    crawl_graph_refresh_days: float = Field(default=7.0, gt=0)
    crawl_full_rewalk_days: float = Field(default=28.0, gt=0)

    # Requests per minute one API token may make, per platform; the bucket holds a minute's worth.
    # Shared by every worker through PostgreSQL (jobs/budget.py), so N workers never spend more.
    crawl_rate_limits: dict[str, float] = {"bluesky": 600.0, "mastodon": 60.0, "x": 60.0}

    # background workers (probity worker): a worker silent for worker_stalled_seconds is dead,
    # and the job it held is retried (it resumes from its checkpoint).
    worker_heartbeat_seconds: float = Field(default=10.0, gt=0)
    worker_stalled_seconds: float = Field(default=60.0, gt=0)
    # The queue's finished jobs carry their units' ids (accounts, post ranges) in their arguments.
    # `probity worker` deletes a job when it succeeds; the daily `clean_job_queue` removes the
    # succeeded ones still there after jobs_keep_hours (finished by another worker, such as
    # Procrastinate's own command), and failed, cancelled or aborted ones after
    # jobs_failed_keep_hours: long enough to read why a job failed and retry it.
    jobs_keep_hours: int = Field(default=168, ge=1)
    jobs_failed_keep_hours: int = Field(default=720, ge=1)
    # where the scheduled audit anchoring appends the chain's head (empty: data_dir/audit-anchors.jsonl);
    # point it off the database server (a mounted share) so a DBA cannot rewrite both
    audit_anchor_file: Path = Path("")

    # demo (probity demo): first of three loopback ports for the fake Bluesky, Mastodon and X
    demo_port_base: int = 8701

    # Review workflow
    two_person_rule: bool = False
    # share of unflagged English posts sent to the queue as `audit` flags, so analysts'
    # decisions on them estimate what the model misses (recall in production)
    audit_share: float = Field(default=0.01, ge=0.0, le=1.0)
    max_page_size: int = 200
    # Proportionate looking (issue #15): how many records (flags, referrals, post histories,
    # exports) one analyst or admin key may open per UTC day before an admin is alerted.
    daily_view_budget: int = Field(default=300, ge=1)
    # Opening an account's whole post history or a multi-force export needs a written
    # justification of at least this many characters (it is stored in the audit event).
    justification_min_chars: int = Field(default=15, ge=1, le=500)
    # Statistics (GET /api/v1/stats) are computed at most once per this many seconds per scope in
    # each server process (0: every request computes them); see api/services/stats_cache.py.
    stats_cache_seconds: float = Field(default=0.0, ge=0.0, le=3600.0)

    # API and web UI (api/)
    max_body_bytes: int = 64 * 1024  # larger request bodies are refused with 413
    max_import_bytes: int = (
        256 * 1024 * 1024
    )  # register files uploaded to the import route (streamed to disk)
    ui_session_hours: int = 8  # lifetime of the web UI's signed session cookie

    # Data protection: a force's own retention schedule (TOML, every class of the bundled
    # probity/retention_schedule.toml); empty: the bundled one
    retention_schedule: Path | None = None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'probity.db').as_posix()}"

    @property
    def resolved_models_dir(self) -> Path:
        return (
            self.models_dir if str(self.models_dir) not in ("", ".") else self.data_dir / "models"
        )

    @property
    def resolved_recall_stage_cache_dir(self) -> Path:
        if str(self.recall_stage_cache_dir) not in ("", "."):
            return self.recall_stage_cache_dir
        return self.resolved_models_dir / "cache"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def _failed_jobs_outlive_succeeded_ones(self) -> Settings:
        # the cleanup of failed jobs removes succeeded ones of that age too (Procrastinate's
        # remove_old_jobs), so a shorter period would cut the succeeded jobs' period short
        if self.jobs_failed_keep_hours < self.jobs_keep_hours:
            raise ConfigurationError(
                f"PROBITY_JOBS_FAILED_KEEP_HOURS ({self.jobs_failed_keep_hours}) must be at least "
                f"PROBITY_JOBS_KEEP_HOURS ({self.jobs_keep_hours})"
            )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if not self.is_production:
            return self
        problems: list[str] = []
        secret = self.secret_key.get_secret_value()
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            problems.append(
                "PROBITY_SECRET_KEY must be set to a random value of at least 32 characters"
            )
        audit_key = self.audit_key.get_secret_value()
        if audit_key == DEV_AUDIT_KEY or len(audit_key) < 32:
            problems.append(
                "PROBITY_AUDIT_KEY must be set to a random value of at least 32 characters"
            )
        elif audit_key == secret:
            problems.append("PROBITY_AUDIT_KEY must differ from PROBITY_SECRET_KEY")
        if not self.database_url:
            problems.append("PROBITY_DATABASE_URL must be set explicitly in production")
        if problems:
            raise ConfigurationError("refusing to start in production mode: " + "; ".join(problems))
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Forget cached settings (tests and the CLI change the environment between runs)."""
    get_settings.cache_clear()
