"""Settings -> the policies the annual-report and rating rules read (issue 3). Values the handbook
marks UNCONFIRMED, DRAFT-ONLY or LOCAL are settings; the documented value is the default."""
from __future__ import annotations

from decimal import Decimal

from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.rating import RatingPolicy
from services.registry.domain.regulatory import RegulatoryPolicy
from shared.settings import Settings


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _d(value: float) -> Decimal:
    return Decimal(str(value))


def report_policy(settings: Settings) -> ReportPolicy:
    s = settings
    regulatory = RegulatoryPolicy(
        management_exemption=Decimal(s.charity_management_exemption_yuan),
        public_foundation=(_d(s.charity_public_foundation_pct[0]), _d(s.charity_public_foundation_pct[1])),
        public_other=(_d(s.charity_public_other_pct[0]), _d(s.charity_public_other_pct[1])),
        tiers_non_public_foundation=tuple((Decimal(a), _d(b), _d(c)) for a, b, c in s.charity_tiers_non_public_foundation),
        tiers_non_public_other=tuple((Decimal(a), _d(b), _d(c)) for a, b, c in s.charity_tiers_non_public_other),
        small_other_income_pct=_d(s.charity_small_other_income_pct),
        foundation_public_spending_pct=_d(s.foundation_public_spending_pct),
        foundation_non_public_spending_pct=_d(s.foundation_non_public_spending_pct),
        foundation_staff_office_max_pct=_d(s.foundation_staff_office_max_pct))
    return ReportPolicy(
        first_year=s.annual_report_first_year, deadline_foundation=_month_day(s.annual_report_deadline_foundation),
        deadline_other=_month_day(s.annual_report_deadline_other),
        exempt_months=(("social_group", s.annual_report_exempt_months_social_group),
                       ("social_service", s.annual_report_exempt_months_social_service),
                       ("foundation", s.annual_report_exempt_months_foundation)),
        audit_foundations=s.annual_report_audit_foundations,
        audit_public_fundraising=s.annual_report_audit_public_fundraising, max_returns=s.annual_report_max_returns,
        regulatory=regulatory)


def rating_policy(settings: Settings) -> RatingPolicy:
    bands = tuple(_d(b) for b in settings.rating_score_bands)
    if bands and (len(bands) != 5 or list(bands) != sorted(bands)):
        raise ValueError("SOCREG_RATING_SCORE_BANDS: the lowest scores of 1A, 2A, 3A, 4A and 5A, ascending")
    return RatingPolicy(validity_years=settings.rating_validity_years, min_full_years=settings.rating_min_full_years,
                        promotion_after_years=settings.rating_promotion_after_years, score_bands=bands,
                        serious_list_effect=settings.rating_serious_list_effect,
                        late_report_counts_as_absent=settings.rating_late_report_counts_as_absent)
