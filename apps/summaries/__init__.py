"""Printable meeting summaries and the outcome letters beside them: what a summary shows
(`data`), its rendering to PDF with WeasyPrint (`pdf`), the Celery task and its steps (`tasks`,
`generation`), the request (`services`), the reads (`selectors`), the status panel of the meeting
page (`views`) and the API.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- recommendations <- meetings <- **summaries** <- workspace. It may import every
app but `workspace`. The meeting page, which is the meetings app's, shows the summary panel
through a registry the meetings app offers (`apps.meetings.views.panels`), filled here at
start-up (SummariesConfig.ready).
"""
