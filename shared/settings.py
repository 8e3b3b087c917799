"""One typed Settings per process, read from SOCREG_* environment variables and validated at start-up.

Nothing else in socreg reads os.environ. Values that domain-rules.md marks UNCONFIRMED, DRAFT-ONLY or
LOCAL live here as settings with the documented value as the default.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET_KEY = "socreg-embedded-demo-key-not-for-production"
SERVICES = ("registry", "inspection", "search")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCREG_", extra="ignore", frozen=True)

    demo: bool = Field(False, description="embedded demo mode: the built-in secret key is allowed")
    data_dir: Path = Path("var")
    secret_key: str = DEMO_SECRET_KEY
    token_ttl_minutes: int = Field(480, ge=1, le=60 * 24 * 30)

    # databases: one per service; empty means an SQLite file under data_dir
    registry_database_url: str = ""
    inspection_database_url: str = ""
    search_database_url: str = ""
    sqlite_busy_timeout_ms: int = Field(30_000, ge=0)

    # the event bus
    bus_backend: Literal["sqlite", "kafka"] = "sqlite"
    bus_sqlite_path: str = ""
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    kafka_session_timeout_ms: int = Field(10_000, ge=1_000)
    kafka_heartbeat_interval_ms: int = Field(3_000, ge=100)
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(0.2, gt=0)
    consumer_poll_seconds: float = Field(0.2, gt=0)

    # HTTP
    max_body_bytes: int = Field(1_048_576, ge=1024)

    # domain settings (domain-rules.md tags in comments)
    foundation_levels: tuple[str, ...] = ("city",)  # R1.3 [UNCONFIRMED]: which levels register foundations

    # inspection (issue 4)
    inspection_min_ratio_city: float = Field(4.0, ge=0, le=100)  # R6.2 L45 art. 5
    inspection_min_ratio_district: float = Field(3.0, ge=0, le=100)  # R6.2 L45 art. 5
    inspection_default_ratio_charity: float = Field(100.0, gt=0, le=100)  # R6.6 [LOCAL]
    inspection_min_inspectors_per_task: int = Field(2, ge=2, le=10)  # R6.4 L45; CSF23 art. 105
    inspection_conflict_years: int = Field(2, ge=0, le=10)  # former work there, within
    inspection_publication_working_days: int = Field(20, ge=1, le=250)  # R6.5 [UNCONFIRMED]
    inspection_holidays: tuple[str, ...] = ()  # YYYY-MM-DD, skipped as non-working
    inspection_uncontactable_letter_days: tuple[int, int] = (20, 60)  # R8.2.1 [DRAFT-ONLY]
    inspection_notice_prefix: str = Field("厦民社整", min_length=1, max_length=20)  # 整改通知书 numbers
    inspection_daily_job_hour: int = Field(1, ge=0, le=23)  # daily sweeps run at

    # search (issue 6)
    search_backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    search_index_path: str = ""  # the embedded FTS5 index file; empty means data_dir/search_index.db
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index: str = Field("socreg-organizations", pattern=r"^[a-z0-9][a-z0-9_-]{0,100}$")  # the alias
    elasticsearch_compatibility_media_types: bool = True  # off for OpenSearch-compatible servers (osmem)
    elasticsearch_timeout_seconds: float = Field(5.0, gt=0)
    search_sync_batch: int = Field(500, ge=1, le=10_000)
    search_population: int = Field(4_297_000, ge=1)  # residents for per-10,000 figures: 7,391 orgs = 17.2 (2020)
    search_goal_total: int = Field(9_000, ge=1)  # the plan's goal for the number of organizations
    search_goal_rated_share: float = Field(0.25, gt=0, le=1)  # R9.9: city-level organizations rated 3A+
    search_inspection_min_share: float = Field(0.04, gt=0, le=1)  # L45: city-level random inspections

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> "Settings":
        if self.secret_key == DEMO_SECRET_KEY and not self.demo:
            raise ValueError(
                "SOCREG_SECRET_KEY is the built-in demo key; set a secret of your own "
                "(it is only accepted in the embedded demo, SOCREG_DEMO=true)"
            )
        if len(self.secret_key) < 32:
            raise ValueError("SOCREG_SECRET_KEY must be at least 32 characters")
        return self

    def database_url(self, service: str) -> str:
        url = getattr(self, f"{service}_database_url")
        return url or f"sqlite:///{(self.data_dir / f'{service}.db').as_posix()}"

    def bus_path(self) -> str:
        return self.bus_sqlite_path or (self.data_dir / "bus.db").as_posix()
