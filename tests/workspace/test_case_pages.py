"""The case pages in the browser's shape (Django test client): the intake form, its htmx
endpoints (field validation, lesion and site rows), the case page, the list and the edit form."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.casefacts.selectors import (
    case_facts,
    case_facts_raw,
    case_with_facts,
    case_with_facts_get,
)
from apps.imaging.models import ImagingStudy
from apps.pathways.facts import facts_to_dict, parse_facts
from apps.patients.models import MdtCase
from apps.recommendations.models import RecommendationSnapshot
from apps.workspace.forms import html_id, values_from_facts
from tests.conftest import EXAMPLES_2027, example
from tests.factories import CaseFactory, PatientFactory, birth_date_for_age

# The current version's examples: a new case is evaluated with it.
EXAMPLE_NAMES = [name for name, _ in EXAMPLES_2027]
EXPECTED_PRIMARY = {name: document["expected"]["primary"] for name, document in EXAMPLES_2027}


def intake_data(case: dict[str, Any], *, mrn: str = "WEB-0001", **extra: Any) -> dict[str, Any]:
    """The intake form as a coordinator fills it in for a pathway input (an example's case):
    the birth date gives the facts' age on today's referral date."""
    born = birth_date_for_age(case["patient"]["age"], timezone.localdate())
    return {
        "patient.mrn": mrn,
        "patient.given_name": "Fictional",
        "patient.family_name": "Webform",
        "patient.birth_date": born.isoformat(),
        "patient.sex": "female",
        "referral.question": "Resectable?",
        "referral.referring_clinician": "Dr Fictional",
        "referral.referred_on": timezone.localdate().isoformat(),
        **values_from_facts(case),
        **extra,
    }


@pytest.fixture
def coordinator_web(client, coordinator):
    client.force_login(coordinator)
    return client


def test_case_new_creates_case_facts_and_first_snapshot(coordinator_web, coordinator):
    case = example("bilobar-short-remnant-one-side-ablatable")
    data = intake_data(
        case,
        **{
            "study.modality": "mri",
            "study.performed_on": "2026-01-05",
            "study.hepatospecific_contrast": "on",
            "study.report_summary": "Fictional report.",
            "biomarkers.cea_measured_on": "2026-01-04",
        },
    )
    response = coordinator_web.post(reverse("workspace:case-new"), data)

    created = MdtCase.objects.get(patient__mrn="WEB-0001")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:case-detail", args=[created.id])
    assert case_facts(case=created) == facts_to_dict(parse_facts(case))
    snapshot = RecommendationSnapshot.objects.get(case=created)
    assert snapshot.primary_code == EXPECTED_PRIMARY["bilobar-short-remnant-one-side-ablatable"]
    assert snapshot.pathway_version == "crlm-2027.1"
    assert snapshot.created_by == coordinator
    study = ImagingStudy.objects.get(case=created)
    assert study.modality == "mri" and study.hepatospecific_contrast
    assert set(created.liver_lesions.values_list("study", flat=True)) == {study.pk}
    assert created.biomarkers.cea_measured_on == datetime.date(2026, 1, 4)
    history = created.history.first()
    assert history.history_user == coordinator


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_case_new_stores_every_example(coordinator_web, name):
    response = coordinator_web.post(reverse("workspace:case-new"), intake_data(example(name)))

    assert response.status_code == 302, response.content.decode()[:2000]
    created = MdtCase.objects.get(patient__mrn="WEB-0001")
    assert case_facts(case=created) == facts_to_dict(parse_facts(example(name)))
    assert created.recommendations.get().primary_code == EXPECTED_PRIMARY[name]


def test_case_new_error_beside_field_keeps_every_value(coordinator_web):
    case = example("unfit-small-lesions-ablation")
    data = intake_data(case, **{"liver.lesions[1].segment": "9", "referral.question": "Q típica"})
    response = coordinator_web.post(reverse("workspace:case-new"), data)

    assert response.status_code == 400
    html = response.content.decode()
    field_id = html_id("liver.lesions[1].segment")
    assert f'id="{field_id}" name="liver.lesions[1].segment"' in html
    assert f'aria-describedby="{field_id}-error"' in html
    error_slot = html.split(f'id="{field_id}-error"', 1)[1].split("</div>", 1)[0]
    assert "<p>" in error_slot and "8" in error_slot
    assert 'aria-invalid="true"' in html
    for name, value in data.items():
        if isinstance(value, list):
            for item in value:
                assert f'name="{name}" value="{item}" checked' in html
        elif value in ("on",):
            assert f'name="{name}" checked' in html
        elif value and name not in ("referral.question",):
            assert f'value="{value}"' in html or f'<option value="{value}" selected' in html, name
    assert "Q típica</textarea>" in html
    assert not MdtCase.objects.exists()


def test_case_new_identity_mismatch_beside_field(coordinator_web, hospital):
    PatientFactory(hospital=hospital, mrn="WEB-0001", given_name="Other")
    response = coordinator_web.post(
        reverse("workspace:case-new"), intake_data(example("solitary-metachronous-low-risk"))
    )

    assert response.status_code == 400
    html = response.content.decode()
    slot = html.split(f'id="{html_id("patient.given_name")}-error"', 1)[1].split("</div>", 1)[0]
    assert "Does not match the patient" in slot
    assert not MdtCase.objects.exists()


def test_case_new_existing_patient_matched_by_mrn(coordinator_web, hospital):
    case = example("solitary-metachronous-low-risk")
    born = birth_date_for_age(case["patient"]["age"], timezone.localdate())
    patient = PatientFactory(
        hospital=hospital,
        mrn="WEB-0001",
        given_name="Fictional",
        family_name="Webform",
        birth_date=born,
        sex="female",
    )
    response = coordinator_web.post(reverse("workspace:case-new"), intake_data(case))

    assert response.status_code == 302
    assert MdtCase.objects.get().patient == patient


def test_validate_endpoint_returns_that_fields_errors(coordinator_web):
    data = intake_data(example("solitary-metachronous-low-risk"))
    data["liver.lesions[0].segment"] = "9"
    url = reverse("workspace:intake-validate")

    bad = coordinator_web.post(
        url, data, HTTP_HX_REQUEST="true", **_trigger("liver.lesions[0].segment")
    )
    fine = coordinator_web.post(url, data, HTTP_HX_REQUEST="true", **_trigger("patient.ecog"))

    assert bad.status_code == 200
    assert "8" in bad.content.decode() and "<p>" in bad.content.decode()
    assert fine.status_code == 200
    assert fine.content.decode().strip() == ""


def test_validate_endpoint_reports_a_blank_required_field(coordinator_web):
    response = coordinator_web.post(
        reverse("workspace:intake-validate"),
        {"patient.mrn": "", "field": "patient.mrn"},
    )
    assert "Required." in response.content.decode()


def test_validate_endpoint_flags_identity_of_a_registered_mrn(coordinator_web, hospital):
    PatientFactory(hospital=hospital, mrn="KNOWN-1", family_name="Stored")
    response = coordinator_web.post(
        reverse("workspace:intake-validate"),
        {"patient.mrn": "KNOWN-1", "patient.family_name": "Typed"},
        **_trigger("patient.family_name"),
    )
    assert "Does not match" in response.content.decode()


def _trigger(name: str) -> dict[str, str]:
    return {"HTTP_HX_TRIGGER_NAME": name}


def test_lesion_rows_add_and_remove_keep_values(coordinator_web):
    data = intake_data(example("unfit-small-lesions-ablation"))  # two lesions: 4/15, 7/28
    url = reverse("workspace:intake-lesions")

    added = coordinator_web.post(url, {**data, "action": "add-lesion"}, HTTP_HX_REQUEST="true")
    removed = coordinator_web.post(
        url, {**data, "action": "remove-lesion-0"}, HTTP_HX_REQUEST="true"
    )

    html = added.content.decode()
    assert added.status_code == 200 and added["HX-Trigger"] == "intake-changed"
    assert html.count('class="lesion-row"') == 3
    assert f'id="{html_id("liver.lesions[2].segment")}"' in html
    assert "autofocus" in html.split(f'id="{html_id("liver.lesions[2].segment")}"', 1)[1][:400]
    assert 'value="28"' in html and 'Remove<span class="visually-hidden"> lesion 3' in html
    html = removed.content.decode()
    assert html.count('class="lesion-row"') == 1
    # The remaining lesion (segment 7, 28 mm) moved up to the first row.
    assert 'name="liver.lesions[0].size_mm" type="number" value="28"' in html
    assert "liver.lesions[1]" not in html


def test_site_rows_add_and_remove(coordinator_web):
    url = reverse("workspace:intake-sites")
    data = {
        "extrahepatic.sites[0].site": "lung",
        "extrahepatic.sites[0].resectable": "true",
    }
    added = coordinator_web.post(url, {**data, "action": "add-site"})
    removed = coordinator_web.post(url, {**data, "action": "remove-site-0"})

    assert added.content.decode().count('class="site-row"') == 2
    assert '<option value="lung" selected' in added.content.decode()
    assert removed.content.decode().count('class="site-row"') == 0


def test_row_buttons_work_without_javascript(coordinator_web):
    data = intake_data(example("solitary-metachronous-low-risk"), action="add-lesion")
    response = coordinator_web.post(reverse("workspace:case-new"), data)

    assert response.status_code == 200
    assert response.content.decode().count('class="lesion-row"') == 2
    assert not MdtCase.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_intake_forbidden_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    data = intake_data(example("solitary-metachronous-low-risk"))

    assert client.get(reverse("workspace:case-new")).status_code == 403
    assert client.post(reverse("workspace:case-new"), data).status_code == 403
    assert client.post(reverse("workspace:intake-validate"), data).status_code == 403
    assert client.post(reverse("workspace:intake-lesions"), data).status_code == 403
    assert not MdtCase.objects.exists()


def test_anonymous_is_sent_to_login(client, hospital):
    case = CaseFactory(patient__hospital=hospital)
    for url in (
        reverse("workspace:case-list"),
        reverse("workspace:case-new"),
        reverse("workspace:case-detail", args=[case.id]),
        reverse("workspace:case-edit", args=[case.id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_other_hospitals_case_is_404(client, make_user, other_hospital):
    case = CaseFactory(patient__hospital=other_hospital, facts="solitary-metachronous-low-risk")
    client.force_login(make_user("coordinator"))
    for name in ("workspace:case-detail", "workspace:case-edit", "workspace:case-history-audit"):
        assert client.get(reverse(name, args=[case.id])).status_code == 404
    url = reverse("workspace:case-recalculate", args=[case.id])
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_case_detail_shows_facts_and_latest_recommendation(client, make_user, hospital, role):
    user = make_user(role)
    client.force_login(user)
    created = _created_case(client, make_user, "unfit-three-lesions-ablation-alone-45mm")
    response = client.get(reverse("workspace:case-detail", args=[created.id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "WEBFORM, Fictional" in html
    assert 'data-testid="primary-recommendation" data-code="LOCAL_ABLATIVE_THERAPY"' in html
    assert '<svg class="liver-map"' in html
    assert reverse("workspace:case-history-audit", args=[created.id]) in html
    assert ("Recalculate" in html) == (role != "viewer")
    assert (reverse("workspace:case-edit", args=[created.id]) in html) == (role == "coordinator")


def _created_case(client, make_user, name: str) -> MdtCase:
    """A case entered through the form by a (separate) coordinator."""
    from django.test import Client

    entering = Client()
    entering.force_login(make_user("coordinator"))
    response = entering.post(reverse("workspace:case-new"), intake_data(example(name)))
    assert response.status_code == 302
    return MdtCase.objects.get(patient__mrn="WEB-0001")


def test_case_detail_stale_notice_and_recalculate(coordinator_web, make_user):
    created = _created_case(coordinator_web, make_user, "solitary-metachronous-low-risk")
    created.facts_updated_at = timezone.now()
    created.save()

    stale = coordinator_web.get(reverse("workspace:case-detail", args=[created.id]))
    recalc = coordinator_web.post(
        reverse("workspace:case-recalculate", args=[created.id]), HTTP_HX_REQUEST="true"
    )

    assert 'data-testid="stale-notice"' in stale.content.decode()
    assert recalc.status_code == 200
    assert 'data-testid="stale-notice"' not in recalc.content.decode()
    assert created.recommendations.count() == 2


def test_recalculate_forbidden_to_viewer(client, make_user):
    created = _created_case(client, make_user, "solitary-metachronous-low-risk")
    client.force_login(make_user("viewer"))
    response = client.post(reverse("workspace:case-recalculate", args=[created.id]))
    assert response.status_code == 403
    assert created.recommendations.count() == 1


def test_recalculate_closed_case_answers_conflict(coordinator_web, make_user):
    created = _created_case(coordinator_web, make_user, "solitary-metachronous-low-risk")
    MdtCase.objects.filter(pk=created.pk).update(status="closed")
    response = coordinator_web.post(
        reverse("workspace:case-recalculate", args=[created.id]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "finished case" in response.content.decode()


def test_case_edit_prefills_saves_and_audits(coordinator_web, coordinator, make_user):
    created = _created_case(coordinator_web, make_user, "solitary-metachronous-low-risk")
    url = reverse("workspace:case-edit", args=[created.id])

    page = coordinator_web.get(url).content.decode()
    assert 'name="liver.lesions[0].size_mm" type="number" value="32"' in page
    assert "Save changes" in page

    changed = example("solitary-metachronous-low-risk")
    changed["liver"]["lesions"][0]["size_mm"] = 45
    data = intake_data(changed, editing_case=str(created.id), **{"referral.question": "New?"})
    response = coordinator_web.post(url, data)

    assert response.status_code == 302
    created.refresh_from_db()
    assert created.question == "New?"
    assert case_facts(case=created)["liver"]["lesions"][0]["size_mm"] == 45
    lesion_history = created.liver_lesions.get().history.first()
    assert lesion_history.history_user == coordinator and lesion_history.size_mm == 45
    detail = coordinator_web.get(reverse("workspace:case-detail", args=[created.id]))
    assert 'data-testid="stale-notice"' in detail.content.decode()


def test_case_edit_closed_case_is_refused(coordinator_web, make_user):
    created = _created_case(coordinator_web, make_user, "solitary-metachronous-low-risk")
    MdtCase.objects.filter(pk=created.pk).update(status="closed")
    data = intake_data(example("solitary-metachronous-low-risk"), editing_case=str(created.id))

    response = coordinator_web.post(reverse("workspace:case-edit", args=[created.id]), data)

    assert response.status_code == 409
    assert "reopen it" in response.content.decode()


def test_case_edit_forbidden_to_clinician(client, make_user):
    created = _created_case(client, make_user, "solitary-metachronous-low-risk")
    client.force_login(make_user("clinician"))
    assert client.get(reverse("workspace:case-edit", args=[created.id])).status_code == 403


def test_case_audit_page_lists_changes(coordinator_web, make_user):
    created = _created_case(coordinator_web, make_user, "solitary-metachronous-low-risk")
    response = coordinator_web.get(reverse("workspace:case-history-audit", args=[created.id]))
    html = response.content.decode()
    assert response.status_code == 200
    saves = re.findall(r'<li class="audit-save">', html)
    # One entry for the one save that created the case (not a row per record and field).
    assert len(saves) == 1, len(saves)
    assert "Lesion 1 created" in html and "Recommendation created" in html
    assert "Primary code: Liver resection" in html  # codes in words
    main = re.sub(r"<[^>]+>", " ", html.split('<main id="main">')[1])  # the text read
    # No developer's view: no raw ids, no UUIDs, no seconds or microseconds, no field names.
    assert "_id" not in main and "created_by" not in main
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", main)
    assert not re.search(r"\d\d:\d\d:\d\d", main)


def test_case_list_filters_search_and_empty_state(client, make_user, hospital):
    client.force_login(make_user("viewer"))
    empty = client.get(reverse("workspace:case-list"))
    CaseFactory(patient__hospital=hospital, patient__family_name="Alpha", patient__mrn="A-1")
    CaseFactory(patient__hospital=hospital, patient__family_name="Beta", patient__mrn="B-1")
    CaseFactory(patient__hospital=hospital, patient__family_name="Gamma", status="closed")

    by_name = client.get(reverse("workspace:case-list"), {"q": "alp"}).content.decode()
    by_mrn = client.get(reverse("workspace:case-list"), {"q": "B-1"}).content.decode()
    closed = client.get(reverse("workspace:case-list"), {"status": "closed"}).content.decode()
    partial = client.get(
        reverse("workspace:case-list"),
        {"q": "zzz"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="case-results",
    ).content.decode()

    assert "No cases yet." in empty.content.decode()
    assert "ALPHA" in by_name and "BETA" not in by_name
    assert "BETA" in by_mrn and "ALPHA" not in by_mrn
    assert "GAMMA" in closed and "ALPHA" not in closed
    assert "No case matches" in partial and "<html" not in partial


def test_case_list_paginates_newest_first(client, make_user, hospital):
    client.force_login(make_user("viewer"))
    today = timezone.localdate()
    for days in range(27):
        CaseFactory(
            patient__hospital=hospital,
            patient__family_name=f"P{days:02d}",
            referred_on=today - datetime.timedelta(days=days),
        )
    first = client.get(reverse("workspace:case-list")).content.decode()
    second = client.get(reverse("workspace:case-list"), {"page": 2}).content.decode()

    assert first.index("P00") < first.index("P01")
    assert "Page 1 of 2" in first and "P25" not in first
    assert "P25" in second and "P26" in second


def test_case_list_query_count_does_not_grow(
    client, make_user, hospital, django_assert_max_num_queries
):
    client.force_login(make_user("viewer"))
    for _ in range(3):
        CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    client.get(reverse("workspace:case-list"))  # warm the per-user caches
    with django_assert_max_num_queries(8):
        client.get(reverse("workspace:case-list"))
    for _ in range(10):
        CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    with django_assert_max_num_queries(8):
        client.get(reverse("workspace:case-list"))


def test_case_detail_query_count(coordinator_web, make_user, django_assert_max_num_queries):
    created = _created_case(coordinator_web, make_user, "bilobar-two-stage-primary-in-situ")
    # 13, and the liver expert panel's section: the case's rounds, and for a coordinator the
    # panels the send form offers (their members: one more, when a panel takes the cases).
    with django_assert_max_num_queries(15):
        response = coordinator_web.get(reverse("workspace:case-detail", args=[created.id]))
    assert response.status_code == 200


def test_case_page_reads_every_record_of_the_facts_as_case_with_facts(hospital, other_hospital):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    scoped = MdtCase.objects.filter(patient__hospital=hospital)

    read = case_with_facts_get(cases=scoped, pk=case.pk)

    assert case_facts_raw(case=read) == case_facts_raw(case=case_with_facts(case=case))
    assert read.presentation.case is read and read.liver_assessment.case is read
    with pytest.raises(MdtCase.DoesNotExist):
        case_with_facts_get(
            cases=MdtCase.objects.filter(patient__hospital=other_hospital), pk=case.pk
        )


def test_case_page_says_when_a_record_of_the_facts_is_missing(client, viewer, hospital):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    case.presentation.delete()  # by hand: the services never leave a case without one
    client.force_login(viewer)

    response = client.get(reverse("workspace:case-detail", args=[case.id]))

    assert response.status_code == 200
    assert "Some of the case&#x27;s records are missing." in response.content.decode()


@pytest.mark.parametrize(
    "field", ["patient.family_name", "referral.question", "study.report_summary", "patient.mrn"]
)
def test_a_nul_character_is_refused_beside_its_field_not_a_server_error(coordinator_web, field):
    data = intake_data(
        example("solitary-metachronous-low-risk"),
        **{"study.modality": "ct", "study.performed_on": "2026-01-05"},
    )
    data[field] = "Fictional\x00text"
    response = coordinator_web.post(reverse("workspace:case-new"), data)
    assert response.status_code == 400
    assert "control character (NUL)" in response.content.decode()
    assert not MdtCase.objects.exists()
