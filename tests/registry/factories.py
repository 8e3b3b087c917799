"""Valid registration bodies for tests (synthetic data)."""
from __future__ import annotations

from typing import Any

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
    """A synthetic resident ID with a valid GB 11643 check digit."""
    first17 = f"350203{n:011d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def registration_body(n: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"厦门市测试{n}号行业协会", "type": "social_group", "category": "industry_association",
        "level": "city", "district": "350200", "domicile": "厦门市思明区湖滨南路388号",
        "legal_representative": {"name": "张三", "id_number": id_number(n), "phone": "13800000000"},
        "registered_funds": 50000, "business_scope": "行业自律、信息交流", "members": {"individual": 60, "unit": 0},
        "established_on": "2020-05-01",
    }
    body.update(overrides)
    return body
