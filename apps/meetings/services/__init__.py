"""Writes of meetings, one module per part of the workflow: meetings and their agenda
(`meetings`), moving a case to a later meeting (`agenda_moves`), attendance (`attendance`), the
surgeons' votes (`votes`), decisions with their actions and follow-up (`decisions`) and the
chair's sign-off (`sign_off`). The meeting and agenda writes are re-exported here."""

from .meetings import (
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
    agenda_reorder,
    meeting_create,
    meeting_delete,
    meeting_update,
)

__all__ = [
    "agenda_item_add",
    "agenda_item_remove",
    "agenda_item_update",
    "agenda_reorder",
    "meeting_create",
    "meeting_delete",
    "meeting_update",
]
