"""The built-in PM/PMM templates, as plain data (no Django).

Three templates, one per stage of "how the split changes" in Key Differences: an early-stage
startup where one person wears both hats, the default scale-up split and an enterprise
matrix. They are rebuilt row by row from the product's source articles, by the id each has
in docs/sources.md (`SEEDS`):

- 000: PM owns the roadmap, PMM the revenue; its RACI table (Interviews, Pricing, Naming),
  "launch ready = support docs + pricing + sales training".
- 001: the RACI cheat sheet (nine activities), the lifecycle from Insight to Post-Launch,
  readiness that PM confirms, the day-30 press/pivot/pause decision, the three stages.
- 002: phase owners (Discovery: PM + UX researcher; Development: PM + engineering lead;
  Go-to-market: the GTM lead) and the functions each phase collaborates with.
- 003: PM defines the product with design and engineering; PMM tells the market.
- 004: concerns PM and PMM share equally (segmentation; TAM, OAM, SAM; value proposition;
  personas; pricing; positioning; GTM planning).

Every letter says which article it comes from (`Letter.seed`) and, in our own words, what
that article says (`Letter.says`). Where the articles give no letter, the letter is ours (`OURS`) and
`says` gives the reason, so a team knows what to discuss. Letters are role code ->
"R", "A", "AR" (A/R), "C" or "I"; phases are the keys of `raci.phases.PHASES`.

`python manage.py seed_templates` copies these into the database; `to_matrix_data` feeds
one to the rule engine so tests (and previews) can lint a template without a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from raci.rules import DISPLAY, ActivityData, MatrixData, PersonData, RoleData

CREATOR = "creator"
CREATOR_NAME = "The matrix creator"


@dataclass(frozen=True)
class Article:
    """A source article, as people are told about it: its title, a short name for the
    prose, and its author where the article gives one."""

    title: str
    short: str
    author: str = ""

    @property
    def cited(self) -> str:
        return f"“{self.title}”" + (f" by {self.author}" if self.author else "")


ARTICLES = {
    "000": Article(
        "Product Marketing vs. Product Management: The GTM Framework", "The GTM Framework", "James Doman-Pipe"
    ),
    "001": Article("Product Management vs. Product Marketing: Key Differences", "Key Differences"),
    "002": Article("Product Marketing vs Product Management – A Comprehensive Guide", "A Comprehensive Guide"),
    "003": Article(
        "Product Manager vs Product Marketing Manager: Understanding the Distinct Goals of PM and PMM",
        "Distinct Goals of PM and PMM",
    ),
    "004": Article(
        "Product Manager vs Product Marketing Manager (the driver-navigator thread)", "Driver and Navigator"
    ),
}
SEEDS = {key: article.title for key, article in ARTICLES.items()}
OURS = "ours"

# Stable keys of the activities that launch readiness items belong to (launches.tiering).
LAUNCH_READINESS = "launch-readiness"
ENABLEMENT = "sales-cs-enablement"
PRICING = "pricing-packaging"
LAUNCH_PLAN = "launch-plan"
LAUNCH_CONTENT = "launch-content"
ANALYTICS = "analytics-experiments"
# Where the primary day-30 metric is agreed and read out (the startup's monthly review).
READOUT = "day-30-readout"


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    description: str
    held_by_creator: bool = False


@dataclass(frozen=True)
class Letter:
    value: str
    seed: str  # a key of SEEDS, or OURS
    says: str  # what the seed says, in our words; for OURS, why we chose the letter

    @property
    def source(self) -> str:
        if self.seed == OURS:
            return f"Our default: {self.says}"
        return f"{ARTICLES[self.seed].cited}: {self.says}"


@dataclass(frozen=True)
class ActivitySpec:
    name: str
    phase: str
    description: str
    cells: dict[str, Letter]
    key: str = ""

    @property
    def letters(self) -> dict[str, str]:
        return {code: letter.value for code, letter in self.cells.items()}

    @property
    def seeds(self) -> tuple[str, ...]:
        return tuple(sorted({letter.seed for letter in self.cells.values() if letter.seed != OURS}))

    @property
    def our_default(self) -> str:
        """Why some letters are ours, or "" when the articles give every letter."""
        return " ".join(
            f"{code} {DISPLAY[letter.value]}: {letter.says}"
            for code, letter in self.cells.items()
            if letter.seed == OURS
        )

    @property
    def sources(self) -> dict[str, str]:
        """Role code -> where its letter comes from, for the admin and the matrix."""
        return {code: letter.source for code, letter in self.cells.items()}

    @property
    def source(self) -> str:
        """The row's sources as one text: shown on hover in a matrix made from it."""
        cited = [ARTICLES[key].cited for key in self.seeds]
        head = (
            f"From {' and '.join([', '.join(cited[:-1]), cited[-1]] if len(cited) > 1 else cited)}."
            if cited
            else "Our default."
        )
        lines = [head] + [f"{code} {DISPLAY[letter.value]} ({letter.source})" for code, letter in self.cells.items()]
        return "\n".join(lines)


@dataclass(frozen=True)
class AckSpec:
    """A finding the template means (`raci.acknowledgments`): a matrix made from it starts
    with the finding accepted, for `reason`. `role` is a role code, `activity` an
    activity's name, `person` CREATOR (the one who makes the matrix)."""

    rule: str
    reason: str
    role: str | None = None
    activity: str | None = None
    person: str | None = None

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "role": self.role,
            "activity": self.activity,
            "person": self.person,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TemplateSpec:
    slug: str
    name: str
    stage: str
    description: str
    roles: tuple[RoleSpec, ...]
    activities: tuple[ActivitySpec, ...]
    acknowledgments: tuple[AckSpec, ...] = ()


def to_matrix_data(spec: TemplateSpec) -> MatrixData:
    """The template as the rule engine's input: role keys are codes, activity keys are
    positions; roles held by the creator get one person, so `shared-hats` can show."""
    activities = [ActivityData(key=i, name=a.name, phase=a.phase) for i, a in enumerate(spec.activities)]
    roles = [RoleData(key=r.code, code=r.code, name=r.name) for r in spec.roles]
    cells = {(i, code): value for i, a in enumerate(spec.activities) for code, value in a.letters.items() if value}
    holders = {r.code: [CREATOR] for r in spec.roles if r.held_by_creator}
    people = {CREATOR: PersonData(key=CREATOR, name=CREATOR_NAME)} if holders else {}
    return MatrixData(activities=activities, roles=roles, cells=cells, holders=holders, people=people)


def _l(value: str, seed: str, says: str) -> Letter:
    return Letter(value, seed, says)


# --- roles -----------------------------------------------------------------------------

_PM = RoleSpec(
    "PM",
    "Product Manager",
    "Owns the problem and the product choices: customer jobs, prioritization, specs and "
    "outcomes in product. Decides what to build next (“The GTM Framework”, “Key Differences”).",
)
_PMM = RoleSpec(
    "PMM",
    "Product Marketing Manager",
    "Owns positioning and the path to market: segments, narrative, pricing inputs, launch, "
    "sales/CS enablement. Decides how we take it to market (“The GTM Framework”, “Key Differences”).",
)
_ENG = RoleSpec(
    "ENG",
    "Engineering Lead",
    "Owns feasibility and delivery; turns discovery into specs and MVP scope with the PM (“A Comprehensive Guide”).",
)
_UX = RoleSpec(
    "UX",
    "Design & UX Research",
    "Supports the PM in discovery with qualitative insight and sets UX standards (“A Comprehensive Guide”, “Distinct Goals of PM and PMM”).",
)
_UXR = RoleSpec(
    "UXR",
    "UX Research",
    "Supports the PM in discovery: problem space, validated needs, qualitative insight (“A Comprehensive Guide”).",
)
_DES = RoleSpec("DES", "Design", "Sets UX standards and guards usability (“A Comprehensive Guide”).")
_SALES = RoleSpec(
    "SALES",
    "Sales",
    "Brings deal feedback to win/loss and is trained before launch; the source articles give it input, "
    "not ownership (“The GTM Framework”, “A Comprehensive Guide”).",
)
_CS = RoleSpec(
    "CS",
    "Customer Success & Support",
    "Writes help docs and macros for launches and brings tickets and churn signals back (“Key Differences”, “A Comprehensive Guide”).",
)
_SUP = RoleSpec(
    "SUP",
    "Support",
    "Writes help docs and macros for launches; brings ticket themes back (“Key Differences”, “A Comprehensive Guide”).",
)
_CSM = RoleSpec(
    "CS",
    "Customer Success",
    "Carries the story from onboarding to renewal; brings adoption and churn signals back (“A Comprehensive Guide”).",
)
_REVOPS = RoleSpec(
    "REVOPS",
    "RevOps/Finance",
    "Partners with PMM on pricing and reports pipeline and revenue (“Key Differences”).",
)


def _consulted_on_purpose(code: str, what: str, seed: str) -> AckSpec:
    return AckSpec(
        "idle-role",
        f"{code} is consulted and informed on purpose: {what}. It owns and does no activity here (“{SEEDS[seed]}”).",
        role=code,
    )


_SALES_ON_PURPOSE = _consulted_on_purpose(
    "SALES", "it brings deal feedback to win/loss and positioning, and is trained before launch", "002"
)


# --- rows the three templates share, worded once ---------------------------------------


def _icps(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "ICPs & Personas",
        "insight",
        "Ideal customer profiles, segments and personas. “Driver and Navigator” counts personas among the "
        "concerns PM and PMM share; the cheat sheet in “Key Differences” gives the decision to PMM.",
        {
            "PMM": _l("AR", "001", "PMM leads the research, the segmentation and the personas."),
            "PM": _l("C", "001", "PM shares discovery insight and checks the problem context."),
            **(extra or {}),
        },
    )


def _problem(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Problem Framing & Success Metrics",
        "strategy",
        "The problem statement, the jobs to be done and the outcome metrics a bet is judged by.",
        {
            "PM": _l("AR", "001", "PM writes the problem statement and chooses the outcome metrics."),
            "PMM": _l("C", "001", "PMM adds market context and what buyers say."),
            **(extra or {}),
        },
    )


def _roadmap(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Roadmap & Prioritization",
        "strategy",
        "Which bets to make and in what order, trading off UX, technology and revenue.",
        {
            "PM": _l(
                "AR", "001", "PM picks the bets and sequences the work; “The GTM Framework”: PM owns the roadmap."
            ),
            "PMM": _l("C", "001", "PMM brings market signals, competitive pressure and ICP detail."),
            **(extra or {}),
        },
    )


def _positioning(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Positioning & Messaging",
        "strategy",
        "The narrative, value pillars and answers to objections. “Driver and Navigator” lists positioning "
        "as shared; “Key Differences” gives the decision to PMM.",
        {
            "PMM": _l("AR", "001", "PMM owns the narrative, the value pillars and objection handling."),
            "PM": _l("C", "001", "PM checks that claims match what the product really does."),
            **(extra or {}),
        },
    )


def _pricing(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Pricing & Packaging",
        "strategy",
        "Value metrics, bundles, willingness to pay and market benchmarks. The input (costs, "
        "feasibility) comes from PM, the outcome from PMM.",
        {
            "PMM": _l(
                "AR",
                "001",
                "PMM owns pricing and packaging inputs; “The GTM Framework”: PMM is accountable for willingness to pay.",
            ),
            "PM": _l("C", "000", "PM is consulted on costs (COGS) and feasibility; “Key Differences” adds usage data."),
            **(extra or {}),
        },
        key=PRICING,
    )


def _naming() -> ActivitySpec:
    return ActivitySpec(
        "Naming",
        "build",
        "What the feature or product is called.",
        {
            "PMM": _l("AR", "000", "PMM is accountable for a name that sells."),
            "PM": _l("C", "000", "PM is consulted so the name stays accurate."),
        },
    )


def _analytics(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Product Analytics & Experiments",
        "build",
        "Hypotheses, A/B tests, instrumentation and readouts.",
        {
            "PM": _l("AR", "001", "PM owns hypotheses, instrumentation and the readouts."),
            "PMM": _l("C", "001", "PMM turns results into narrative and proof points."),
            **(extra or {}),
        },
        key=ANALYTICS,
    )


def _launch_plan(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Launch Tiering & Go-to-Market Plan",
        "launch",
        "The quarterly tiering (Tier 1, 2, 3), the GTM motion, channels and the launch calendar.",
        {
            "PMM": _l("AR", "001", "PMM owns channels, content, tiering and the calendar."),
            "PM": _l("C", "001", "PM speaks for readiness and risk."),
            **(extra or {}),
        },
        key=LAUNCH_PLAN,
    )


def _readiness(extra: dict[str, Letter] | None = None, pm: str = "AR") -> ActivitySpec:
    return ActivitySpec(
        "Launch Readiness",
        "launch",
        "Support docs, support macros and analytics in place before launch. “The GTM Framework”: launch "
        "ready means support docs, pricing and sales training.",
        {
            "PM": _l(pm, "001", "PM confirms readiness (docs, support macros, analytics) and watches guardrails."),
            "PMM": _l("C", "001", "PMM narrows the ICP and channels while PM enforces readiness."),
            **(extra or {}),
        },
        key=LAUNCH_READINESS,
    )


def _enablement(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Sales/CS Enablement",
        "launch",
        "The pitch, demo storyline, battlecards and the sales training before launch.",
        {
            "PMM": _l("AR", "001", "PMM owns the pitch, the demo storyline and battlecards."),
            "PM": _l("C", "001", "PM keeps the demo accurate and supplies product proof."),
            **(extra or {}),
        },
        key=ENABLEMENT,
    )


def _content(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Launch Content, Channels & PR",
        "launch",
        "Launch content, channels, PR and analyst outreach.",
        {
            "PMM": _l("AR", "001", "PMM orchestrates channels, content, PR and analyst outreach."),
            "PM": _l("C", "001", "PMM checks its claims with PM and real usage data."),
            **(extra or {}),
        },
        key=LAUNCH_CONTENT,
    )


def _win_loss(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Win/Loss Synthesis",
        "post_launch",
        "Themes and competitive reasons from won and lost deals, fed back into roadmap and messaging.",
        {
            "PMM": _l("AR", "001", "PMM collects the themes and the competitive reasons."),
            "PM": _l("C", "001", "PM feeds the insights into roadmap choices."),
            **(extra or {}),
        },
    )


_READOUT_A = (
    "“Key Differences” makes the readout shared and names no owner; the choice is a product "
    "bet, and “Key Differences” says PM decides what to build next."
)


def _readout(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Day-30 Readout: Press, Pivot or Pause",
        "post_launch",
        "One primary metric at day 30 with target and actual; what we believed, what happened, "
        "what we change. Then decide: press, pivot or pause.",
        {
            "PM": _l("AR", OURS, _READOUT_A),
            "PMM": _l("R", "001", "Both agree on the one day-30 metric and read out adoption and pipeline."),
            **(extra or {}),
        },
        key=READOUT,
    )


def _interviews(extra: dict[str, Letter]) -> ActivitySpec:
    return ActivitySpec(
        "Customer Interviews",
        "insight",
        "Both interview customers with different questions: how do you use this (PM), why did "
        "you buy this (PMM). “Key Differences” calls Insight shared.",
        {
            "PM": _l("AR", "002", "In discovery the PM takes charge of understanding customer problems."),
            "PMM": _l("R", "000", "Both must interview; PMM asks why they bought."),
            **extra,
        },
    )


def _segmentation(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Market Segmentation & TAM, OAM, SAM",
        "insight",
        "Segmenting the market and sizing it: total, obtainable and serviceable addressable "
        "market. “Driver and Navigator”: both roles are equally concerned.",
        {
            "PMM": _l("AR", "001", "PMM leads research and segmentation."),
            "PM": _l("R", "004", "PM and PMM are equally concerned with segments and market size."),
            **(extra or {}),
        },
    )


def _value_prop(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Value Proposition",
        "insight",
        "The initial value hypotheses, validated in discovery, then told to the market.",
        {
            "PM": _l("AR", "002", "In discovery the PM validates the initial value proposition."),
            "PMM": _l(
                "R",
                "004",
                "Both are equally concerned; “Distinct Goals of PM and PMM”: PMM conveys the value to customers.",
            ),
            **(extra or {}),
        },
    )


def _competitive(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Competitive Snapshots",
        "insight",
        "Who else the buyer considers and why they choose us or not.",
        {
            "PMM": _l("AR", "001", "Market intelligence, competitive snapshots included, is PMM's."),
            "PM": _l("I", "001", "PM hears competitive pressure through PMM when prioritizing."),
            **(extra or {}),
        },
    )


def _specs(extra: dict[str, Letter]) -> ActivitySpec:
    return ActivitySpec(
        "Specs & Thin Slices",
        "build",
        "Specs, MVP scope, thin slices and acceptance criteria.",
        {
            "PM": _l("AR", "001", "Specs, thin slices and acceptance criteria are the PM's."),
            "ENG": _l(
                "R", "002", "In development the PM and the engineering lead turn insight into specs and MVP scope."
            ),
            **extra,
        },
    )


def _pipeline(extra: dict[str, Letter] | None = None) -> ActivitySpec:
    return ActivitySpec(
        "Pipeline & Revenue Readout",
        "post_launch",
        "Pipeline influenced, win rate by segment and revenue impact of the launch.",
        {
            "PMM": _l(
                "A", "001", "PMM tracks pipeline influenced and win rate; “The GTM Framework”: PMM owns revenue."
            ),
            "REVOPS": _l(
                "R",
                OURS,
                "The source articles name RevOps/Finance only as PMM's pricing partner; we give them the numbers to report.",
            ),
            "PM": _l("I", "001", "The post-launch readouts feed back into the roadmap."),
            **(extra or {}),
        },
    )


# --- scale-up: the default PM/PMM split ------------------------------------------------

_D002 = "002"
SCALEUP = TemplateSpec(
    slug="pm-pmm-scaleup",
    name="PM/PMM: scale-up",
    stage="scaleup",
    description=(
        "The default split (the cheat sheet in “Key Differences”, the table in “The GTM Framework”, the phase owners in “A Comprehensive Guide”): "
        "PM decides the product bets, PMM the market bets; engineering, UX, sales, CS and "
        "RevOps give input."
    ),
    roles=(_PM, _PMM, _ENG, _UX, _SALES, _CS, _REVOPS),
    acknowledgments=(_SALES_ON_PURPOSE,),
    activities=(
        _interviews(
            {
                "UX": _l("R", _D002, "A UX researcher supports the PM in discovery."),
                "SALES": _l("C", _D002, "Sales is one of discovery's collaborators."),
            }
        ),
        _icps({"SALES": _l("C", _D002, "The GTM lead takes in what customers and sales say.")}),
        _segmentation(),
        _competitive({"SALES": _l("C", "000", "PMM brings sales feedback to the win/loss huddle.")}),
        _value_prop({"UX": _l("C", _D002, "Discovery with the UX researcher validates the first value hypotheses.")}),
        _problem({"UX": _l("R", _D002, "PM and UX researcher define the problem space and success metrics.")}),
        _roadmap({"ENG": _l("C", _D002, "Execution is coordinated with engineering and design.")}),
        _positioning({"SALES": _l("C", _D002, "The GTM lead weighs what sales and support hear.")}),
        _pricing({"REVOPS": _l("C", "001", "PMM partners with RevOps/Finance on pricing strategy.")}),
        _specs({"UX": _l("C", _D002, "Design is a collaborator in development.")}),
        _analytics({"ENG": _l("C", _D002, "Data and engineering collaborate in development.")}),
        _naming(),
        _launch_plan(
            {
                "SALES": _l("C", _D002, "Sales is a go-to-market collaborator."),
                "CS": _l("C", _D002, "Support and customer success are go-to-market collaborators."),
            }
        ),
        _readiness(
            {
                "CS": _l(
                    "R",
                    OURS,
                    "“Key Differences” has PM confirm docs and macros, not write them; "
                    "“A Comprehensive Guide” names support as a collaborator, so support writes them.",
                )
            },
            pm="A",
        ),
        _enablement(
            {
                "SALES": _l(
                    "I", OURS, "Sales is who the training is for; the source articles give sales no part in making it."
                ),
                "CS": _l("C", _D002, "Customer success is a go-to-market collaborator."),
            }
        ),
        _content(),
        _win_loss({"SALES": _l("C", "000", "PMM brings sales feedback to the win/loss huddle.")}),
        _readout({"REVOPS": _l("C", "001", "The readout covers pipeline influence.")}),
        _pipeline(),
    ),
)


# --- startup: one person wears both hats -----------------------------------------------

STARTUP = TemplateSpec(
    slug="pm-pmm-startup",
    name="PM/PMM: early-stage startup",
    stage="startup",
    description=(
        "Hats are shared (“Key Differences”, “Distinct Goals of PM and PMM”): one person, often the founder, covers PM and PMM. "
        "Bias toward speed, thin slices and narrative tests; write assumptions down and "
        "revisit them monthly."
    ),
    acknowledgments=(
        AckSpec(
            "shared-hats",
            "One person wears both hats on purpose at this stage: the founder or first PM covers PM and PMM. "
            f"Split the roles as the team grows (“{SEEDS['001']}”).",
            person=CREATOR,
        ),
    ),
    roles=(
        RoleSpec(
            "PM",
            "Product Manager",
            "Gets the product on the shelf: discovery, thin slices, experiments, roadmap. In a "
            "startup often the same person as the PMM (“Key Differences”, “Driver and Navigator”).",
            held_by_creator=True,
        ),
        RoleSpec(
            "PMM",
            "Product Marketing Manager",
            "Gets the product off the shelf: who it is for, the story, pricing and launch. In a "
            "startup often the same person as the PM (“Key Differences”, “Driver and Navigator”).",
            held_by_creator=True,
        ),
        RoleSpec(
            "ENG",
            "Engineering",
            "Builds the thin slices with the PM and says what is feasible (“A Comprehensive Guide”, “Distinct Goals of PM and PMM”).",
        ),
    ),
    activities=(
        _interviews({"ENG": _l("I", _D002, "Engineering is one of discovery's collaborators.")}),
        _icps(),
        _problem(),
        _roadmap({"ENG": _l("C", "003", "The PM works with engineers so the plan is buildable.")}),
        _positioning(),
        _pricing(),
        _specs({"PMM": _l("I", "001", "PMM drafts messaging while the PM builds.")}),
        _analytics(),
        _launch_plan(),
        _readiness({"ENG": _l("C", _D002, "Engineering builds the instrumentation PM checks.")}),
        _enablement(),
        ActivitySpec(
            "Monthly Assumptions Review",
            "post_launch",
            "Revisit the written-down assumptions each month: adoption, win/loss, feedback; "
            "then press, pivot or pause.",
            {
                "PM": _l(
                    "AR",
                    OURS,
                    "“Key Differences” asks startups to write assumptions down and revisit them "
                    "monthly without naming who; most are product bets, which PM decides.",
                ),
                "PMM": _l("R", "001", "Win/loss and narrative tests are part of what gets revisited."),
            },
            key=READOUT,
        ),
        _win_loss(),
    ),
)


# --- enterprise: specialists around the PM/PMM seam ------------------------------------

ENTERPRISE = TemplateSpec(
    slug="pm-pmm-enterprise",
    name="PM/PMM: enterprise",
    stage="enterprise",
    description=(
        "Complex buying centers (“Key Differences”): PM coordinates platform roadmaps and cross-team "
        "dependencies, PMM leads multi-persona narratives and enablement; the phase owners in “A Comprehensive Guide”. "
        "Keep a decision log."
    ),
    roles=(_PM, _PMM, _ENG, _UXR, _DES, _SALES, _SUP, _CSM, _REVOPS),
    acknowledgments=(
        _SALES_ON_PURPOSE,
        _consulted_on_purpose(
            "CS", "it carries the story from onboarding to renewal and brings adoption and churn signals back", "002"
        ),
    ),
    activities=(
        _interviews(
            {
                "UXR": _l("R", _D002, "A UX researcher supports the PM in discovery."),
                "DES": _l("C", _D002, "Design is one of discovery's collaborators."),
                "ENG": _l("C", _D002, "Engineering is one of discovery's collaborators."),
                "SALES": _l("C", _D002, "Sales is one of discovery's collaborators."),
            }
        ),
        _segmentation(
            {"REVOPS": _l("C", OURS, "Market sizing needs revenue data; the source articles do not say who brings it.")}
        ),
        _icps(
            {
                "UXR": _l("C", _D002, "Discovery insight from UX research."),
                "SALES": _l("C", _D002, "The GTM lead takes in what customers and sales say."),
                "CS": _l("C", _D002, "The GTM lead takes in what customer success hears."),
            }
        ),
        _competitive({"SALES": _l("C", "000", "PMM brings sales feedback to the win/loss huddle.")}),
        _value_prop({"UXR": _l("C", _D002, "Discovery with the UX researcher validates the first value hypotheses.")}),
        _problem(
            {
                "UXR": _l("R", _D002, "PM and UX researcher define the problem space and success metrics."),
                "ENG": _l("C", _D002, "Engineering is one of discovery's collaborators."),
            }
        ),
        _roadmap(
            {
                "ENG": _l("C", "001", "In an enterprise PM coordinates platform roadmaps and cross-team dependencies."),
                "SALES": _l("I", _D002, "Decisions are shared with product, design, marketing, sales and support."),
                "CS": _l("I", _D002, "Decisions are shared with product, design, marketing, sales and support."),
            }
        ),
        _positioning(
            {"SALES": _l("C", "001", "In an enterprise PMM leads multi-persona narratives for buying centers.")}
        ),
        _pricing(
            {
                "REVOPS": _l("C", "001", "PMM partners with RevOps/Finance on pricing strategy."),
                "SALES": _l("C", _D002, "The GTM lead takes in what sales sees in deals."),
            }
        ),
        _specs(
            {
                "DES": _l("C", _D002, "Design is a collaborator in development."),
                "UXR": _l("C", _D002, "Discovery insight carries into the specs."),
            }
        ),
        ActivitySpec(
            "UX Standards & Usability",
            "build",
            "UX standards and usability of what is built.",
            {
                "DES": _l("AR", _D002, "One owner per topic: design sets the UX standards."),
                "UXR": _l("C", "003", "The product must be usable, which research checks with users."),
                "PM": _l("C", "003", "The PM works closely with designers."),
            },
        ),
        ActivitySpec(
            "Technical Feasibility & Delivery",
            "build",
            "Architecture, feasibility and delivery of the release.",
            {
                "ENG": _l("AR", _D002, "One owner per topic: engineering handles feasibility."),
                "PM": _l("C", "003", "The PM works with engineers so what is built is buildable."),
            },
        ),
        _analytics({"ENG": _l("C", _D002, "Data and engineering collaborate in development.")}),
        _naming(),
        _launch_plan(
            {
                "SALES": _l("I", _D002, "Sales is a go-to-market collaborator."),
                "SUP": _l("I", _D002, "Support is a go-to-market collaborator."),
                "CS": _l("I", _D002, "Customer success is a go-to-market collaborator."),
            }
        ),
        _readiness(
            {
                "SUP": _l(
                    "R",
                    OURS,
                    "“Key Differences” has PM confirm docs and macros, not write them; "
                    "“A Comprehensive Guide” names support as a collaborator, so support writes them.",
                ),
                "ENG": _l("C", _D002, "Engineering builds the instrumentation PM checks."),
            },
            pm="A",
        ),
        _enablement(
            {
                "SALES": _l(
                    "I", OURS, "Sales is who the training is for; the source articles give sales no part in making it."
                ),
                "CS": _l("C", _D002, "Customer success is a go-to-market collaborator."),
                "SUP": _l("C", _D002, "Support is a go-to-market collaborator."),
            }
        ),
        _content({"SALES": _l("I", _D002, "Sales is a go-to-market collaborator.")}),
        ActivitySpec(
            "Adoption & Guardrails",
            "post_launch",
            "Activation, adoption, retention, performance and reliability after launch.",
            {
                "PM": _l("AR", "001", "Post-ship outcomes are the PM's; PM monitors guardrails."),
                "ENG": _l("C", "001", "Performance and reliability guardrails are watched with engineering."),
                "SUP": _l("C", _D002, "Support brings ticket themes back."),
                "CS": _l("C", _D002, "Customer success brings churn and adoption signals back."),
            },
        ),
        _pipeline({"SALES": _l("C", "001", "Win rate by segment comes from deals.")}),
        _win_loss(
            {
                "SALES": _l("C", "000", "PMM brings sales feedback to the win/loss huddle."),
                "CS": _l("C", _D002, "Customer success hears why customers stay or leave."),
            }
        ),
        _readout(
            {
                "REVOPS": _l("C", "001", "The readout covers pipeline influence."),
                "SALES": _l("I", _D002, "Decisions are shared with sales and support."),
                "CS": _l("I", _D002, "Decisions are shared with sales and support."),
            }
        ),
    ),
)


BUILTIN_TEMPLATES: tuple[TemplateSpec, ...] = (SCALEUP, STARTUP, ENTERPRISE)
DEFAULT_TEMPLATE_SLUG = SCALEUP.slug
