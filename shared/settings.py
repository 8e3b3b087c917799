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
    consumer_linger_seconds: float = Field(0.05, ge=0, le=2)  # after a short poll, wait so a burst shares a batch
    # `socreg up`: relays, consumers and schedulers in a second process (the API keeps a core) or as threads
    embedded_workers: Literal["process", "thread"] = "process"

    # HTTP
    max_body_bytes: int = Field(1_048_576, ge=1024)

    # web and deploy (issue 12 part 6): /readyz and /metrics are closed outside the embedded demo unless
    # opened here; /healthz is always public
    operations_public: bool = False  # true: anyone reaching the port reads them (a closed network only)
    operations_token: str = Field("", pattern=r"^(|.{32,})$")  # their bearer token (>= 32 chars); "": none

    # sign-in (issue 12 part 5): where accounts live, throttling per account and per client address, the
    # second factor. Failures count within a window; past `*_delay_after` each further failure doubles the
    # wait before the next try (429 with Retry-After), past `*_lock_after` the key is locked for a while
    accounts_database_url: str = ""  # users and sessions, read by every service; empty: the registry's database
    signin_window_minutes: int = Field(15, ge=1, le=24 * 60)
    signin_account_delay_after: int = Field(5, ge=1, le=10_000)
    signin_account_lock_after: int = Field(10, ge=1, le=10_000)
    signin_address_delay_after: int = Field(20, ge=1, le=100_000)  # an address may be an office behind one NAT
    signin_address_lock_after: int = Field(100, ge=1, le=100_000)
    signin_first_delay_seconds: float = Field(1.0, ge=0, le=600)
    signin_max_delay_seconds: float = Field(60.0, ge=0, le=3600)
    signin_lock_minutes: int = Field(15, ge=1, le=7 * 24 * 60)  # an admin unlocks sooner: socreg user unlock
    signin_parallel_checks: int = Field(1, ge=1, le=64)  # password checks at once per process (argon2, ~0.1 s CPU)
    totp_required_roles: tuple[str, ...] = ("approver", "admin")  # outside the demo (demo=false)
    totp_issuer: str = Field("socreg", min_length=1, max_length=40, pattern=r"^[^:]+$")  # shown by the app

    # domain settings (domain-rules.md tags in comments)
    foundation_levels: tuple[str, ...] = ("city",)  # R1.3 [UNCONFIRMED]: which levels register foundations
    # R5.1 [UNCONFIRMED]: a 换届 or a new legal representative needs a financial audit first (SHT 27, MFQ 22, JJH 37);
    # no text sets how recent it must be: one issued within this many days before the change counts (once)
    governance_audit_window_days: int = Field(180, ge=1, le=3650)

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
    inspection_entry_working_days: int = Field(5, ge=1, le=60)  # R8.1.2 L60: a later entry is flagged late

    # credit lists (issue 5; domain-rules.md §8): the inspection service's credit-list engine
    credit_auto_removal_months: int = Field(6, ge=0, le=60)  # R8.4.2 [DRAFT-ONLY]; nothing to rectify; 0: never
    credit_removal_working_days: int = Field(5, ge=1, le=60)  # R8.4.2 [DRAFT-ONLY]: removal after verifying
    credit_serious_decision_working_days: int = Field(5, ge=1, le=60)  # R8.4.3 [UNCONFIRMED]
    credit_objection_working_days: int = Field(10, ge=1, le=60)  # R8.4.4 [UNCONFIRMED]
    credit_red_min_grade: Literal["1A", "2A", "3A", "4A", "5A"] = "3A"  # R8.5.3 [UNCONFIRMED]
    credit_red_clean_years: int = Field(3, ge=0, le=10)  # R8.5.3 [UNCONFIRMED]: no entry, no penalty within
    credit_red_report_years: int = Field(2, ge=0, le=10)  # R8.5.3 [UNCONFIRMED]: last N report years due on time (年检: 合格)
    credit_engine_start: str = Field("2018-01-24", pattern=r"^\d{4}-\d{2}-\d{2}$")  # L60 in force
    credit_daily_job_minute: int = Field(20, ge=0, le=59)  # the sweep runs at inspection_daily_job_hour:MM

    # search (issue 6)
    search_backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    search_index_path: str = ""  # the embedded FTS5 index file; empty means data_dir/search_index.db
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index: str = Field("socreg-organizations", pattern=r"^[a-z0-9][a-z0-9_-]{0,100}$")  # the alias
    elasticsearch_compatibility_media_types: bool = True  # off for OpenSearch-compatible servers (osmem)
    elasticsearch_timeout_seconds: float = Field(5.0, gt=0)
    search_sync_batch: int = Field(500, ge=1, le=10_000)
    search_consumer_linger_seconds: float = Field(0.05, ge=0, le=2)  # wait to batch events arriving together
    search_population: int = Field(4_297_000, ge=1)  # residents for per-10,000 figures: 7,391 orgs = 17.2 (2020)
    search_goal_total: int = Field(9_000, ge=1)  # the plan's goal for the number of organizations
    search_goal_rated_share: float = Field(0.25, gt=0, le=1)  # R9.9: city-level organizations rated 3A+
    search_inspection_min_share: float = Field(0.04, gt=0, le=1)  # L45: city-level random inspections

    # annual reports and ratings (issue 3)
    annual_report_first_year: int = Field(2020, ge=2000, le=2100)  # R4.4 年检改年报 [LOCAL]: first year swept
    annual_report_deadline_foundation: str = Field("03-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")  # R4.1 JJH 36
    annual_report_deadline_other: str = Field("05-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")  # R4.1 SHT 28, MFQ 23
    annual_report_exempt_months_social_group: int = Field(6, ge=0, le=12)  # R4.2 [LOCAL] (Shandong: by 30 June)
    annual_report_exempt_months_social_service: int = Field(6, ge=0, le=12)  # R4.2 L27 art. 3
    annual_report_exempt_months_foundation: int = Field(0, ge=0, le=12)  # R4.2 [LOCAL] (Shandong: by 31 Dec)
    annual_report_audit_foundations: bool = True  # R5.1 JJH art. 36 (CPA audit with the report)
    annual_report_audit_public_fundraising: bool = True  # R5.1 CSF23 art. 78
    annual_report_daily_job_hour: int = Field(2, ge=0, le=23)  # overdue sweep and rating expiry run at
    annual_report_max_returns: int = Field(5, ge=0, le=100)  # R4.4 Fujian 2022 [LOCAL]: locked after more than N returns; 0: never
    charity_management_exemption_yuan: int = Field(200_000, ge=0)  # R10.3.2 N189 art. 11
    charity_public_foundation_pct: tuple[float, float] = (70, 10)  # R10.3.1 CSF23 art. 61: spending ≥, management ≤
    charity_public_other_pct: tuple[float, float] = (70, 13)  # R10.3.2 [UNCONFIRMED] (draft value)
    # R10.3.2 tiers (net assets from, spending % of net assets ≥, management % ≤); ≥6000万 and 400-800万 [UNCONFIRMED]
    charity_tiers_non_public_foundation: tuple[tuple[int, float, float], ...] = (
        (60_000_000, 6, 12), (8_000_000, 6, 13), (4_000_000, 7, 15), (0, 8, 20))
    charity_tiers_non_public_other: tuple[tuple[int, float, float], ...] = (
        (10_000_000, 6, 13), (5_000_000, 7, 14), (1_000_000, 8, 15), (0, 8, 20))
    charity_small_other_income_pct: float = Field(50, ge=0, le=100)  # R10.3.2 N189 art. 9(4)
    foundation_public_spending_pct: float = Field(70, ge=0, le=100)  # R10.3.3 JJH art. 29
    foundation_non_public_spending_pct: float = Field(8, ge=0, le=100)  # R10.3.3 JJH art. 29
    foundation_staff_office_max_pct: float = Field(10, ge=0, le=100)  # R10.3.3 JJH art. 29
    rating_validity_years: int = Field(5, ge=1, le=10)  # R9.4 L39 art. 28
    rating_min_full_years: int = Field(2, ge=0, le=10)  # R9.2 L39 art. 6 (满两个年度)
    rating_promotion_after_years: int = Field(0, ge=0, le=10)  # R9.2 晋级评估 [LOCAL]; 0: not allowed
    rating_score_bands: tuple[float, ...] = ()  # R9.8 [LOCAL]: lowest score of 1A..5A; empty: not checked
    rating_serious_list_effect: Literal["downgrade", "cancel", "none"] = "downgrade"  # R8.5.1/R9.6 [UNCONFIRMED]
    # dormancy candidates and late reports (issue 13 items 8, 9)
    registry_dormancy_missed_years: int = Field(2, ge=1, le=20)  # R2.4.3 [LOCAL]: consecutive years missed
    rating_late_report_counts_as_absent: bool = False  # R9.6: a late report is 未参加年度检查 only if on

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

    def accounts_url(self) -> str:
        """The database holding users and sessions (sign-in writes it; every service reads it)."""
        return self.accounts_database_url or self.database_url("registry")

    def bus_path(self) -> str:
        return self.bus_sqlite_path or (self.data_dir / "bus.db").as_posix()
