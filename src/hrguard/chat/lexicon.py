"""Load the versioned borrowing lexicon and normalise chat text for matching."""

import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

# Sections of lexicon.toml that hold term lists, in the order the detector reads them.
TERM_SECTIONS = (
    "triggers",
    "masks",
    "requests",
    "lender",
    "reporting",
    "refusals",
    "objects",
    "money",
    "jokes",
    "urgent",
)


@dataclass(frozen=True)
class Lexicon:
    """Term lists of one lexicon version, already in normalised form."""

    version: str
    date: str
    notice: str
    terms: dict[str, tuple[str, ...]]
    descriptions: dict[str, str]
    traditional: dict[str, str]
    _table: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", str.maketrans(self.traditional))

    def normalise(self, text: str) -> str:
        """Fold width, case and the listed traditional characters so terms match."""
        folded = unicodedata.normalize("NFKC", text).lower()
        return folded.translate(self._table)

    def spellings(self, term: str) -> set[str]:
        """Return the raw spellings of a term: as listed, traditional and upper-case."""
        simplified_to_traditional: dict[str, str] = {}
        for traditional, simplified in self.traditional.items():
            simplified_to_traditional.setdefault(simplified, traditional)
        traditional_form = "".join(simplified_to_traditional.get(char, char) for char in term)
        forms = {term, traditional_form}
        for form in list(forms):
            forms.update({form.upper(), form.capitalize(), form.title()})
        return forms


def lexicon_parse(raw: str) -> Lexicon:
    """Build a Lexicon from the text of a lexicon TOML file."""
    data = tomllib.loads(raw)
    traditional = {str(key): str(value) for key, value in data["traditional"].items()}
    probe = Lexicon(data["version"], data["date"], data["notice"], {}, {}, traditional)

    terms = {}
    descriptions = {}
    for section in TERM_SECTIONS:
        terms[section] = tuple(dict.fromkeys(probe.normalise(t) for t in data[section]["terms"]))
        descriptions[section] = data[section]["description"]

    return Lexicon(
        version=str(data["version"]),
        date=str(data["date"]),
        notice=str(data["notice"]),
        terms=terms,
        descriptions=descriptions,
        traditional=traditional,
    )


@cache
def lexicon_load() -> Lexicon:
    """Load the lexicon shipped with the package."""
    raw = resources.files("hrguard.chat").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return lexicon_parse(raw)
