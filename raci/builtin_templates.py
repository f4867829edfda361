"""The built-in PM/PMM templates, as plain data (no Django).

Three templates, one per stage of seed 001's "Startup vs Enterprise: how the split
changes": an early-stage startup where one person wears both hats, the default scale-up
split (seed 001's RACI cheat sheet plus seed 000's Interviews, Pricing and Naming), and an
enterprise matrix with the phase owners of seed 002 and the shared concerns of seed 004.

`python manage.py seed_templates` copies these into the database; `to_matrix_data` feeds
one to the rule engine so tests (and previews) can lint a template without a database.
Letters are role code -> "R", "A", "AR" (A/R), "C" or "I"; phases are the keys of
`raci.phases.PHASES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from raci.rules import ActivityData, MatrixData, PersonData, RoleData

CREATOR = "creator"
CREATOR_NAME = "The matrix creator"


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    description: str
    held_by_creator: bool = False


@dataclass(frozen=True)
class ActivitySpec:
    name: str
    phase: str
    description: str
    letters: dict[str, str]


@dataclass(frozen=True)
class TemplateSpec:
    slug: str
    name: str
    stage: str
    description: str
    roles: tuple[RoleSpec, ...]
    activities: tuple[ActivitySpec, ...]


def to_matrix_data(spec: TemplateSpec) -> MatrixData:
    """The template as the rule engine's input: role keys are codes, activity keys are
    positions; roles held by the creator get one person, so `shared-hats` can show."""
    activities = [ActivityData(key=i, name=a.name, phase=a.phase) for i, a in enumerate(spec.activities)]
    roles = [RoleData(key=r.code, code=r.code, name=r.name) for r in spec.roles]
    cells = {(i, code): value for i, a in enumerate(spec.activities) for code, value in a.letters.items() if value}
    holders = {r.code: [CREATOR] for r in spec.roles if r.held_by_creator}
    people = {CREATOR: PersonData(key=CREATOR, name=CREATOR_NAME)} if holders else {}
    return MatrixData(activities=activities, roles=roles, cells=cells, holders=holders, people=people)


# --- scale-up: the default PM/PMM split ------------------------------------------------

_PM = RoleSpec(
    "PM", "Product Manager",
    "Owns the problem and the product choices: customer jobs, prioritization, specifications "
    "and outcomes in product. Decides what to build next.",
)
_PMM = RoleSpec(
    "PMM", "Product Marketing Manager",
    "Owns the positioning and the path to market: segmentation, narrative, pricing/packaging "
    "inputs, launch, and sales/CS enablement. Decides how we take it to market.",
)

SCALEUP = TemplateSpec(
    slug="pm-pmm-scaleup",
    name="PM/PMM: scale-up",
    stage="scaleup",
    description=(
        "The default PM/PMM split: clearer swimlanes and more GTM specialization. PM decides "
        "the product bets, PMM decides the market bets; each activity has one owner of the "
        "work and the decision, the other gives input before the decision."
    ),
    roles=(_PM, _PMM),
    activities=(
        ActivitySpec(
            "Interviews", "insight",
            "Both interview customers with different questions: PM asks “How do you use this?”, "
            "PMM asks “Why did you buy this?”. PM owns the discovery plan.",
            {"PM": "AR", "PMM": "R"},
        ),
        ActivitySpec(
            "ICPs & Personas", "insight",
            "PMM leads research, segmentation, personas; PM shares discovery insights and "
            "validates problem context.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Problem Framing & Success Metrics", "strategy",
            "PM writes the problem statement and picks outcome metrics; PMM adds market "
            "context and buyer insights.",
            {"PM": "AR", "PMM": "C"},
        ),
        ActivitySpec(
            "Roadmap & Prioritization", "strategy",
            "PM chooses bets and sequences work; PMM brings market signals, competitive "
            "pressure and ICP nuance.",
            {"PM": "AR", "PMM": "C"},
        ),
        ActivitySpec(
            "Positioning & Messaging", "strategy",
            "PMM owns the narrative, value pillars and objection handling; PM ensures claims "
            "match product truth and proof.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Pricing & Packaging Inputs", "strategy",
            "PMM partners with RevOps/Finance on strategy: value metrics, bundles, buyer "
            "journeys; PM provides usage data, value metrics and feasibility.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Product Analytics & Experiments", "build",
            "PM owns hypotheses, instrumentation and readouts; PMM turns results into "
            "narrative and proof points.",
            {"PM": "AR", "PMM": "C"},
        ),
        ActivitySpec(
            "Pricing", "build",
            "PMM is accountable for willingness to pay and market benchmarks (the outcome); "
            "PM is consulted on costs/COGS and technical feasibility (the input).",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Naming", "build",
            "PMM is accountable for marketability; PM is consulted on accuracy.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Launch Tiering & Go-to-Market Plan", "launch",
            "PMM owns channels, content, tiering and calendar; PM confirms readiness: docs, "
            "support, analytics, risk.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Sales/CS Enablement", "launch",
            "PMM owns the pitch, demo storyline and battlecards; PM keeps the demo accurate "
            "and supplies product proof.",
            {"PMM": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Win/Loss Synthesis", "post_launch",
            "PMM collects themes and competitive reasons; PM feeds the insights into roadmap "
            "choices.",
            {"PMM": "AR", "PM": "C"},
        ),
    ),
)


# --- startup: one person wears both hats -----------------------------------------------

STARTUP = TemplateSpec(
    slug="pm-pmm-startup",
    name="PM/PMM: early-stage startup",
    stage="startup",
    description=(
        "Hats are shared: one person may cover both PM and PMM, with the founder close to "
        "customers and sales. Bias toward speed, thin slices and narrative testing; write "
        "down assumptions and revisit them monthly."
    ),
    roles=(
        RoleSpec(
            "PM", "Product Manager",
            "Gets the product on the shelf: discovery, thin slices, experiments and the "
            "roadmap. In a startup, often the same person as the PMM.",
            held_by_creator=True,
        ),
        RoleSpec(
            "PMM", "Product Marketing Manager",
            "Gets the product off the shelf: who it is for, the story, pricing and launch. "
            "In a startup, often the same person as the PM.",
            held_by_creator=True,
        ),
        RoleSpec(
            "CEO", "Founder/CEO",
            "Sets the vision, makes the calls that need the founder (pricing, the monthly "
            "bet review) and leads founder-led sales.",
        ),
    ),
    activities=(
        ActivitySpec(
            "Customer Discovery", "insight",
            "Interview customers and analyze usage: “How do you use this?” and “Why did you "
            "buy this?”. Output: top pains, value moments, an early opportunity map.",
            {"PM": "AR", "PMM": "R", "CEO": "C"},
        ),
        ActivitySpec(
            "ICP, Segments & Personas", "insight",
            "ICP hypotheses, target segments and personas, written down as assumptions to "
            "test.",
            {"PMM": "AR", "PM": "C", "CEO": "C"},
        ),
        ActivitySpec(
            "Vision & Product Bets", "strategy",
            "Select 1–3 product bets with success metrics and thin slices; the founder owns "
            "the vision, the PM turns it into a roadmap.",
            {"CEO": "A", "PM": "R", "PMM": "C"},
        ),
        ActivitySpec(
            "Positioning & Narrative Tests", "strategy",
            "Craft the positioning and test the narrative with prospects before heavy "
            "feature work; claims must match product truth.",
            {"PMM": "AR", "PM": "C", "CEO": "C"},
        ),
        ActivitySpec(
            "Pricing & Packaging", "strategy",
            "Validate willingness to pay with small pricing tests; PM supplies costs and "
            "feasibility, the founder makes the call.",
            {"CEO": "A", "PMM": "R", "PM": "C"},
        ),
        ActivitySpec(
            "Thin Slices, Specs & Experiments", "build",
            "Specs, acceptance criteria, instrumentation and experiments; weekly “demo the "
            "delta”.",
            {"PM": "AR", "PMM": "C", "CEO": "I"},
        ),
        ActivitySpec(
            "Launch & Readiness", "launch",
            "Launch ready = support docs + pricing + sales training. PMM picks channels and "
            "content; PM confirms docs and analytics.",
            {"PMM": "AR", "PM": "R", "CEO": "I"},
        ),
        ActivitySpec(
            "Founder-Led Sales Enablement", "launch",
            "Pitch, demo storyline and objection handling for the founder's sales calls; PM "
            "keeps the demo accurate.",
            {"PMM": "AR", "CEO": "R", "PM": "C"},
        ),
        ActivitySpec(
            "Monthly Assumptions Review", "post_launch",
            "Revisit the written assumptions monthly: adoption, win/loss and feedback; "
            "decide press, pivot or pause.",
            {"CEO": "A", "PM": "R", "PMM": "R"},
        ),
    ),
)


# --- enterprise: specialists around the PM/PMM seam ------------------------------------

ENTERPRISE = TemplateSpec(
    slug="pm-pmm-enterprise",
    name="PM/PMM: enterprise",
    stage="enterprise",
    description=(
        "Complex buying centers and many teams: PM coordinates platform roadmaps and "
        "cross-team dependencies, PMM leads multi-persona narratives, competitive strategy "
        "and enablement. Keep a decision log to prevent re-litigation."
    ),
    roles=(
        _PM,
        _PMM,
        RoleSpec("ENG", "Engineering Lead",
                 "Owns technical feasibility and delivery; turns discovery insights into specs "
                 "and MVP scope with the PM."),
        RoleSpec("UXR", "UX Research",
                 "Supports the PM in discovery: defines the problem space, validates needs, "
                 "brings qualitative insights."),
        RoleSpec("DES", "Design",
                 "Sets UX standards and guards usability."),
        RoleSpec("SALES", "Sales",
                 "Brings field and deal feedback; runs the pitch and demo the enablement kit "
                 "prepares."),
        RoleSpec("SUP", "Support",
                 "Owns support docs and macros for launches and brings ticket themes back to "
                 "product."),
        RoleSpec("CS", "Customer Success",
                 "Carries the story from onboarding to renewal; brings adoption and churn "
                 "signals back to product and marketing."),
        RoleSpec("REVOPS", "RevOps/Finance",
                 "Partners with PMM on pricing strategy; reports pipeline and revenue impact."),
    ),
    activities=(
        # Insight / Discovery: PM + UX research own it (seed 002).
        ActivitySpec(
            "Customer Discovery Interviews", "insight",
            "PM and UX research define the problem space and validate needs (“How do you use "
            "this?”); PMM asks “Why did you buy this?”.",
            {"PM": "A", "UXR": "R", "PMM": "R", "DES": "C", "ENG": "I"},
        ),
        ActivitySpec(
            "Market Segmentation & TAM/SAM", "insight",
            "Segment the market and size TAM, SAM and SOM; PM and PMM are equally concerned, "
            "PMM leads.",
            {"PMM": "AR", "PM": "C", "REVOPS": "C", "SALES": "C"},
        ),
        ActivitySpec(
            "ICPs & Personas", "insight",
            "PMM leads research, segmentation and personas across the buying center; PM and "
            "UX research share discovery insights.",
            {"PMM": "AR", "PM": "C", "UXR": "C", "SALES": "C", "CS": "C"},
        ),
        ActivitySpec(
            "Competitive Intelligence", "insight",
            "Competitive snapshots and strategy; Sales brings what they hear in deals.",
            {"PMM": "AR", "SALES": "R", "PM": "C"},
        ),
        ActivitySpec(
            "Value Proposition", "insight",
            "Initial value hypotheses from discovery, validated before heavy feature work; "
            "PMM turns them into propositions buyers understand.",
            {"PM": "A", "PMM": "R", "UXR": "C"},
        ),
        # Strategy.
        ActivitySpec(
            "Problem Framing & Success Metrics", "strategy",
            "PM writes the problem statement and picks outcome metrics; PMM adds market "
            "context and buyer insights.",
            {"PM": "AR", "UXR": "C", "PMM": "C", "ENG": "C"},
        ),
        ActivitySpec(
            "Roadmap & Prioritization", "strategy",
            "PM chooses bets, sequences work and coordinates platform roadmaps and cross-team "
            "dependencies; PMM brings market signals.",
            {"PM": "AR", "ENG": "C", "PMM": "C", "SALES": "I", "CS": "I"},
        ),
        ActivitySpec(
            "Positioning & Messaging", "strategy",
            "PMM owns multi-persona narratives, value pillars and objection handling; PM "
            "ensures claims match product truth and proof.",
            {"PMM": "AR", "PM": "C", "SALES": "C"},
        ),
        ActivitySpec(
            "Pricing & Packaging", "strategy",
            "PMM owns willingness to pay and packaging with RevOps/Finance; PM supplies usage "
            "data, value metrics and costs (COGS).",
            {"PMM": "A", "REVOPS": "R", "PM": "C", "SALES": "C"},
        ),
        ActivitySpec(
            "Go-to-Market Plan", "strategy",
            "The GTM motion (PLG, sales-led), channels and demand generation, with input from "
            "Sales and Customer Success.",
            {"PMM": "AR", "PM": "C", "SALES": "C", "CS": "C"},
        ),
        # Build & Validate: PM + engineering lead own development (seed 002).
        ActivitySpec(
            "Specs, MVP Scope & Acceptance Criteria", "build",
            "PM and the engineering lead translate discovery insights into specs, MVP scope "
            "and acceptance criteria.",
            {"PM": "AR", "ENG": "R", "DES": "C", "UXR": "C"},
        ),
        ActivitySpec(
            "UX Design & Usability", "build",
            "Design sets UX standards and guards usability; UX research tests with users.",
            {"DES": "AR", "UXR": "C", "PM": "C", "ENG": "C"},
        ),
        ActivitySpec(
            "Technical Feasibility & Delivery", "build",
            "Engineering handles feasibility, architecture and delivery; PM owns trade-offs "
            "on scope.",
            {"ENG": "AR", "PM": "C"},
        ),
        ActivitySpec(
            "Product Analytics & Experiments", "build",
            "PM owns hypotheses, instrumentation and readouts; PMM turns results into "
            "narrative and proof points.",
            {"PM": "AR", "ENG": "R", "PMM": "C"},
        ),
        # Launch: the GTM lead (PMM) owns it, with Sales and Support (seed 002).
        ActivitySpec(
            "Launch Tiering & Calendar", "launch",
            "Tier launches quarterly (Tier 1, 2, 3); map launch dates, dependencies, owners "
            "and buffers, and dates to avoid.",
            {"PMM": "AR", "PM": "C", "SALES": "I", "SUP": "I", "CS": "I"},
        ),
        ActivitySpec(
            "Launch Readiness", "launch",
            "PM confirms readiness: docs, support macros, analytics; monitors guardrails. "
            "Launch ready = support docs + pricing + sales training.",
            {"PM": "AR", "SUP": "R", "ENG": "R", "PMM": "C"},
        ),
        ActivitySpec(
            "Sales Enablement", "launch",
            "PMM owns the pitch, demo storyline and battlecards, and trains Sales; PM keeps "
            "the demo accurate and supplies product proof.",
            {"PMM": "AR", "SALES": "C", "PM": "C"},
        ),
        ActivitySpec(
            "Customer Success & Support Enablement", "launch",
            "PMM owns the enablement kit; Customer Success and Support prepare customer "
            "communications, onboarding and macros.",
            {"PMM": "A", "CS": "R", "SUP": "R", "PM": "C"},
        ),
        ActivitySpec(
            "Launch Content, Channels & PR", "launch",
            "PMM orchestrates channels, content, PR and analyst outreach; PM checks claims.",
            {"PMM": "AR", "PM": "C", "SALES": "I"},
        ),
        # Post-launch: shared readouts.
        ActivitySpec(
            "Adoption & Guardrail Monitoring", "post_launch",
            "Activation, feature adoption, retention, performance and reliability guardrails "
            "after launch.",
            {"PM": "AR", "ENG": "R", "SUP": "C", "CS": "C"},
        ),
        ActivitySpec(
            "Pipeline & Revenue Impact", "post_launch",
            "Pipeline influenced, win rate by segment and revenue impact, reported to "
            "leadership.",
            {"REVOPS": "AR", "PMM": "C", "SALES": "C"},
        ),
        ActivitySpec(
            "Win/Loss Synthesis", "post_launch",
            "PMM collects themes and competitive reasons with Sales feedback; PM feeds the "
            "insights into roadmap choices.",
            {"PMM": "AR", "SALES": "R", "PM": "C", "CS": "C"},
        ),
        ActivitySpec(
            "Customer Feedback Loop", "post_launch",
            "Support and Customer Success bring tickets, churn signals and verbatims back; "
            "PM feeds them into the roadmap, PMM into messaging.",
            {"PM": "A", "SUP": "R", "CS": "R", "PMM": "C"},
        ),
        ActivitySpec(
            "Day-30 Readout: Press, Pivot or Pause", "post_launch",
            "One primary day-30 metric with target and actual; what we believed, what "
            "happened, what we'll change. Decide: press, pivot or pause.",
            {"PM": "A", "PMM": "R", "REVOPS": "C", "SALES": "I", "CS": "I"},
        ),
    ),
)


BUILTIN_TEMPLATES: tuple[TemplateSpec, ...] = (SCALEUP, STARTUP, ENTERPRISE)
DEFAULT_TEMPLATE_SLUG = SCALEUP.slug
