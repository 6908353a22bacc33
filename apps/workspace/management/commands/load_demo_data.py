"""Load fictional demo data: a hospital, a user for every role, about eight patients built from
the pathway's worked examples, an upcoming meeting with its attendance, last week's meeting
run to its sign-off (votes, decisions, actions), and a regional liver expert panel shared with a
second fictional hospital (one case concluded, one under review with the demo surgeon drawn).
Every name and number is invented."""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.casefacts.services import case_refer
from apps.core.choices import Role, Specialty
from apps.core.models import Hospital, StaffProfile
from apps.imaging.choices import Modality
from apps.imaging.services import study_create
from apps.liverpanel import services as panel_services
from apps.liverpanel.draw import REVIEWERS_FIRST, draw_reviewers
from apps.meetings.models import Meeting
from apps.meetings.services import agenda_item_add, meeting_create, meeting_update
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import (
    action_add,
    decision_record,
    follow_up_update,
    standard_of_care_list,
)
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.treatment import treatment_record
from apps.meetings.services.votes import vote_record, votes_reveal
from apps.pathways.facts import parse_facts
from apps.patients.services import case_update, patient_create
from apps.recommendations.services import recommendation_create

# Printed on purpose: demo accounts on a fictional hospital. It meets the password policy
# (AUTH_PASSWORD_VALIDATORS: 12 characters or more, not a common one), checked for each user.
DEMO_PASSWORD = "demo-liver-board-2026"
HOSPITAL_CODE = "demo"

USERS = [
    ("coordinator", "Casey", "Cole", Role.COORDINATOR, Specialty.COORDINATOR),
    ("surgeon", "Sam", "Hale", Role.CLINICIAN, Specialty.LIVER_SURGEON),
    ("surgeon2", "Robin", "Marsh", Role.CLINICIAN, Specialty.LIVER_SURGEON),
    ("oncologist", "Alex", "Reyes", Role.CLINICIAN, Specialty.MEDICAL_ONCOLOGIST),
    ("radiologist", "Jo", "Park", Role.CLINICIAN, Specialty.RADIOLOGIST),
    ("viewer", "Vic", "Lane", Role.VIEWER, Specialty.NURSE_SPECIALIST),
    ("nurse", "Nia", "Brook", Role.NURSE_SPECIALIST, Specialty.NURSE_SPECIALIST),
]

# The second hospital's liver surgeons, who sit on the regional panel with the demo's two.
PANEL_USERS = [
    ("panel-surgeon1", "Morgan", "Frost"),
    ("panel-surgeon2", "Kit", "Vale"),
    ("panel-surgeon3", "Drew", "Lowe"),
]

# (example, fictional given name, fictional family name, sex, question to the board). The
# upcoming meeting's cases come from the current pathway's examples (crlm-2027.1), last week's
# from crlm-2026.1's (their facts are valid in both).
UPCOMING = [
    (
        "caudate-lesion-hepatectomy",
        "Ada",
        "Fictional-Birch",
        "female",
        "Solitary caudate lobe metastasis after left hemicolectomy: resect?",
    ),
    (
        "hepatic-vein-contact-assumed-major-staged",
        "Ben",
        "Fictional-Cedar",
        "male",
        "Synchronous right colon primary, one lesion touching a hepatic vein: sequence?",
    ),
    (
        "bilobar-short-remnant-one-side-ablatable",
        "Cara",
        "Fictional-Elm",
        "female",
        "Bilobar disease with a short remnant: two-stage, or ablate the left side?",
    ),
    (
        "extensive-untreated-conversion-hai",
        "Eli",
        "Fictional-Hazel",
        "other",
        "Extensive bilobar liver-only disease, untreated: conversion regimen, HAI?",
    ),
    (
        "four-cycles-response-unknown-restage-then-operate",
        "Fay",
        "Fictional-Larch",
        "female",
        "Four cycles given, response not yet assessed: proceed to hepatectomy?",
    ),
]
LAST_WEEK = [
    (
        "resectable-after-four-cycles",
        "Dev",
        "Fictional-Fir",
        "male",
        "Restaging after four cycles, partial response: proceed to hepatectomy?",
    ),
    (
        "unfit-small-lesions-ablation",
        "Gus",
        "Fictional-Maple",
        "male",
        "ECOG 3, two small lesions: local ablation?",
    ),
    (
        "lung-and-peritoneum-unresectable-ehd",
        "Hana",
        "Fictional-Rowan",
        "female",
        "Liver, lung and peritoneal disease: any role for surgery?",
    ),
]
# Two of the upcoming cases were evaluated before the hospital's upgrade to crlm-2026.1's
# successor: their recommendations are stale ("pathway updated") until the coordinator
# re-evaluates the open cases.
BEFORE_THE_UPGRADE = {
    "extensive-untreated-conversion-hai",
    "four-cycles-response-unknown-restage-then-operate",
}
EARLIER_VERSION = "crlm-2026.1"
EXAMPLE_FOLDERS = {"upcoming": ("crlm-2027.1", "examples"), "last_week": ("examples",)}


def _prepare(case: Any, today: date, *, ready: bool) -> None:
    """The case's readiness: imaging, CEA and performance status dated, histology confirmed.
    A case not ready has a liver MRI ten weeks old and no CT chest-abdomen-pelvis yet."""
    actor = case.created_by
    recent = today - timedelta(days=10)
    if ready:
        study_create(
            case=case,
            data={
                "modality": Modality.CT_CHEST_ABDOMEN_PELVIS,
                "performed_on": recent,
                "report_summary": "Fictional report: no disease outside the liver.",
            },
            actor=actor,
        )
    study_create(
        case=case,
        data={
            "modality": Modality.MRI,
            "performed_on": recent if ready else today - timedelta(weeks=10),
            "hepatospecific_contrast": True,
            "diffusion_weighted": True,
            "report_summary": "Fictional report: liver metastases as recorded.",
        },
        actor=actor,
    )
    case_update(
        case=case,
        data={
            "cea_measured_on": recent,
            "performance_assessed_on": recent,
            "histology_confirmed": True,
        },
        actor=actor,
    )


def _birth_date_for_age(age: int, on: date) -> date:
    """A birth date giving exactly `age` on `on` (birthday three months before)."""
    month = (on.month - 4) % 12 + 1
    year = on.year - age - (1 if month > on.month else 0)
    return date(year, month, min(on.day, 28))


class Command(BaseCommand):
    help = "Load fictional demo data (demo hospital, users for every role, patients, a meeting)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development; pass --force to load it anyway.")
        pathways = Path(settings.SHARED_DIR) / "pathways"
        folders = {key: pathways.joinpath(*parts) for key, parts in EXAMPLE_FOLDERS.items()}
        if Hospital.objects.filter(code=HOSPITAL_CODE).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            missing = [str(folder) for folder in folders.values() if not folder.is_dir()]
            if missing:
                raise CommandError(
                    f"Pathway examples not found in {', '.join(missing)} (set SHARED_DIR)."
                )
            self._load(folders)
            self.stdout.write(self.style.SUCCESS("Demo data loaded (fictional patients)."))
        self._print_logins()

    @transaction.atomic
    def _load(self, folders: dict[str, Path]) -> None:
        hospital = Hospital.objects.create(
            name="Northfield General Hospital (fictional demo)",
            code=HOSPITAL_CODE,
            # The letterhead of the outcome letters: fictional, as everything here.
            address="Liver Unit, Level 3\n1 Fictional Way\nNorthfield NF1 0XX",
            telephone="0100 000 0000 (fictional)",
            email="liver-mdt@northfield.example",
        )
        users = {}
        for username, first, last, role, specialty in USERS:
            user = User(username=username, first_name=first, last_name=last)
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            StaffProfile.objects.create(user=user, hospital=hospital, specialty=specialty)
            users[username] = user
        actor = users["coordinator"]
        today = timezone.localdate()
        cases = []
        patients = [(folders["upcoming"], *entry) for entry in UPCOMING] + [
            (folders["last_week"], *entry) for entry in LAST_WEEK
        ]
        for number, (folder, example, given, family, sex, question) in enumerate(patients, start=1):
            facts_data = json.loads((folder / f"{example}.json").read_text())["case"]
            facts = parse_facts(facts_data)
            patient = patient_create(
                hospital=hospital,
                mrn=f"DEMO-{number:04d}",
                given_name=given,
                family_name=family,
                birth_date=_birth_date_for_age(facts.patient.age, today),
                sex=sex,
                actor=actor,
            )
            cases.append(
                case_refer(
                    hospital=hospital,
                    patient=patient,
                    question=question,
                    referring_clinician="Dr Demo Referrer (fictional), colorectal clinic",
                    general_practitioner="Dr Demo GP (fictional), Northfield Practice",
                    # Referred three weeks ago: before last week's meeting, which discussed some.
                    referred_on=today - timedelta(days=21),
                    facts=facts,
                    created_by=actor,
                )
            )
            # Last week's cases were ready; of the upcoming ones, every other case is not yet
            # (an old liver MRI, no CT chest-abdomen-pelvis), as the readiness checklist shows.
            _prepare(cases[-1], today, ready=folder == folders["last_week"] or number % 2 == 1)
        days_ahead = (1 - today.weekday()) % 7 or 7  # next Tuesday
        starts = timezone.make_aware(
            datetime.combine(today + timedelta(days=days_ahead), time(8, 0))
        )
        meeting = meeting_create(
            hospital=hospital,
            scheduled_for=starts,
            title="Weekly liver MDT",
            location="Seminar room 2 (fictional)",
            chair=users["surgeon"],
            actor=actor,
        )
        for (example, *_), case in zip(UPCOMING, cases, strict=False):
            # The agenda's cases come with the pathway's recommendation, as a coordinator would
            # prepare them (two before the upgrade).
            if example in BEFORE_THE_UPGRADE:
                recommendation_create(case=case, actor=actor, version=EARLIER_VERSION)
            else:
                recommendation_create(case=case, actor=actor)
            agenda_item_add(meeting=meeting, case=case, presenter=users["radiologist"], actor=actor)
        for username in ("surgeon", "surgeon2", "oncologist", "radiologist", "coordinator"):
            attendance_add(meeting=meeting, user=users[username], actor=actor)
        self._last_week(hospital, users, cases[len(UPCOMING) :], starts - timedelta(days=7))
        self._panel(hospital, users, cases)

    def _panel(self, hospital: Hospital, users: dict[str, Any], cases: list[Any]) -> None:
        """The regional panel: the demo's two liver surgeons (surgeon2 chairs) and three of a
        second fictional hospital. One case concluded (reviews revealed), one under review with
        the demo's `surgeon` drawn, so that their review queue has a case."""
        southvale = Hospital.objects.create(
            name="Southvale University Hospital (fictional demo)", code=f"{HOSPITAL_CODE}-south"
        )
        for username, first, last in PANEL_USERS:
            user = User(username=username, first_name=first, last_name=last)
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=Role.CLINICIAN)[0])
            StaffProfile.objects.create(
                user=user, hospital=southvale, specialty=Specialty.LIVER_SURGEON
            )
            users[username] = user
        actor = users["coordinator"]
        panel = panel_services.panel_save(
            actor=actor,
            name="Regional liver expert panel (fictional demo)",
            code="rlp",
            hospitals=[hospital, southvale],
        )
        members = {}
        for username in ("surgeon", "surgeon2", *(entry[0] for entry in PANEL_USERS)):
            members[username], _ = panel_services.panel_member_save(
                panel=panel, user=users[username], actor=actor, is_chair=username == "surgeon2"
            )
        concluded_case = cases[len(UPCOMING)]
        concluded = panel_services.panel_referral_create(
            case=concluded_case,
            panel=panel,
            question="Resectable at once, or convert first? (fictional)",
            actor=actor,
            referring_surgeon=users["surgeon"],
            seed=1,
        )
        lesions = concluded.snapshot.facts["liver"]["lesions"]
        plan = {
            "lesions": [
                {"lesion": number, "treatment": "ablation"} for number in range(1, len(lesions) + 1)
            ]
        }
        for review in concluded.reviews.select_related("member__user"):
            panel_services.panel_review_submit(
                referral=concluded,
                reviewer=review.member.user,
                category="resectable",
                plan=plan,
                note="Fictional demo review.",
            )
        concluded.refresh_from_db()
        panel_services.panel_conclusion_record(
            referral=concluded,
            chair=users["surgeon2"],
            category="resectable",
            plan=plan,
            note="Fictional demo conclusion.",
        )
        # A seed whose draw includes the demo surgeon (every member is free: ties at random).
        open_case = cases[2]
        candidates = sorted((str(member.pk), 0) for member in members.values())
        wanted = str(members["surgeon"].pk)
        seed = next(
            seed
            for seed in range(1000)
            if wanted in draw_reviewers(candidates, seed=seed, count=REVIEWERS_FIRST)
        )
        under_review = panel_services.panel_referral_create(
            case=open_case,
            panel=panel,
            question="Two-stage hepatectomy, or ablate the left side? (fictional)",
            actor=actor,
            seed=seed,
        )
        first_other = next(
            review
            for review in under_review.reviews.select_related("member__user")
            if review.member.user_id != users["surgeon"].pk
        )
        panel_services.panel_review_submit(
            referral=under_review,
            reviewer=first_other.member.user,
            category="potentially_resectable",
            plan={
                "lesions": [
                    {"lesion": number, "treatment": "ablation"}
                    for number in range(1, len(under_review.snapshot.facts["liver"]["lesions"]) + 1)
                ],
                "strategy": "two_stage",
            },
            note="Fictional demo review.",
        )

    def _last_week(
        self, hospital: Hospital, users: dict[str, Any], cases: list[Any], starts: datetime
    ) -> Meeting:
        """Last week's meeting, run through the services as its team would have run it: the
        surgeons' votes revealed, a case listed as standard of care, a decision that agrees, one
        that departs for a trial and asks for the case back next week, actions and the first
        patient told, then the chair's sign-off."""
        coordinator, chair = users["coordinator"], users["surgeon"]
        meeting = meeting_create(
            hospital=hospital,
            scheduled_for=starts,
            title="Weekly liver MDT",
            location="Seminar room 2 (fictional)",
            chair=chair,
            actor=coordinator,
        )
        items = []
        for case in cases:
            recommendation_create(case=case, actor=coordinator)
            items.append(
                agenda_item_add(
                    meeting=meeting, case=case, presenter=users["radiologist"], actor=coordinator
                )
            )
        for username in ("surgeon", "surgeon2", "oncologist", "radiologist"):
            attendance_add(meeting=meeting, user=users[username], actor=coordinator)
        restaging, ablation, extrahepatic = items
        vote_record(item=ablation, surgeon=chair, call="unresectable", note="ECOG 3.")
        vote_record(item=ablation, surgeon=users["surgeon2"], call="potentially_resectable")
        votes_reveal(item=ablation, actor=chair)
        meeting_update(meeting=meeting, data={"status": "in_progress"}, actor=coordinator)
        standard_of_care_list(item=restaging, actor=chair, intent="curative")
        decision_record(
            item=ablation,
            actor=users["surgeon2"],
            data={
                "plan_codes": ["LOCAL_ABLATIVE_THERAPY"],
                "plan_text": "Percutaneous ablation of both lesions.",
                "intent": "curative",
                "agreement": "agree",
            },
        )
        decision_record(
            item=extrahepatic,
            actor=users["oncologist"],
            data={
                "plan_codes": ["SYSTEMIC_THERAPY"],
                "plan_text": "Systemic therapy within the (fictional) DEMO-TRIAL-1 study.",
                "intent": "palliative",
                "agreement": "modified",
                "departure_reason": "trial",
                "departure_detail": "Eligible for a (fictional) first-line trial.",
                # Back next week, once the molecular results are in: the upcoming meeting's
                # page proposes it.
                "rediscuss_in_weeks": 1,
                "rediscuss_reason": "Review the RAS, BRAF and MSI results",
            },
        )
        action_add(
            item=extrahepatic,
            actor=coordinator,
            description="Send tumour tissue for RAS, BRAF and MSI testing",
            owner=users["oncologist"],
            due_on=starts.date() + timedelta(days=7),
        )
        action_add(
            item=ablation,
            actor=coordinator,
            description="Book ablation with interventional radiology",
            owner=users["radiologist"],
            due_on=starts.date() + timedelta(days=14),
        )
        action_add(
            item=ablation,
            actor=coordinator,
            description="Give the patient the ablation information leaflet",
            owner=users["nurse"],
            due_on=starts.date() + timedelta(days=3),
        )
        meeting_sign_off(meeting=meeting, actor=chair)
        follow_up_update(
            item=restaging,
            actor=coordinator,
            data={"patient_informer": chair, "patient_informed_at": starts + timedelta(days=1)},
        )
        # The clinical nurse specialist tells the ablation patient (a task on their /tasks/).
        follow_up_update(
            item=ablation, actor=coordinator, data={"patient_informer": users["nurse"]}
        )
        # The trial patient's systemic therapy has started (fictional); the other two wait
        # for their record of the treatment given.
        treatment_record(
            item=extrahepatic,
            actor=users["oncologist"],
            data={
                "treatment_code": "SYSTEMIC_THERAPY",
                "started_on": min(starts.date() + timedelta(days=5), timezone.localdate()),
                "matches": "yes",
            },
        )
        return meeting

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (fictional hospital; password for all: {DEMO_PASSWORD})")
        for username, _first, _last, role, specialty in USERS:
            self.stdout.write(f"  {username:<14} {role:<16} {specialty.label}")
        for username, *_names in PANEL_USERS:
            where = "Liver surgeon, Southvale (panel)"
            self.stdout.write(f"  {username:<14} {'clinician':<16} {where}")
        self.stdout.write(
            "Open http://127.0.0.1:8000/ (API docs: http://127.0.0.1:8000/api/v1/docs/)\n"
        )
