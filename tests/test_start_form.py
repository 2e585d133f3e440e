"""GET /process-definitions/{key}/start-form: the start event's form for the web pages' start dialog."""

from __future__ import annotations

from tests.support import ApiClient


def test_start_form_carries_the_schema_and_the_organisations_a_clerk_may_name(api: ApiClient) -> None:
    response = api.get("/process-definitions/village_to_community/start-form", as_user="street_a")
    assert response.status_code == 200
    form = response.get_json()
    assert form["key"] == "village_to_community" and form["version"] == 1
    assert form["can_start"] is True and form["start_role"] == "street_office"
    assert "subject_org" in form["schema"]["required"]
    # only the villages and communities below the clerk's own street office
    assert [c["id"] for c in form["org_choices"]["subject_org"]] == ["village_a1"]


def test_start_form_says_who_may_not_start(api: ApiClient) -> None:
    form = api.get("/process-definitions/housing_handover/start-form", as_user="street_a").get_json()
    assert form["can_start"] is False
    assert form["start_role"] == "natural_resources"
    assert [c["id"] for c in form["org_choices"]["developer_org"]] == ["dev_hx"]


def test_start_form_of_an_unknown_procedure_is_404_and_needs_a_login(api: ApiClient) -> None:
    assert api.get("/process-definitions/nope/start-form", as_user="street_a").status_code == 404
    assert api.get("/process-definitions/village_to_community/start-form").status_code == 401
