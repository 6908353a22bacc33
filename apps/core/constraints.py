"""Small builders for the CheckConstraints every clinical model uses, so that choices and ranges
hold in the database and not only in forms."""

from django.db import models


def one_of(
    field: str, values: list[str], name: str, *, nullable: bool = False
) -> models.CheckConstraint:
    condition = models.Q(**{f"{field}__in": values})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def between(
    field: str, low: float, high: float, name: str, *, low_inclusive: bool = True
) -> models.CheckConstraint:
    """low <= field <= high (or low < field); a NULL passes, as SQL does."""
    low_lookup = "gte" if low_inclusive else "gt"
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__{low_lookup}": low, f"{field}__lte": high}),
        name=name,
    )
