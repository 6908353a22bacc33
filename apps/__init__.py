"""The apps, lowest first; an app imports only the apps below it (README, "Architecture"):

    pathways <- core <- patients <- imaging <- casefacts <- recommendations <- readiness
    <- meetings <- summaries <- analytics <- workspace

`make test` checks it (import-linter, pyproject.toml). What a lower app needs from above comes
through a registry the higher app fills at start-up: `apps.patients.case_checks` (the meetings'
refusals of case writes) and `apps.meetings.views.panels` (the summary panel of the meeting
page).
"""
