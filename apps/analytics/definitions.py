"""The board's metrics over the records, registered at start-up (AnalyticsConfig.ready).

Shared definitions, those of the concordance audit (apps/meetings/selectors/concordance.py):
- a case was *discussed* at a meeting when its agenda item stayed there (not moved to a later
  meeting) and a decision was recorded on it;
- of each agenda case only the *current* decision counts (the newest version: an amendment
  replaces what it amends);
- only *revealed* votes count (until the chair reveals them, the calls are secret).
A meeting is in the range by its local date; a case's referral by its referral date.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from apps.meetings.choices import (
    Agreement,
    DepartureReason,
    MeetingStatus,
    PostponementReason,
    TreatmentMatch,
    TreatmentVarianceReason,
)
from apps.meetings.models import AgendaItem, Decision, ResectabilityVote, TreatmentGiven
from apps.patients.models import MdtCase
from apps.recommendations.choices import Resectability

from .aggregates import DaysBetween, bucketed_counts, distribution
from .listings import listing_history
from .metrics import (
    BARS,
    COUNT,
    DAYS,
    FIGURES,
    SECONDS,
    Metric,
    Scope,
    Table,
    choice_counts,
    choice_table,
    counts_over_time,
    distribution_figures,
    register,
    share_figures,
)


def current_decisions(scope: Scope) -> QuerySet[Decision]:
    """The newest decision version of each agenda case that stayed on a meeting in range."""
    newer = Decision.objects.filter(
        agenda_item=OuterRef("agenda_item"), version__gt=OuterRef("version")
    )
    return Decision.objects.filter(
        agenda_item__meeting__in=scope.meetings(), agenda_item__moved_to__isnull=True
    ).exclude(Exists(newer))


def current_decision_counts(scope: Scope) -> dict[str, Any]:
    """What four metrics count of the current decisions in range (the decisions by agreement,
    departures by reason, signed decisions by whether the treatment given matched, and the
    quorum figures), in one query shared by them through the scope: the decisions are counted
    per meeting, and those counts summed. {"agreement": {code: count}, "departure_reason":
    {code: count}, "matches": {code or None: count}, "total", "quorate", "meetings",
    "all_quorate"}."""
    return scope.shared_result("current_decision_counts", _current_decision_counts)


def _current_decision_counts(scope: Scope) -> dict[str, Any]:
    departs = ~Q(agreement=Agreement.AGREE)
    signed = Q(signed_off_at__isnull=False)
    given = "agenda_item__treatment_given__matches"
    per_value = {
        **{
            f"agreement_{value}": Count("pk", filter=Q(agreement=value))
            for value in Agreement.values
        },
        **{
            f"departure_reason_{value}": Count("pk", filter=departs & Q(departure_reason=value))
            for value in DepartureReason.values
        },
        **{
            f"matches_{value}": Count("pk", filter=signed & Q(**{given: value}))
            for value in TreatmentMatch.values
        },
        "matches_unset": Count(
            "pk", filter=signed & (Q(**{f"{given}__isnull": True}) | Q(**{given: ""}))
        ),
        "total": Count("pk"),
        "quorate": Count("pk", filter=Q(quorate=True)),
        "short": Count("pk", filter=Q(quorate=False)),
    }
    summed = (
        current_decisions(scope)
        .order_by()
        .values("agenda_item__meeting")
        .annotate(**{f"per_meeting_{name}": count for name, count in per_value.items()})
        .aggregate(
            **{name: Sum(f"per_meeting_{name}") for name in per_value if name != "short"},
            meetings=Count("agenda_item__meeting"),
            all_quorate=Count("agenda_item__meeting", filter=Q(per_meeting_short=0)),
        )
    )
    found = {name: total or 0 for name, total in summed.items()}
    return {
        "agreement": {value: found[f"agreement_{value}"] for value in Agreement.values},
        "departure_reason": {
            value: found[f"departure_reason_{value}"] for value in DepartureReason.values
        },
        "matches": {
            **{value: found[f"matches_{value}"] for value in TreatmentMatch.values},
            None: found["matches_unset"],
        },
        **{name: found[name] for name in ("total", "quorate", "meetings", "all_quorate")},
    }


def cases_per_month(scope: Scope) -> Table:
    new = MdtCase.objects.filter(
        patient__hospital=scope.hospital,
        referred_on__gte=scope.period.start,
        referred_on__lte=scope.period.end,
    )
    # Discussed again: discussed at a meeting in the range after a discussion at an earlier
    # one; asked back: of those, the ones a decision at an earlier meeting gave a re-discussion
    # date (apps/analytics/listings.py reads both with the listings' past in one query).
    history = listing_history(scope)
    return counts_over_time(
        scope,
        {
            "New referrals": bucketed_counts(new, "referred_on", by_year=scope.period.by_year),
            "Discussed again": history.again,
            "Of which asked back by the board": history.asked_back,
        },
    )


def referral_to_meeting_days(scope: Scope) -> Table:
    # Cases first discussed in the range: discussed in it and never before; the days from
    # their referral to that first discussion's meeting (its local date).
    return distribution_figures(
        listing_history(scope).first_discussion_days,
        unit=DAYS,
        counted="Cases first discussed in the range",
    )


def discussed_at_first_listing(scope: Scope) -> Table:
    # The range's agenda cases of signed-off meetings not listed at any earlier meeting; of
    # those, the ones that stayed there and were decided.
    history = listing_history(scope)
    return share_figures(
        history.first_listed_discussed,
        history.first_listed,
        share="Discussed at the first meeting listed on",
        part_label="Cases discussed there",
        whole_label="Cases first listed (signed-off meetings)",
    )


def meeting_to_treatment_days(scope: Scope) -> Table:
    started = TreatmentGiven.objects.filter(
        agenda_item__meeting__in=scope.meetings(), started=True
    ).annotate(days=DaysBetween(F("started_on"), TruncDate("agenda_item__meeting__scheduled_for")))
    return distribution_figures(
        distribution(started, "days"),
        unit=DAYS,
        counted="Treatments started after decisions in the range",
    )


def signed_listings(scope: Scope) -> QuerySet[AgendaItem]:
    """The agenda cases of the signed-off meetings in the range."""
    return AgendaItem.objects.filter(
        meeting__in=scope.meetings().filter(status=MeetingStatus.CLOSED)
    )


def _postponed() -> Q:
    # Moved on without a coded reason: listings from before reasons were recorded.
    return ~Q(postponement_reason="") | Q(moved_to__isnull=False)


def postponements(scope: Scope) -> Table:
    found = signed_listings(scope).aggregate(
        listed=Count("pk"),
        postponed=Count("pk", filter=_postponed()),
        carried=Count("pk", filter=Q(moved_to__isnull=False)),
    )
    table = share_figures(
        found["postponed"],
        found["listed"],
        share="Postponement rate",
        part_label="Cases postponed or carried over",
        whole_label="Cases listed (signed-off meetings)",
    )
    table.rows.append({"measure": "Carried to a later meeting", "value": found["carried"]})
    table.units.append(COUNT)
    return table


def postponement_reasons(scope: Scope) -> Table:
    return choice_counts(
        signed_listings(scope).filter(_postponed()),
        "postponement_reason",
        PostponementReason,
        heading="Reason",
        unset="Moved on without a reason recorded",
    )


def listed_not_ready(scope: Scope) -> Table:
    found = AgendaItem.objects.filter(meeting__in=scope.meetings()).aggregate(
        listed=Count("pk"), not_ready=Count("pk", filter=Q(added_not_ready=True))
    )
    return share_figures(
        found["not_ready"],
        found["listed"],
        share="Listed while not ready",
        part_label="Cases added with their checklist incomplete",
        whole_label="Cases listed",
    )


def decisions_carried_out(scope: Scope) -> Table:
    # The current signed decisions, by the treatment given's match (none recorded: unset).
    return choice_table(
        current_decision_counts(scope)["matches"],
        TreatmentMatch,
        heading="Treatment given",
        unset="No treatment recorded yet",
    )


def treatment_variance_reasons(scope: Scope) -> Table:
    differing = TreatmentGiven.objects.filter(agenda_item__meeting__in=scope.meetings()).exclude(
        matches=TreatmentMatch.YES
    )
    return choice_counts(differing, "reason", TreatmentVarianceReason, heading="Reason")


def concordance(scope: Scope) -> Table:
    return choice_table(
        current_decision_counts(scope)["agreement"],
        Agreement,
        heading="Decision and the pathway",
    )


def departure_reasons(scope: Scope) -> Table:
    # Of the decisions that do not agree.
    return choice_table(
        current_decision_counts(scope)["departure_reason"], DepartureReason, heading="Reason"
    )


def surgeons_agreement(scope: Scope) -> Table:
    # Grouped from the votes, each call counted: a case is unanimous when one call has all its
    # votes. COUNT(DISTINCT call) said the same but made PostgreSQL sort every vote.
    per_call = {f"calls_{call}": Count("pk", filter=Q(call=call)) for call in Resectability.values}
    voted = (
        ResectabilityVote.objects.filter(
            agenda_item__meeting__in=scope.meetings(),
            agenda_item__moved_to__isnull=True,
            agenda_item__votes_revealed_at__isnull=False,
        )
        .order_by()
        .values("agenda_item")
        .annotate(votes_count=Count("pk"), **per_call)
        .filter(votes_count__gte=2)
    )
    all_one_call = Q()
    for name in per_call:
        all_one_call |= Q(**{name: F("votes_count")})
    found: dict[str, Any] = voted.aggregate(
        cases=Count("agenda_item"), unanimous=Count("agenda_item", filter=all_one_call)
    )
    return share_figures(
        found["unanimous"],
        found["cases"],
        share="Cases where the surgeons' revealed votes all agree",
        part_label="Cases with unanimous votes",
        whole_label="Cases with two or more revealed votes",
    )


def time_per_case(scope: Scope) -> Table:
    timed = AgendaItem.objects.filter(meeting__in=scope.meetings(), discussion_seconds__gt=0)
    return distribution_figures(
        distribution(timed, "discussion_seconds"),
        unit=SECONDS,
        counted="Cases timed in presentation mode",
    )


def quorum(scope: Scope) -> Table:
    found = current_decision_counts(scope)
    table = share_figures(
        found["quorate"],
        found["total"],
        share="Share of decisions recorded with a quorum",
        part_label="Decisions recorded with a quorum",
        whole_label="Decisions",
    )
    table.rows += [
        {"measure": "Meetings whose decisions were all quorate", "value": found["all_quorate"]},
        {"measure": "Meetings with decisions", "value": found["meetings"]},
    ]
    table.units += [COUNT, COUNT]
    return table


register(
    Metric(
        slug="cases-per-month",
        title="Cases per month",
        description=(
            "New referrals by referral date; cases discussed again: discussed at a meeting "
            "after having been discussed at an earlier one; and of those, the ones a decision at "
            "an earlier meeting asked back (a re-discussion date)."
        ),
        chart=BARS,
        compute=cases_per_month,
    )
)
register(
    Metric(
        slug="referral-to-meeting",
        title="Referral to meeting",
        description=(
            "Days from the referral to the first meeting that discussed the case, for cases "
            "first discussed in the range."
        ),
        chart=FIGURES,
        compute=referral_to_meeting_days,
    )
)
register(
    Metric(
        slug="discussed-first-meeting",
        title="Discussed at the first meeting",
        description=(
            "Of the cases first listed on a signed-off meeting in the range, the share discussed "
            "there rather than moved to a later meeting or left without a decision."
        ),
        chart=FIGURES,
        compute=discussed_at_first_listing,
    )
)
register(
    Metric(
        slug="postponements",
        title="Postponements",
        description=(
            "Of the cases listed on signed-off meetings in the range, the share postponed "
            "(not discussed, with a reason) or carried to a later meeting."
        ),
        chart=FIGURES,
        compute=postponements,
    )
)
register(
    Metric(
        slug="postponement-reasons",
        title="Postponements by reason",
        description="Cases postponed or carried over at signed-off meetings, by the reason given.",
        chart=BARS,
        compute=postponement_reasons,
    )
)
register(
    Metric(
        slug="listed-not-ready",
        title="Listed while not ready",
        description=(
            "Of the cases put on the agendas of meetings in the range, the share added while "
            "their readiness checklist was incomplete."
        ),
        chart=FIGURES,
        compute=listed_not_ready,
    )
)
register(
    Metric(
        slug="meeting-to-treatment",
        title="Meeting to treatment",
        description=(
            "Days from the meeting that decided to the day the treatment started, for "
            "decisions at meetings in the range whose treatment has started."
        ),
        chart=FIGURES,
        compute=meeting_to_treatment_days,
    )
)
register(
    Metric(
        slug="decisions-carried-out",
        title="Decisions carried out",
        description=(
            "The current signed decision on each case discussed in the range, by whether the "
            "treatment given was as decided."
        ),
        chart=BARS,
        compute=decisions_carried_out,
    )
)
register(
    Metric(
        slug="treatment-variance-reasons",
        title="Reasons decisions were not carried out",
        description=(
            "Treatments recorded as partly or not as decided (none started included), by reason."
        ),
        chart=BARS,
        compute=treatment_variance_reasons,
    )
)
register(
    Metric(
        slug="concordance",
        title="Decisions and the pathway",
        description=(
            "The current decision on each case discussed in the range, by how it stands to the "
            "pathway's recommendation."
        ),
        chart=BARS,
        compute=concordance,
    )
)
register(
    Metric(
        slug="departure-reasons",
        title="Reasons for departing from the pathway",
        description="Decisions that modified or departed from the recommendation, by reason.",
        chart=BARS,
        compute=departure_reasons,
    )
)
register(
    Metric(
        slug="surgeons-agreement",
        title="Surgeons' agreement",
        description=(
            "Cases with two or more revealed resectability votes whose votes all made the "
            "same call."
        ),
        chart=FIGURES,
        compute=surgeons_agreement,
    )
)
register(
    Metric(
        slug="time-per-case",
        title="Time per case",
        description="Time each case was under discussion, where presentation mode timed it.",
        chart=FIGURES,
        compute=time_per_case,
    )
)
register(
    Metric(
        slug="quorum",
        title="Quorum met",
        description=(
            "Current decisions recorded while the core team (a liver surgeon, a medical "
            "oncologist and a radiologist) was present, and meetings whose decisions all were."
        ),
        chart=FIGURES,
        compute=quorum,
    )
)
