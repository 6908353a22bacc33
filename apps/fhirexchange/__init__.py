"""FHIR R4 exchange with the hospital's record: a case (or a meeting) exported as a FHIR Bundle
in the mCODE STU4 profiles, and a Bundle of those resources imported as a referral.

Place in the dependency order (README, "Architecture"): beside `cdshooks` and `bulkimport`,
above `analytics`, below `workspace`; it reads and writes through the lower apps' services and
selectors.
"""
