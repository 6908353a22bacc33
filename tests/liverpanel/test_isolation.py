"""A panel member of another hospital reads the case assigned to them, pseudonymised, and
nothing else of the referring hospital: not the patient's name, MRN or birth date, not the
case itself, its patient, its recommendations or its meetings, and not the other cases sent to
the panel. Everything outside answers 404, as for any other hospital."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.liverpanel.services import panel_referral_create
from apps.meetings.services import agenda_item_add
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(panel, panel_case, coordinator, chair):
    """Drawn from the six surgeons: the chair (who reads every case of the panel) is named the
    referring surgeon, so never drawn. Two of the six work in `hospital`, so at least one of the
    three drawn works in the other."""
    return panel_referral_create(
        case=panel_case,
        panel=panel,
        question="Two-stage?",
        actor=coordinator,
        referring_surgeon=chair,
        seed=7,
    )


def _outside_reviewer(referral, other_hospital):
    """A drawn reviewer who works in the other hospital."""
    for review in referral.reviews.select_related("member__user__staff_profile"):
        if review.member.user.staff_profile.hospital_id == other_hospital.pk:
            return review.member.user
    raise AssertionError("the draw gave no reviewer of the other hospital")


def test_member_of_another_hospital_reads_the_assigned_case_pseudonymised(
    referral, panel_case, other_hospital, client_for
):
    reviewer = _outside_reviewer(referral, other_hospital)
    client = client_for(reviewer)
    answer = client.get(reverse("api:panel-referral-detail", kwargs={"referral_id": referral.pk}))
    assert answer.status_code == 200
    shown = answer.json()
    patient = panel_case.patient
    assert shown["pseudonym"] == referral.pseudonym
    assert shown["age"] == patient.age_on(panel_case.referred_on)
    assert [lesion["segment"] for lesion in shown["facts"]["liver"]["lesions"]] == [3, 5, 7, 8]
    assert shown["pathway"]["resectability"] == "potentially_resectable"
    text = json.dumps(answer.json())
    for identifying in (
        patient.family_name,
        patient.given_name,
        patient.mrn,
        patient.birth_date.isoformat(),
        str(patient.pk),
        str(panel_case.pk),
        panel_case.patient.hospital.name,
    ):
        assert identifying not in text
    listed = client.get(reverse("api:panel-referrals")).json()
    assert [row["id"] for row in listed["results"]] == [str(referral.pk)]


def test_member_of_another_hospital_reads_nothing_else(
    referral, panel, panel_case, hospital, coordinator, other_hospital, client_for
):
    reviewer = _outside_reviewer(referral, other_hospital)
    client = client_for(reviewer)
    meeting = MeetingFactory(hospital=hospital, status="in_progress")
    agenda_item_add(meeting=meeting, case=panel_case, actor=coordinator)
    # Another case of the same hospital sent to the same panel, drawn to others.
    other_case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    other_referral = panel_referral_create(
        case=other_case, panel=panel, question="?", actor=coordinator, seed=99
    )
    other_referral.reviews.filter(member__user=reviewer).delete()
    refused = [
        reverse("api:case-detail", kwargs={"pk": panel_case.pk}),
        reverse("api:patient-detail", kwargs={"pk": panel_case.patient_id}),
        reverse("api:case-recommendation", kwargs={"case_id": panel_case.pk}),
        reverse("api:case-panel-referrals", kwargs={"case_id": panel_case.pk}),
        reverse("api:meeting-detail", kwargs={"pk": meeting.pk}),
        reverse("api:panel-referral-detail", kwargs={"referral_id": other_referral.pk}),
        reverse("api:case-detail", kwargs={"pk": other_case.pk}),
    ]
    for address in refused:
        assert client.get(address).status_code == 404, address
    # The browser pages say the same.
    browser = Client()
    browser.force_login(reviewer)
    assert (
        browser.get(reverse("workspace:case-detail", kwargs={"case_id": panel_case.pk})).status_code
        == 404
    )
    # Nor can they write to the case from the panel's side.
    assert client.post(
        reverse("api:panel-referral-withdraw", kwargs={"referral_id": referral.pk}),
        {"reason": "x"},
        format="json",
    ).status_code in (403, 404)
    # The patient list and case list of their own hospital hold nothing of the other one.
    assert client.get(reverse("api:case-list")).json()["count"] == 0
    assert client.get(reverse("api:patient-list")).json()["count"] == 0


def test_panel_member_not_drawn_sees_nothing_and_a_stranger_neither(
    referral, panel, make_user, other_hospital, client_for
):
    drawn = set(referral.reviews.values_list("member__user", flat=True))
    # Of the other hospital: the referring hospital's own staff read its referrals anyway.
    undrawn = next(
        member.user
        for member in panel.members.select_related("user__staff_profile")
        if member.user_id not in drawn
        and not member.is_chair
        and member.user.staff_profile.hospital_id == other_hospital.pk
    )
    stranger = make_user("clinician", specialty="liver_surgeon", hospital=other_hospital)
    for user in (undrawn, stranger):
        client = client_for(user)
        address = reverse("api:panel-referral-detail", kwargs={"referral_id": referral.pk})
        assert client.get(address).status_code == 404
        assert client.get(reverse("api:panel-referrals")).json()["results"] == []
        review = client.post(
            reverse("api:panel-referral-review", kwargs={"referral_id": referral.pk}),
            {"category": "unresectable"},
            format="json",
        )
        assert review.status_code == 404
