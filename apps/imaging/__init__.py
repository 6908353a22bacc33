"""Imaging findings of a case: imaging studies, liver lesions, the liver assessment and the
extrahepatic sites, and the liver map (SVG) drawn from them.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <-
**imaging** <- casefacts <- recommendations <- meetings <- summaries <- workspace. It may import
`pathways`, `core` and `patients`; it needs nothing from above.
"""
