"""Bulk referral import: a CSV of referrals previewed row by row with its errors by column, saved
all together or not at all, large files through a Celery task with its progress.

Place in the dependency order (README, "Architecture"): beside `fhirexchange` and `cdshooks`,
above `analytics`, below `workspace`.
"""
