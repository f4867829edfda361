"""The concerns both roles share, as "The driver-navigator post" lists them (docs/sources.md): a built-in starting list for a
workshop on a new matrix. Our own words; the letters are for the room to propose."""

from __future__ import annotations

# (name, phase, description)
SHARED_CONCERNS: list[tuple[str, str, str]] = [
    ("Market segmentation", "insight", "Which groups of customers we serve, and how we tell them apart."),
    (
        "TAM, SAM and OAM",
        "insight",
        "How big the market is: all of it, the part we can serve, the part we can reach now.",
    ),
    ("Value proposition", "strategy", "Why the customer should care: the problem solved and what it is worth to them."),
    ("Personas", "insight", "Who buys and who uses: their jobs, pains and how they decide."),
    (
        "Pricing",
        "strategy",
        "What we charge and how we package it: inputs on cost and feasibility, and the market's willingness to pay.",
    ),
    ("Positioning", "strategy", "Where the product sits against the alternatives, in the words the market uses."),
    ("Go-to-market plan", "launch", "How the product reaches its buyers: channels, timing and launch activities."),
]

# The two roles a workshop on the shared concerns starts with: (code, name).
SHARED_ROLES: list[tuple[str, str]] = [("PM", "Product Manager"), ("PMM", "Product Marketing Manager")]
