"""Every public example, recorded as a case, exported and imported again, gives the same facts;
and every exported resource is valid FHIR (R4B models) with its mCODE profile named."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from apps.casefacts.selectors import case_facts
from apps.patients.models import MdtCase
from tests.conftest import EXAMPLES, EXAMPLES_2027
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALL_EXAMPLES = [(name, document["case"]) for name, document in [*EXAMPLES, *EXAMPLES_2027]]
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-"


@pytest.mark.parametrize(("name", "facts"), ALL_EXAMPLES, ids=[name for name, _ in ALL_EXAMPLES])
def test_round_trip_every_example_gives_the_same_facts(
    hospital, coordinator, export_case, import_bundle, name, facts
):
    case = CaseFactory(patient__hospital=hospital, facts=facts)
    bundle = export_case(case, coordinator)
    Bundle.model_validate(bundle)

    response = import_bundle(bundle, coordinator)

    assert response.status_code == 201, response.content
    imported = MdtCase.objects.get(pk=response.json()["case"])
    assert imported.pk != case.pk
    assert str(imported.patient_id) == response.json()["patient"] == str(case.patient_id)
    assert case_facts(case=imported) == case_facts(case=case)
    assert imported.question == case.question
    assert imported.referred_on == case.referred_on
