"""The phases that group a matrix's activities, in lifecycle order (seed 001)."""

PHASES = (
    ("insight", "Insight/Discovery"),
    ("strategy", "Strategy"),
    ("build", "Build & Validate"),
    ("launch", "Launch"),
    ("post_launch", "Post-Launch"),
)
UNPHASED = ""
PHASE_LABELS = dict(PHASES) | {UNPHASED: "Unphased"}
PHASE_ORDER = {key: index for index, (key, _) in enumerate(PHASES)} | {UNPHASED: len(PHASES)}

# Words teams write in their spreadsheets' Phase column, folded to lower case.
_ALIASES = {
    "insight": "insight", "discovery": "insight", "insight/discovery": "insight",
    "insight & discovery": "insight", "research": "insight",
    "strategy": "strategy", "planning": "strategy",
    "build": "build", "build & validate": "build", "build and validate": "build",
    "build/validate": "build", "development": "build", "validate": "build",
    "launch": "launch", "go-to-market": "launch", "gtm": "launch", "go to market": "launch",
    "post-launch": "post_launch", "post launch": "post_launch", "postlaunch": "post_launch",
    "post_launch": "post_launch", "after launch": "post_launch",
    "": UNPHASED, "unphased": UNPHASED,
}


def parse_phase(text: str) -> str | None:
    """The phase key for what a person wrote, or None when it names no phase."""
    return _ALIASES.get(" ".join(text.split()).lower())
