"""Issue 13 item 8 through HTTP, on SQLite and PostgreSQL: the organizations that missed their annual
report N consecutive years (R2.4.3 [LOCAL], SOCREG_REGISTRY_DORMANCY_MISSED_YEARS, default 2) are the
registrar's candidates for revocation, as of a date; revoking one stays a registrar's proposal that an
approver approves (issue 12)."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from socreg.app import Platform
from tests.fixtures.platform import approved
from tests.registry.reports.support import (Headers, foundation, group, org_token, organizations, problem, report_body,
                                            report_path, service)
from tests.registry.reports.test_ratings_api import filed

CANDIDATES = "/registry/dormancy-candidates"
SINCE_2023 = "2023-03-01"  # registered before 30 June: owes its 2023 report (R4.2)


def candidates(client: TestClient, headers: Headers, **query: Any) -> dict[str, Any]:
    answer = client.get(CANDIDATES, params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def missed(listing: dict[str, Any]) -> dict[str, list[int]]:
    return {item["uscc"]: item["years_missed"] for item in listing["items"]}


def register(platform: Platform) -> dict[str, str]:
    specs = {"dormant": group(established_on=SINCE_2023), "late": group(established_on=SINCE_2023),
             "silent": group(established_on=SINCE_2023), "new": group(established_on="2025-08-01"),
             "foundation": foundation(established_on=SINCE_2023), "service": service(established_on=SINCE_2023)}
    return dict(zip(specs, organizations(platform, *specs.values())))


def test_two_missed_years_make_a_dormancy_candidate__R2_4_3(
        client: TestClient, registrar: Headers, approver: Headers, inspector: Headers, platform: Platform) -> None:
    """Today (2026-06-01) the 2025 reports of every type are due. Missing 2024 and 2025 (or more) lists
    an organization with its years and the article its revocation may rest on; a report filed since,
    even late, ends the run; an organization registered after 30 June 2025 owed no 2025 report. As of
    2026-05-31 the social groups' and services' 2025 reports were not yet due and the late filer had
    filed nothing; with the setting at 3 years only the three-year runs remain."""
    o = register(platform)
    filed(client, registrar, o["dormant"], 2023)
    filed(client, registrar, o["service"], 2023)
    filed(client, registrar, o["late"], 2023, 2024)  # both after their deadlines, on 2026-06-01

    today = candidates(client, registrar)
    assert (today["as_of"], today["missed_years_required"], today["total"]) == ("2026-06-01", 2, 4)
    assert missed(today) == {o["dormant"]: [2024, 2025], o["silent"]: [2023, 2024, 2025],
                             o["foundation"]: [2023, 2024, 2025], o["service"]: [2024, 2025]}
    by = {item["uscc"]: item for item in today["items"]}
    assert by[o["dormant"]]["last_filed_year"] == 2023 and by[o["silent"]]["last_filed_year"] is None
    hints = {key: by[o[key]]["revocation"] for key in ("dormant", "foundation", "service")}
    assert hints["dormant"]["href"] == f"/registry/organizations/{o['dormant']}/revocation"
    assert hints["dormant"]["method"] == "POST" and hints["dormant"]["open_proposal"] is None
    assert "《社会团体登记管理条例》第三十条" in hints["dormant"]["legal_basis"]
    assert "2024、2025" in hints["dormant"]["legal_basis"]
    assert "第二十五条第（三）项" in hints["service"]["legal_basis"]
    assert "《民办非企业单位年度检查办法》第十条" in hints["service"]["legal_basis"]
    assert "《基金会管理条例》第四十二条" in hints["foundation"]["legal_basis"]

    before = missed(candidates(client, approver, as_of="2026-05-31"))
    assert before == {o["dormant"]: [2023, 2024], o["late"]: [2023, 2024], o["silent"]: [2023, 2024],
                      o["foundation"]: [2023, 2024, 2025], o["service"]: [2023, 2024]}

    platform.registry.settings = platform.registry.settings.model_copy(update={"registry_dormancy_missed_years": 3})
    assert set(missed(candidates(client, registrar))) == {o["silent"], o["foundation"]}

    problem(client.get(CANDIDATES, headers=inspector), 403, "forbidden")
    problem(client.get(CANDIDATES, headers=org_token(o["dormant"])), 403, "forbidden")
    problem(client.get(CANDIDATES, params={"as_of": "2026-06-02"}, headers=registrar), 422, "invalid-input",
            fields={"as_of"})
    problem(client.get(CANDIDATES, params={"as_of": "1900-01-01"}, headers=registrar), 422, "invalid-input")


def test_a_candidate_is_revoked_only_through_a_proposal_an_approver_approves__R2_4_3(
        client: TestClient, registrar: Headers, approver: Headers, platform: Platform) -> None:
    """Being listed revokes nothing. The registrar proposes with the suggested legal basis (202); the list
    points at the proposal awaiting approval; once an approver approves it the organization is revoked
    and leaves today's list (it stays on the list as of the day before, as it stood then)."""
    o = register(platform)
    [item] = [i for i in candidates(client, registrar)["items"] if i["uscc"] == o["silent"]]
    status = client.get(f"/registry/organizations/{o['silent']}", headers=registrar).json()["status"]
    assert status == "active"

    hint = item["revocation"]
    answer = client.post(hint["href"], json={"legal_basis": hint["legal_basis"]}, headers=registrar)
    assert answer.status_code == 202, answer.text
    [item] = [i for i in candidates(client, registrar)["items"] if i["uscc"] == o["silent"]]
    assert item["revocation"]["open_proposal"] == answer.headers["Location"]
    assert client.get(f"/registry/organizations/{o['silent']}", headers=registrar).json()["status"] == "active"

    decided = approved(client, answer, approver)
    assert decided["state"] == "approved"
    assert client.get(f"/registry/organizations/{o['silent']}", headers=registrar).json()["status"] == "revoked"
    assert o["silent"] not in missed(candidates(client, registrar))
    earlier = {i["uscc"]: i for i in candidates(client, registrar, as_of="2026-05-31")["items"]}
    assert earlier[o["silent"]]["status"] == "revoked"


def test_a_report_submitted_before_the_date_ends_the_run_even_if_late__R2_4_3_R4_5(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """Submitted, even without review, is filed: the organization did report."""
    [uscc] = organizations(platform, group(established_on=SINCE_2023))
    assert uscc in missed(candidates(client, registrar))
    answer = client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org_token(uscc))
    assert answer.status_code == 200, answer.text
    assert uscc not in missed(candidates(client, registrar))
