"""Browser pages of the meetings app (htmx), one module per page: the meeting list and page with
its agenda and attendance (`meetings`, `agenda`, `attendance`), the review of one agenda case
(`review`) and a case across meetings (`case_history`). Apps above add panels to the meeting
page through `panels`."""
