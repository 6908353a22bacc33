"""Recommendation snapshots: the pathway's result for a case's facts, kept with the version and
facts it was made with; the evaluate and describe API of the pathway; the recommendation panel
every page shows (`presentation`, templates/recommendations/).

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- **recommendations** <- meetings <- summaries <- workspace. It may import every
app below it; it needs nothing from above.
"""
