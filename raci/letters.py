"""The one reader of a cell's letters, as the CSV contract spells them.

The cell editor, the CSV/XLSX reader and `raci_check --csv` all read a cell through
`letters_parse`: R, A, C or I; A/R as A and R in either order, case-insensitive, with at
most one of `/ , + &` (spaces allowed around it) or spaces alone between the two letters
("A/R", "r/a", "a, r", "AR", "A + R"); blank or `-` for empty. Anything else ("A-R",
"R&&A", "A/R/C", "Consulted") is not a value. Pure Python: no Django.
"""

from __future__ import annotations

import re

_SINGLE = {"R": "R", "A": "A", "C": "C", "I": "I"}
_BOTH = re.compile(r"^(?:A\s*[/,+&]?\s*R|R\s*[/,+&]?\s*A)$")
_EMPTY = ("", "-")

VALID_VALUES_TEXT = "R, A, A/R, C or I (blank or - for none)"


def letters_parse(text: str | None) -> str | None:
    """The stored value ("R", "A", "AR", "C", "I" or "") for a cell as written, None when
    it is not a value of the contract."""
    folded = (text or "").strip().upper()
    if folded in _EMPTY:
        return ""
    if folded in _SINGLE:
        return _SINGLE[folded]
    if _BOTH.match(folded):
        return "AR"
    return None
