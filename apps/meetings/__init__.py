"""MDT meetings: scheduling, the agenda, attendance and quorum, the liver surgeons' votes, the
board's decisions with their actions and follow-up, the chair's sign-off, and concordance.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- recommendations <- **meetings** <- summaries <- workspace. It may import every
app below it. At start-up (MeetingsConfig.ready) it registers its refusals of case writes with
`apps.patients.case_checks`; to the apps above it offers `views.panels`, where the summaries put
their panel on the meeting page.
"""
