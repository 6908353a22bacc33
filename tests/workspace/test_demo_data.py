"""The demo data: fictional, a user for every role, about eight patients from the pathway
examples with their facts intact, one upcoming meeting; loading twice changes nothing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.casefacts.selectors import case_facts
from apps.core.models import Hospital
from apps.core.roles import user_roles
from apps.liverpanel.models import ExpertPanel
from apps.meetings.models import Decision, Meeting, TreatmentGiven
from apps.pathways.facts import facts_to_dict, parse_facts
from apps.patients.models import MdtCase, Patient
from apps.workspace.inbox import my_tasks

pytestmark = pytest.mark.django_db


def test_load_demo_data_refuses_outside_debug():
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=StringIO())


def test_load_demo_data_is_fictional_complete_and_idempotent():
    out = StringIO()
    call_command("load_demo_data", "--force", stdout=out)
    call_command("load_demo_data", "--force", stdout=out)

    hospital = Hospital.objects.get(code="demo")
    assert "fictional" in hospital.name
    assert "Demo logins" in out.getvalue()
    roles = {
        frozenset(user_roles(user))
        for user in User.objects.filter(staff_profile__hospital=hospital)
    }
    assert roles == {
        frozenset({"coordinator"}),
        frozenset({"clinician"}),
        frozenset({"viewer"}),
        frozenset({"nurse_specialist"}),
    }
    assert Patient.objects.filter(hospital=hospital).count() == 8
    assert all(p.family_name.startswith("Fictional-") for p in Patient.objects.all())

    pathways = Path(settings.SHARED_DIR) / "pathways"
    examples = [*pathways.glob("examples/*.json"), *pathways.glob("crlm-2027.1/examples/*.json")]
    for case in MdtCase.objects.select_related("patient"):
        matching = [
            path
            for path in examples
            if facts_to_dict(parse_facts(json.loads(path.read_text())["case"]))
            == case_facts(case=case)
        ]
        assert matching, f"demo case {case.patient.mrn} does not match any example"

    meeting = Meeting.objects.get(hospital=hospital, status="scheduled")
    assert meeting.scheduled_for > timezone.now()
    assert meeting.agenda_items.count() == 5
    assert meeting.attendances.count() == 5
    # The agenda's cases come with a current recommendation, matching their example's.
    versions = []
    for item in meeting.agenda_items.select_related("case"):
        snapshot = item.case.recommendations.get()
        version = snapshot.result["pathway_version"]
        assert snapshot.facts == case_facts(case=item.case, version=version)
        versions.append(version)
    # Two were evaluated before the upgrade: stale until the open cases are re-evaluated.
    assert sorted(versions) == ["crlm-2026.1"] * 2 + ["crlm-2027.1"] * 3

    # Last week's meeting was run to its sign-off through the services, each step audited.
    signed = Meeting.objects.get(hospital=hospital, status="closed")
    assert signed.scheduled_for < meeting.scheduled_for
    decisions = Decision.objects.filter(agenda_item__meeting=signed)
    assert sorted(decisions.values_list("agreement", flat=True)) == ["agree", "agree", "modified"]
    assert decisions.filter(listed_not_discussed=True).count() == 1
    assert not decisions.filter(signed_off_at__isnull=True).exists()
    assert all(decision.history.exists() for decision in decisions)
    assert set(
        MdtCase.objects.filter(agenda_items__meeting=signed).values_list("status", flat=True)
    ) == {"discussed"}
    # The nurse specialist has a patient to tell and an action on their tasks; one treatment
    # given is recorded, the other two decisions wait for theirs.
    nurse = User.objects.get(username="nurse")
    kinds = sorted(task.kind for task in my_tasks(user=nurse))
    assert kinds == ["action", "tell_patient"]
    treatments = TreatmentGiven.objects.filter(agenda_item__meeting=signed)
    assert [t.treatment_code for t in treatments] == ["SYSTEMIC_THERAPY"]
    assert all(t.history.exists() for t in treatments)

    # The regional liver panel: one case concluded, one under review with `surgeon` drawn.
    panel = ExpertPanel.objects.get(code="rlp")
    assert "fictional" in panel.name
    assert panel.hospitals.count() == 2
    assert sorted(panel.referrals.values_list("status", flat=True)) == ["concluded", "in_review"]
    surgeon = User.objects.get(username="surgeon")
    reviews = [task for task in my_tasks(user=surgeon) if task.kind == "panel_review"]
    assert len(reviews) == 1 and reviews[0].patient.startswith("RLP-")
