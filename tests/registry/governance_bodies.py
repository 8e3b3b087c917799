"""Valid governance bodies (R2.1.4, JJH arts 20-24) and audit bodies (R5.1) for API tests (synthetic)."""
from __future__ import annotations

from typing import Any


def governance_body(chair: str, n: int = 7, **overrides: Any) -> dict[str, Any]:
    """A board of n that passes JJH arts 20-24: `chair` (the legal representative) chairs it, one
    vice-chair, one secretary-general, the rest directors; one supervisor; 5-year terms; 2 meetings a
    year with a 2/3 quorum; elected by all n."""
    roles = ["chair", "vice_chair", "secretary_general"] + ["director"] * (n - 3)
    body: dict[str, Any] = {
        "board": [{"name": name, "role": role} for name, role in zip([chair] + [f"理事{i}号" for i in range(1, n)],
                                                                     roles)],
        "supervisors": [{"name": "林监事"}], "term_years": 5, "meetings_per_year": 2, "meeting_quorum": "2/3",
        "election": {"directors_present": n, "votes_for": n}}
    body.update(overrides)
    return body


def audit_body(kind: str = "general_election", number: int = 1, issued_on: str = "2026-06-01") -> dict[str, Any]:
    return {"kind": kind, "firm": "厦门某某会计师事务所（测试）", "report_number": f"厦审字〔2026〕第{number:03d}号",
            "issued_on": issued_on}
