"""The liver expert panel: independent resectability review of a case by randomly assigned
liver surgeons, across hospitals, between meetings.

A coordinator sends a case to a panel with a question. Three members are drawn at random (never
the referring surgeon; fewest open reviews first, ties at random, the draw recorded with its
seed so that it can be replayed). Each reviews blind to the others: a resectability category
and a structured local plan. When the three agree, that category is the panel's; otherwise two
more are drawn and the majority of five decides. The chair writes the conclusion and its plan,
which goes back to the board beside the pathway's resectability.

Members see the cases assigned to them pseudonymised: the facts as the pathway read them (age,
not name, MRN or birth date), the liver map and the pathway's recommendation, all from the
recommendation snapshot taken at referral, and nothing else of the referring hospital.

Place in the dependency order (README, "Architecture"): pathways <- core <- patients <- imaging
<- casefacts <- recommendations <- readiness <- **liverpanel** <- meetings <- summaries <-
analytics <- workspace. It reads cases and their snapshots; the meetings' review page, the
printed record, the numbers (analytics, beside the board's decisions) and the case page read it.
"""
