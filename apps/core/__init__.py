"""Core: hospitals and staff, roles, the base model, ApplicationError and the API's error shape,
the audit-trail reader and write helpers every service uses.

Place in the dependency order (README, "Architecture"): pathways <- **core** <- patients <-
imaging <- casefacts <- recommendations <- meetings <- summaries <- workspace. It may import only
`pathways` (the facts' schema for the API description); it needs nothing from above.
"""
