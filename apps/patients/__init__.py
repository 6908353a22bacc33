"""Patients and their MDT cases: identity, the referral, and the case's own clinical records
(performance status, primary tumour, presentation, biomarkers, treatment history, work-up).

Place in the dependency order (README, "Architecture"): pathways <- core <- **patients** <-
imaging <- casefacts <- recommendations <- meetings <- summaries <- workspace. It may import
`pathways` and `core`. What the meetings forbid doing to a case (setting its status while it is
on an open agenda, deleting it after an agenda) reaches it through a registry the meetings app
fills at start-up: `case_checks`.
"""
