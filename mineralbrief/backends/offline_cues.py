"""Deal cues the domain's cue list does not hold, read by the offline backend: instruments
outlets name in other words ("the $320 million it paid for the company's shares" is a stake,
"agreed to sell its project to B" an acquisition, "the contracts A signed with B" a contract).

Each pattern is tried only where one of its start words stands (``anchored.Starts``): a pattern
that starts with ``\\b`` and ignores case would otherwise be tried at every position of the text.
"""

from __future__ import annotations

import re

from ..domain.anchored import Starts
from ..domain.deals import DealCue

_TONNES = r"(?:dry metric tonnes|metric tonnes|metric tons|tonnes|tons|dmt|kt|t)\b"
# "GM has agreed to put in another US$125 million", "backers are adding US$37.5 million now"
PUT_IN = re.compile(
    r"\b(?:put(?:s|ting)? in|inject(?:s|ed|ing)?|adding)\s+(?:(?:another|a further|an additional|about|around|"
    r"some|up to|a combined|a total of)\s+)?(?:US|A|C|CA|AU)?\$\s?\d", re.I)

# (the kind a match names, the lower-case words a match starts with, the pattern)
_MORE_CUES: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    # "the contracts Corfo signed with Minera Tarar": a contract of no named kind between two sides
    ("other", ("contract", "contrato"), re.compile(
        r"\b(?:contracts?|contratos?)\b[^;\n]{0,60}?\b(?:signed|suscritos?|firmados?) (?:with|between|entre)\b",
        re.I)),
    # "has rights to all first-phase volumes", "tiene derecho a comprar hasta la totalidad": an offtake
    ("offtake", ("right",), re.compile(
        r"\brights? to (?:all|100%|the entire)\b[^.;\n]{0,30}?\b(?:volumes?|output|production|supply)\b", re.I)),
    ("offtake", ("derecho",), re.compile(r"\bderechos? (?:a|de) (?:comprar|adquirir)\b", re.I)),
    ("offtake", ("droit",), re.compile(r"\bdroits? d'(?:achat|acheter)\b", re.I)),
    # "under which Borealis will buy 50,000 tonnes a year": a purchase of a volume is an offtake
    ("offtake", ("buy", "purchase", "take"), re.compile(
        r"(?:(?<=\bwill )|(?<=\bto )|(?<=\bwould )|(?<=\bshall ))(?:buy|purchase|take) (?:up to |about |around |some )?"
        r"\d[\d,.]*\s?" + _TONNES, re.I)),
    # "agreed to sell its Wattle project to Larkspur": the buyer's acquisition, told by the seller
    ("acquisition", ("sell", "sold"), re.compile(
        r"\b(?:sell|sold|sells|selling) (?:its |the |their |a |an )?"
        r"(?:[\w%.-]+ ){0,4}?(?:project|mine|assets?|business|deposit|operations?|stake|interest|subsidiary|unit|"
        r"division) (?:[\w-]+ ){0,3}?to\b", re.I)),
    # "struck a deal to buy rival A", "agreed to merge": a company bought
    ("acquisition", ("to buy", "buy", "bought"), re.compile(
        r"\b(?:to buy|buys|bought|buying)\s+(?:(?:its|their) )?(?:smaller |larger )?(?:rival|peer|competitor)\b",
        re.I)),
    ("acquisition", ("merge",), re.compile(r"(?:(?<=\bwill )|(?<=\bto ))merge\b", re.I)),
    # "will sell up to 20,000 tonnes a year to B"
    ("offtake", ("sell",), re.compile(
        r"(?:(?<=\bwill )|(?<=\bto )|(?<=\bwould ))sell (?:up to |about |around )?\d[\d,.]*\s?" + _TONNES +
        r"[^.;\n]{0,60}?\bto\b", re.I)),
    # "a definitive agreement with B to supply lithium hydroxide", "an agreement ... for the supply of"
    ("supply_agreement", ("agreement", "contract", "deal"), re.compile(
        r"\b(?:agreement|contract|deal)s?\b(?: with [^;\n]{1,60}?)? (?:for the supply of|to supply)\b", re.I)),
    ("investment", ("put", "inject", "adding"), PUT_IN),
    # a trader's advance against future deliveries
    ("funding", ("prepay", "pre-pay"), re.compile(
        r"\bpre-?payment(?: (?:facility|agreement|deal|financing|loan)|s?\b)", re.I)),
    # public money by other words: "selected B for a $50 million award", "has been granted A$15 million",
    # "the department will provide B with $35 million"
    ("funding", ("award",), re.compile(r"\bawards?\b(?!-)", re.I)),
    ("funding", ("granted",), re.compile(r"\bgranted (?:up to |about |some )?(?:US|A|C|CA|AU)?\$\s?\d", re.I)),
    ("funding", ("provid",), re.compile(
        r"\bprovid(?:e|es|ed|ing) (?:[\w.&'’-]+ ){1,6}?with (?:up to |about |some )?(?:US|A|C|CA|AU)?\$\s?\d", re.I)),
    # "the $320 million it paid for LAC shares"
    ("investment", ("paid",), re.compile(r"\bpaid\b[^.;\n]{0,40}?\bfor\b[^.;\n]{0,30}?\bshares\b", re.I)),
]


def more_cues(text: str) -> list[DealCue]:
    """The deal cues of ``_MORE_CUES`` in ``text``, kind by kind (the caller sorts them)."""
    starts = Starts(text)
    lowered = text.lower()  # most patterns' words are not in a given text: they are not tried at all
    return [DealCue(kind, m.group(0), m.start(), m.end())
            for kind, words, rx in _MORE_CUES if any(w in lowered for w in words)
            for m in starts.finditer(rx, words)]
