from django.apps import AppConfig


class BulkImportConfig(AppConfig):
    name = "apps.bulkimport"
    label = "bulkimport"
    verbose_name = "Bulk referral import"
