"""Readiness: whether a case has what the board needs before it is discussed.

A checklist per case (CT chest-abdomen-pelvis and liver MRI recent enough, CEA recent enough,
performance status assessed recently, histology confirmed, RAS/BRAF/MSI known, and no work-up
outstanding on the pathway's current recommendation), each item current, stale (with its age)
or missing, against a reference date: the meeting's date, or today for a case on no agenda. The
freshness limits, and which items count, are set per hospital in the admin
(`ReadinessPolicy`; the defaults apply while a hospital has none).

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- recommendations <- **readiness** <- meetings <- summaries <- workspace. It reads
the case's records and its recommendation snapshots; the meetings call it (the agenda's rows,
the warning when a case not ready is added, the refusal to list one as standard of care).
"""
