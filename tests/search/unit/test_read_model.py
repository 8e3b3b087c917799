"""Pure rules of the read side: text keys, projections, documents, rank codes, statistics arithmetic."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.registry.demo_data import generate_register
from services.search.domain import projections as p
from services.search.domain import stats, text
from services.search.domain.document import build_document, current_entries, valid_rating
from services.search.domain.query import decode, rank_code
from tests.search.corpus import TODAY, bundle, documents


def test_normalize_keeps_letters_and_digits_of_every_script() -> None:
    assert text.normalize("厦门市（鼓浪屿）Ｉ Ｔ协会 ２０２０！") == "厦门市鼓浪屿it协会2020"
    assert text.normalize("<script>") == "script" and text.normalize("' OR 1=1 --") == "or11"


def test_bigrams_make_a_phrase_that_is_exactly_a_substring_test() -> None:
    assert text.bigrams("篮球协会") == ["篮球", "球协", "协会"]
    assert text.bigram_text(["甲乙", "丙丁"]) == f"甲乙 {text.SEGMENT_BREAK} 丙丁"  # no phrase across names
    assert text.unigram_text(["甲乙"]) == "甲 乙"


@pytest.mark.parametrize("q, code", [("51350200MJ0000001X", "51350200MJ0000001X"), ("5135 0200", "51350200"),
                                     ("mj00", "MJ00"), ("协会", None), ("ABCD", None), ("513", None)])
def test_what_counts_as_a_uscc_fragment(q: str, code: str | None) -> None:
    assert text.uscc_fragment(q) == code


def test_a_change_of_name_keeps_the_former_name_with_its_date() -> None:
    facts = {k: None for k in p.ORG_FIELDS} | {"uscc": "U", "name": "新名", "registered_funds": "1",
                                               "charity": False, "status": "active"}
    changes = p.project("registry.organization.changed", {
        "uscc": "U", "changed_on": "2026-01-02", "changed_by": "r",
        "changes": [{"field": "name", "old": "旧名", "new": "新名"}], "organization": facts})
    assert changes[0] == p.AddFormerName("U", "旧名", date(2026, 1, 2))
    assert isinstance(changes[1], p.UpsertOrganization) and "legal_representative_name" not in changes[1].facts


def test_events_the_read_model_does_not_use_change_nothing() -> None:
    assert p.project("inspection.plan.created", {"plan_id": "x"}) == []


def test_escalation_closes_the_abnormal_entry_and_opens_the_serious_one() -> None:
    changes = p.project("credit.entry.escalated", {"uscc": "U", "entry_id": "S1", "list": "serious",
                                                   "trigger": "t", "legal_basis": "b", "on": "2026-03-01"})
    assert changes[0] == p.SetListMembership("U", ("serious",), date(2026, 3, 1))
    assert isinstance(changes[1], p.OpenListEntry) and changes[1].list == "serious"


def test_a_grade_is_shown_only_while_valid__R9_9() -> None:
    ratings = [{"grade": "4A", "awarded_on": date(2021, 5, 1), "expires_on": date(2026, 5, 1), "cancelled_on": None}]
    assert valid_rating(ratings, date(2026, 4, 30))["grade"] == "4A"  # type: ignore[index]
    assert valid_rating(ratings, date(2026, 5, 1)) is None
    ratings[0]["cancelled_on"] = date(2023, 1, 1)
    assert valid_rating(ratings, date(2024, 1, 1)) is None


def test_list_entries_are_current_between_entry_and_removal() -> None:
    entry = {"entry_id": "E", "list": "abnormal", "added_on": date(2026, 1, 1), "removed_on": date(2026, 3, 1)}
    assert current_entries([entry], date(2025, 12, 31)) == []
    assert [e["list_name"] for e in current_entries([entry], date(2026, 2, 1))] == ["活动异常名录"]
    assert current_entries([entry], date(2026, 3, 1)) == []


def test_the_document_carries_no_personal_data_and_a_content_checksum() -> None:
    source = bundle(5, generate_register()[5])
    body = build_document(source, TODAY).to_dict()
    assert not {"legal_representative", "legal_representative_name", "id_number", "phone"} & set(body)
    bumped = build_document(replace(source, organization={**source.organization, "version": 9}), TODAY).to_dict()
    assert bumped["version"] == 9 and bumped["checksum"] == body["checksum"]  # same facts, same sum
    renamed = build_document(replace(source, organization={**source.organization, "name": "别名"}), TODAY)
    assert renamed.to_dict()["checksum"] != body["checksum"]


def test_rank_codes_decode_to_the_documents_facet_values() -> None:
    for doc in documents()[:300]:
        values = decode(rank_code(doc))
        assert values["status"] == [doc.status] and values["level"] == [doc.level]
        assert values["rating"] == [doc.rating_grade] and values["credit_list"] == sorted(
            doc.credit_lists, key=["abnormal", "serious", "red"].index)
        assert values["charity"] == [str(doc.charity).lower()]


def test_per_10000_residents_at_the_2020_baseline_is_17_2() -> None:
    assert stats.total_progress(7391, stats.Goals())["per_10000_residents"] == 17.2
    assert stats.total_progress(7391, stats.Goals())["progress"] == round(7391 / 9000, 4)


def test_rated_share_against_the_25_percent_goal__R9_9() -> None:
    assert stats.rated_share(19, 100, 0.25) == {"rated_3a_plus": 19, "denominator": 100, "share": 0.19,
                                                "goal": 0.25, "meets_goal": False}
    assert stats.rated_share(0, 0, 0.25)["share"] is None
    assert stats.eligible_since(date(2026, 6, 1)) == date(2024, 6, 1)
    assert stats.eligible_since(date(2028, 2, 29)) == date(2026, 2, 28)


def test_inspection_share_against_the_4_percent_minimum__R6_2_L45_art_5() -> None:
    # 300 drawn in all (district and unscheduled sampling too), 40 of them city-level in scheduled draws
    city = {2026: stats.authority_share(40, 1000, date(2026, 4, 8), 0.04)}
    [row] = stats.inspection_rates({2026: 300}, {2026: 30}, city, {}, 0.04)
    assert row["share_of_city_level"] == 0.04 and row["meets_minimum"] and row["completed"] == 30
    assert (row["drawn"], row["city_level_drawn"], row["city_level"]) == (300, 40, 1000)
    [short] = stats.inspection_rates({}, {}, {2026: stats.authority_share(39, 1000, date(2026, 4, 8), 0.04)}, {}, 0.04)
    assert short["share_of_city_level"] == 0.039 and short["meets_minimum"] is False
    # the register of the year's sampling: its latest scheduled draw's day, else the day (the year's end, once over)
    assert stats.sampling_register_day(2026, date(2026, 12, 1), date(2026, 4, 8)) == date(2026, 4, 8)
    assert stats.sampling_register_day(2026, date(2026, 6, 1), None) == date(2026, 6, 1)
    assert stats.sampling_register_day(2025, date(2026, 6, 1), None) == date(2025, 12, 31)
