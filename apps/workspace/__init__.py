"""The workspace: what gathers every app, at the top of the house. The dashboard, the case pages
(list, intake form with its live recommendation panel, case page, combined audit trail), the
whole-referral intake (patient, facts, imaging study and first recommendation in one
transaction), the API's case resource (referral, facts and audit trail) and the demo data.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- recommendations <- meetings <- summaries <- **workspace**. It may import every
app; no app imports it (lower apps' templates may link to its pages by URL name).
"""
