"""Browser pages of the workspace: the dashboard (`dashboard`), the case pages (`cases`) and the
recommendation panel of the intake form and the case page (`recommendations`)."""
