"""Synthetic national-scale search documents for the search benchmarks.

The registry's demo generator (one city, 7,391 organizations) is run with many seeds; each copy is
moved to another city (name head, district names, ~3,000 six-digit division codes), and a share of
the documents get grades, list entries, former names and ended status, so facets and filters have
realistic spreads. Deterministic for a given count.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from services.registry.demo_data import DISTRICTS, generate_register
from services.search.domain.document import Bundle, Document, build_document

TODAY = date(2026, 6, 1)
CITIES = ("北京市", "上海市", "广州市", "深圳市", "杭州市", "南京市", "福州市", "泉州市", "漳州市", "莆田市", "宁德市",
          "三明市", "南平市", "龙岩市", "成都市", "武汉市", "西安市", "重庆市", "天津市", "苏州市", "无锡市", "宁波市",
          "温州市", "合肥市", "济南市", "青岛市", "郑州市", "长沙市", "南昌市", "昆明市", "贵阳市", "南宁市", "海口市",
          "兰州市", "太原市", "石家庄市", "沈阳市", "大连市", "长春市", "哈尔滨市", "银川市", "西宁市", "珠海市",
          "汕头市", "佛山市", "东莞市", "中山市", "惠州市", "江门市", "湛江市", "绍兴市", "嘉兴市", "湖州市", "金华市",
          "台州市", "常州市", "南通市", "扬州市", "徐州市", "烟台市", "潍坊市", "洛阳市", "襄阳市", "宜昌市", "株洲市",
          "岳阳市", "赣州市", "九江市", "柳州市", "桂林市", "遵义市", "绵阳市", "宜宾市", "泸州市", "保定市", "唐山市")
DISTRICT_NAMES = ("东城区", "西城区", "朝阳区", "海淀区", "鼓楼区", "台江区", "仓山区", "晋安区", "江北区", "南山区",
                  "福田区", "罗湖区", "宝安区", "龙岗区", "天河区", "越秀区", "白云区", "黄埔区", "番禺区", "武侯区",
                  "锦江区", "青羊区", "雁塔区", "碑林区", "新城区", "城关区", "高新区", "历下区", "市南区", "江岸区")
GRADES = ("5A", "4A", "3A", "2A", "1A")
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(n: int, type_code: str, division: str) -> str:
    serial = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        serial = _ALPHABET[r] + serial
    return f"5{type_code}{division}{serial}X"


def documents(count: int) -> Iterator[Document]:
    for bundle in bundles(count):
        yield build_document(bundle, TODAY)


def bundles(count: int) -> Iterator[Bundle]:
    """The projection's rows behind `documents` (for benchmarks that also fill the statistics tables)."""
    seen: set[str] = set()
    made, seed = 0, 1
    while made < count:
        rng = random.Random(seed)
        city, city_code = CITIES[seed % len(CITIES)], f"{110000 + (seed % 3000) * 17:06d}"[:4] + "00"
        districts = {code: (rng.choice(DISTRICT_NAMES), f"{city_code[:4]}{i + 1:02d}")
                     for i, code in enumerate(DISTRICTS)}
        for body in generate_register(seed=seed):
            if made >= count:
                return
            name = body["name"].replace("厦门市", city)
            for code, (district_name, _new) in districts.items():
                name = name.replace(DISTRICTS[code], district_name)
            while name in seen:
                name = name[:-2] + rng.choice("甲乙丙丁戊己庚辛") + name[-2:]
            seen.add(name)
            division = city_code if body["level"] == "city" else districts[body["district"]][1]
            yield _bundle(rng, made, name, division, body)
            made += 1
        seed += 1


def _bundle(rng: random.Random, n: int, name: str, division: str, body: dict) -> Bundle:
    registered = date.fromisoformat(body["established_on"])
    org = {"uscc": _uscc(n, {"social_group": "1", "social_service": "2", "foundation": "3"}[body["type"]], division),
           "name": name, "type": body["type"], "category": body["category"], "level": body["level"],
           "district": division, "domicile": body["domicile"], "registered_funds": str(body["registered_funds"]),
           "business_scope": body["business_scope"], "supervising_unit": body.get("supervising_unit"),
           "foundation_kind": body.get("foundation_kind"), "established_on": registered, "registered_on": registered,
           "status": "active", "ended_on": None, "charity": bool(body.get("charity")), "charity_since": None,
           "fundraising_qualified_on": None, "version": 1}
    former, ratings, entries = [], [], []
    if rng.random() < 0.04:
        org["status"], org["ended_on"] = rng.choice(("deregistered", "revoked")), date(2024, 1, 1)
    if rng.random() < 0.05:
        former.append({"name": name[:-2] + "联谊会", "until": date(2018, 1, 1)})
    if rng.random() < 0.2:
        awarded = date(rng.randint(2021, 2025), rng.randint(1, 12), 1)
        ratings.append({"grade": rng.choice(GRADES), "awarded_on": awarded,
                        "expires_on": awarded.replace(year=awarded.year + 5), "cancelled_on": None})
    if rng.random() < 0.03:
        entries.append({"entry_id": f"e{n}", "list": rng.choice(("abnormal", "abnormal", "serious", "red")),
                        "reason": "未按规定报送年度工作报告", "trigger": "annual_report", "legal_basis": "办法第十七条",
                        "added_on": date(2025, 6, 1), "removed_on": None})
    return Bundle(org, former_names=former, ratings=ratings, list_entries=entries)
