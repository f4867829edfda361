"""What a chat message asks, read from its words: help, or who owns an activity, maybe of a
named matrix ("… in Launch matrix") or a named launch ("… for Atlas").

Pure Python. Whether "in …" names a matrix and "for …" a launch is decided by the caller,
who knows the workspace's matrices and launches: a tail that names neither stays part of
the activity's name ("who owns pricing for enterprise").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_MAX = 300

_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACES = re.compile(r"\s+")
_ASK = re.compile(
    r"^(?:please\s+)?(?:"
    r"who(?:'s|’s|\s+is|\s+are)?\s+(?:the\s+)?"
    r"(?:owns?|owning|owners?\s+of|accountable\s+for|responsible\s+for|in\s+charge\s+of|does|handles?|runs?|on)"
    r"|owners?\s+of|owns"
    r")\s+",
    re.IGNORECASE,
)
_THE = re.compile(r"^(?:the|our)\s+", re.IGNORECASE)
_TAIL = re.compile(r"\s+(in|for)\s+", re.IGNORECASE)
HELP_WORDS = {"", "help", "?", "-h", "--help", "hi", "hello"}


@dataclass(frozen=True, slots=True)
class Question:
    kind: str  # "help" or "who"
    activity: str  # what the question names, without the tails
    matrix: str = ""  # the words after the last " in ", when there is one
    launch: str = ""  # the words after the last " for ", when there is one
    # The activity's words with the tails kept, for when a tail names no matrix or launch.
    whole: str = ""


def clean(text: str) -> str:
    """The words of a message: Teams' mention of the bot, markup and entities removed."""
    text = _MENTION.sub(" ", (text or "")[: TEXT_MAX * 4])
    text = html.unescape(_TAG.sub(" ", text)).replace("\x00", " ")
    return _SPACES.sub(" ", text).strip()[:TEXT_MAX]


def _bare(words: str) -> str:
    return _THE.sub("", words.strip().rstrip("?!. ").strip())


def question_of(text: str) -> Question:
    words = clean(text)
    if words.lower().startswith("/lockstep"):
        words = words[len("/lockstep") :].strip()
    if words.casefold().rstrip("!.") in HELP_WORDS:
        return Question("help", "")
    words = _bare(_ASK.sub("", words.rstrip("?!. ")))
    whole, matrix, launch = words, "", ""
    # At most one " in …" and one " for …", in either order, taken from the end.
    for _ in range(2):
        tails = list(_TAIL.finditer(words))
        if not tails:
            break
        last = tails[-1]
        word, rest = last.group(1).casefold(), words[last.end() :].strip()
        if not rest or (word == "in" and matrix) or (word == "for" and launch):
            break
        if word == "in":
            matrix = rest
        else:
            launch = rest
        words = words[: last.start()].strip()
    return Question("who", _bare(words), matrix=_bare(matrix), launch=_bare(launch), whole=whole)


def launch_words(tail: str) -> str:
    """A launch's name as asked: "the Q1 launch" -> "Q1"."""
    return re.sub(r"\s+launch$", "", _bare(tail), flags=re.IGNORECASE).strip() or _bare(tail)


def matrix_words(tail: str) -> str:
    """A matrix's name as asked: "the launch matrix" -> "launch matrix" (names often end so)."""
    return _bare(tail)
