"""The CDS Hooks 2.0 service: discovery, the `patient-view` hook answering the pathway's
recommendation as cards, and the feedback an EHR sends on them (reported beside the board's
decisions in concordance). EHR clients authenticate with signed JWTs, keys configured per client.

Place in the dependency order (README, "Architecture"): beside `fhirexchange` and `bulkimport`,
above `analytics`, below `workspace`.
"""
