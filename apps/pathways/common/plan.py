"""The plan a version's rules build for one case (SPEC section 4): the codes with their roles
and rationales, the lesion plan, the warnings a plan raises itself, and what the trace says of
the choices on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.pathways.result import LesionPlanEntry

# Treating the primary tumour first comes before everything else.
PRIMARY_STEP_CODES = frozenset({"PRIMARY_FIRST", "PRIMARY_PALLIATION"})
ROLE_RANK = {"primary": 1, "sequence": 2, "alternative": 3, "adjunct": 4, "monitoring": 5}


@dataclass(slots=True)
class PlannedItem:
    code: str
    role: str
    rationale: str
    choice: str | None  # the pathway's own reading that led here, for the trace


@dataclass(slots=True)
class Plan:
    """What one section of 4 recommends, as it is built."""

    section: str
    because: str
    items: list[PlannedItem] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)
    lesion_plan: tuple[LesionPlanEntry, ...] = ()
    lesion_indexes: tuple[int, ...] = ()  # which input lesion each lesion_plan entry is
    raised: list[tuple[str, str]] = field(default_factory=list)  # warnings raised by the plan
    choices: list[tuple[str, str, str]] = field(default_factory=list)  # other traced choices
    # Options weighed and not taken, each with why: (code, reason), for the trace.
    considered: list[tuple[str, str]] = field(default_factory=list)
    considered_codes: set[str] = field(default_factory=set)

    def add(self, code: str, role: str, rationale: str, choice: str | None = None) -> None:
        # A code appears at most once per case; the first rule to reach it keeps its role (the
        # rules are written so that no two give one code different roles).
        if code in self.codes:
            return
        self.codes.add(code)
        self.items.append(PlannedItem(code, role, rationale, choice))

    def consider(self, code: str, reason: str) -> None:
        """Note an option weighed and not taken (once per code; a code taken is not noted)."""
        if code not in self.codes and code not in self.considered_codes:
            self.considered_codes.add(code)
            self.considered.append((code, reason))

    def ordered(self) -> list[PlannedItem]:
        # The primary step comes before everything else, then roles in the SPEC's order (a
        # stable sort: within a role, the order the rules added them).
        return sorted(
            self.items,
            key=lambda item: 0 if item.code in PRIMARY_STEP_CODES else ROLE_RANK[item.role],
        )
