"""factory_boy factories for the foundation's models. Everything they make is fictional."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from apps.casefacts.services import case_facts_record
from apps.core.models import Hospital, StaffProfile
from apps.imaging.models import ImagingStudy
from apps.meetings.models import Meeting
from apps.pathways.facts import parse_facts
from apps.patients.models import MdtCase, Patient

PASSWORD = "test-Password-123"  # every factory user's password (MD5-hashed in tests: fast)


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital

    name = factory.Sequence(lambda n: f"Test Hospital {n} (fictional)")
    code = factory.Sequence(lambda n: f"test-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; `role` names the group, `hospital` their hospital."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def hospital(self, create, extracted, **kwargs):
        if create and extracted is not False:
            StaffProfile.objects.create(
                user=self,
                hospital=extracted or HospitalFactory(),
                specialty=kwargs.get("specialty", "other"),
            )
        if create:
            self.save()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    hospital = factory.SubFactory(HospitalFactory)
    mrn = factory.Sequence(lambda n: f"MRN-{n:06d}")
    given_name = "Fictional"
    family_name = factory.Sequence(lambda n: f"Patient{n}")
    birth_date = datetime.date(1966, 3, 1)
    sex = "female"


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; pass `facts=<SPEC input dict, or the name of a shared example>` to record facts
    through the service (the patient's birth date is then set to match the facts' age). The
    records' history names `created_by` as the author (None unless given)."""

    class Meta:
        model = MdtCase
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory)
    question = "Resectable?"
    referring_clinician = "Dr Fictional Referrer"

    @factory.post_generation
    def facts(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        if isinstance(extracted, str):
            from tests.conftest import example

            extracted = example(extracted)
        facts = parse_facts(extracted)
        self.patient.birth_date = birth_date_for_age(facts.patient.age, self.referred_on)
        self.patient._history_user = self.created_by
        self.patient.save()
        case_facts_record(case=self, facts=facts, actor=self.created_by)
        self.refresh_from_db()


class ImagingStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImagingStudy

    case = factory.SubFactory(CaseFactory)
    modality = "ct"
    performed_on = datetime.date(2026, 10, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    hospital = factory.SubFactory(HospitalFactory)
    scheduled_for = factory.LazyFunction(
        lambda: datetime.datetime(2030, 1, 8, 8, 0, tzinfo=datetime.UTC)
    )
    status = "scheduled"
    # A closed meeting is a signed-off one (a database constraint holds them together).
    signed_off_at = factory.LazyAttribute(
        lambda meeting: meeting.scheduled_for if meeting.status == "closed" else None
    )


def birth_date_for_age(age: int, on: datetime.date) -> datetime.date:
    """A birth date that makes the patient exactly `age` on `on` (born on 1 January)."""
    return datetime.date(on.year - age, 1, 1)


# The date of MeetingFactory's meetings: results of that day are current for any meeting up to
# then (a result dated after the meeting counts as current).
READY_ON = datetime.date(2030, 1, 8)


def make_ready(case, on: datetime.date = READY_ON) -> None:
    """Complete the readiness checklist of a case with facts (results dated `on`): a CT
    chest-abdomen-pelvis and a liver MRI (without lesions, so the facts keep their source), the
    CEA and performance status dated, the histology confirmed. RAS, BRAF and MSI are the facts'
    own (a case made from an example with them known)."""
    from apps.patients.models import Biomarkers, PerformanceStatus, PrimaryTumour

    for modality in ("ct_chest_abdomen_pelvis", "mri"):
        ImagingStudyFactory(case=case, modality=modality, performed_on=on)
    Biomarkers.objects.filter(case=case).update(cea_measured_on=on)
    PerformanceStatus.objects.filter(case=case).update(assessed_on=on)
    PrimaryTumour.objects.filter(case=case).update(histology_confirmed=True)
