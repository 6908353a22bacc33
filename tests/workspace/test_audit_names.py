"""The audit trail names the people who made each change (their names, never their usernames),
and the outcome letters' letterhead is kept in the hospital's record, edited in the admin."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.models import Hospital
from apps.patients.models import MdtCase
from tests.conftest import example
from tests.workspace.test_case_pages import intake_data

pytestmark = pytest.mark.django_db


def test_the_audit_trail_names_who_saved_by_name_not_username(client, make_user):
    entering = Client()
    entering.force_login(
        make_user("coordinator", username="coord.kx81", first_name="Ruth", last_name="Okafor")
    )
    response = entering.post(
        reverse("workspace:case-new"), intake_data(example("solitary-metachronous-low-risk"))
    )
    assert response.status_code == 302
    case = MdtCase.objects.get(patient__mrn="WEB-0001")
    client.force_login(make_user("viewer"))

    html = client.get(reverse("workspace:case-history-audit", args=[case.id])).content.decode()

    whos = re.findall(r'<p class="audit-when">.*?·\s*([^<]+)</p>', html, re.S)
    assert whos and all(who.strip() == "Ruth Okafor" for who in whos), whos
    assert "coord.kx81" not in html


def test_the_letterhead_is_edited_in_the_hospitals_admin(admin_client, hospital):
    url = reverse("admin:core_hospital_change", args=[hospital.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="address"' in form and 'name="telephone"' in form and 'name="email"' in form

    response = admin_client.post(
        url,
        {
            "name": hospital.name,
            "code": hospital.code,
            "address": "1 Fictional Road\nExampletown EX1 1AA",
            "telephone": "01632 960000",
            "email": "mdt@hospital.example",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Hospital.objects.get(pk=hospital.pk)
    assert saved.address == "1 Fictional Road\nExampletown EX1 1AA"
    assert (saved.telephone, saved.email) == ("01632 960000", "mdt@hospital.example")
