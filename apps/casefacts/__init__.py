"""Case facts: the one bridge between a case's records and the pathway's input, both ways.

Reading assembles the pathway input (SPEC section 1) from the records of `patients` (performance,
primary, presentation, biomarkers, treatment, work-up) and `imaging` (liver assessment, lesions,
extrahepatic sites); writing takes a whole pathway input and brings those records in line with it.
Nothing else translates between the two, so a new input field is added here once.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- **casefacts** <- recommendations <- meetings <- summaries <- workspace. It may import
`pathways`, `core`, `patients` and `imaging`; it needs nothing from above. A package of plain
modules with no models of its own, so it is not a Django app.
"""
