"""Several imaging studies per case: the facts now read the lesions of the most recent study of
the liver that holds lesions (apps.imaging.selectors). Before, they read every lesion of the
case, whatever its study. For each case where the two differ (some of its lesions on another
study, or on none, beside a study of the liver), this links every lesion to that study, so that
the case's facts stay exactly what they were. Each change is kept in the lesion's history."""

from django.db import migrations
from django.utils import timezone

LIVER_MODALITIES = {"mri", "ct", "ct_chest_abdomen_pelvis", "pet_ct", "contrast_ultrasound"}
REASON = "Linked to the study the case's facts are read from (several studies per case)."


def link_lesions(apps, schema_editor):
    LiverLesion = apps.get_model("imaging", "LiverLesion")
    HistoricalLiverLesion = apps.get_model("imaging", "HistoricalLiverLesion")
    by_case = {}
    for lesion in LiverLesion.objects.select_related("study").order_by("case_id", "position"):
        by_case.setdefault(lesion.case_id, []).append(lesion)
    for lesions in by_case.values():
        studies = {
            lesion.study_id: lesion.study
            for lesion in lesions
            if lesion.study is not None and lesion.study.modality in LIVER_MODALITIES
        }
        if not studies:
            continue  # no study of the liver: every lesion is read, as before
        source = max(studies.values(), key=lambda study: (study.performed_on, study.created_at))
        for lesion in lesions:
            if lesion.study_id == source.pk:
                continue
            lesion.study = source
            lesion.updated_at = timezone.now()
            lesion.save(update_fields=["study", "updated_at"])
            fields = {
                field.attname: getattr(lesion, field.attname)
                for field in LiverLesion._meta.fields
            }
            HistoricalLiverLesion.objects.create(
                **fields,
                history_date=lesion.updated_at,
                history_type="~",
                history_change_reason=REASON,
            )


class Migration(migrations.Migration):
    dependencies = [("imaging", "0004_ct_chest_abdomen_pelvis")]

    operations = [migrations.RunPython(link_lesions, migrations.RunPython.noop)]
