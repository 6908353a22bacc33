"""Browser pages of the meetings app (htmx), one module per page: the meeting list and page with
its agenda and attendance (`meetings`, `agenda`, `attendance`), the review of one agenda case
(`review`), a case across meetings (`case_history`) and the printable summary (`summary`)."""
