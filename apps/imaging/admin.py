from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExtrahepaticSite, ImagingStudy, LiverAssessment, LiverLesion

for model in (ImagingStudy, LiverLesion, LiverAssessment, ExtrahepaticSite):
    admin.site.register(model, SimpleHistoryAdmin, raw_id_fields=["case"])
