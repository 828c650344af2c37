"""The words the offline deal finder reads sentences by, and the small pure helpers that read them:
what splits a list of parties ("A, B and C") and marks one deal per party ("each"), where a release
stops reporting (boilerplate, its "About" notes and contacts), what types an instrument (a stake,
control, a joint venture named before), what points back at a deal already named, and what binds a
deal. ``public_funding``, ``deal_binds``, ``instrument``, ``resolve`` and ``reporting_end`` read
them; the deal finder is in ``offline_deals``, the sides of a deal in ``offline_parties``.
"""

from __future__ import annotations

import re

from ..domain.deals import DealCue, binding_in
from .offline_cues import PUT_IN
from .offline_merge import SALES, SOFT

# "each buyer will invest", "GM and Panasonic each agreed to buy": one deal per party named
EACH = re.compile(r"\b(?:each|both|chacun|chacune|cada uno)\b", re.I)
# what stands between the names of a list: "A, B and C", "A as well as B", "A and Volkswagen's
# battery arm C" (an owner named to describe the next name)
LIST_GLUE = re.compile(
    r"(?:,?\s*(?:Inc|Ltd|Co|Corp|LLC|plc)\.?)?\s*(?:,|,?\s+(?:and|et|y|as well as))\s+(?:with\s+)?"
    r"(?:[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}['’]s (?:[a-z][\w-]* ){0,3})?$")
# a cue in the plural: "offtakes", "supply agreements", "contrats d'approvisionnement" (French and
# Spanish put the plural on the first word)
PLURAL = re.compile(r"s$|^(?:contrat|accord|entente|contrato|acuerdo)s\b", re.I)
BOILERPLATE = re.compile(
    r"forward[- ]looking|please visit|www\.|https?://|copyright|all rights reserved|disclaimer|"
    r"subscribe|image source|for more information|contact:|^contact\b|view original content|"
    r"this announcement has been|authori[sz]ed (?:for release|by the board)|cookies?\b|"
    r"newsletter|read more|add a public comment|no comments|such statements|"
    r"could cause actual results")  # lower-case: searched in the lower-cased sentence (six times faster than re.I)
# Where a release stops reporting: its "About ..." notes, disclaimers and contacts.
# (Blanks within the line only: "\s*" on both sides ran over runs of blank lines from each of them,
# cubic in a run of newlines.)
_TAIL_SECTION = re.compile(
    r"^[#* \t]*(?:About (?:the )?[A-Z][^\n]{0,60}|Forward[- ]Looking[^\n]*|Cautionary[^\n]*|"
    r"(?:(?:Media|Investor|Press)[ \t]*)?(?:C|c)ontacts?:?|Neither [^\n]*|Disclaimer[^\n]*)[ \t\r]*$", re.M)
_EQUITY = re.compile(r"\b(?:stock|shares?|stake|equity|warrants?|shareholder|placement|convertible)\b", re.I)
_STAKE = re.compile(
    r"\b(?:stakes?\b|interest in|(?<!all-)shares?\b|equity|\d+(?:[.,]\d+)?\s?%|per ?cent|participa\w+|"
    r"a (?:quarter|third) of)", re.I)  # "shareholder approval" and "an all-share deal" are no stake
_JV_BEFORE = re.compile(r"\bjoint[- ]venture\b", re.I)
_CONTROL = re.compile(
    r"\b(?:full (?:ownership|control)|sole owner|100\s?%|all (?:of )?the (?:shares|issued)|whole company|"
    r"wholly[- ]owned|bought out|buy(?:s|ing)? out|takeover|merger|control of|contrôle total|"
    r"seul (?:maître|propriétaire)|control total|totalidad)\b", re.I)
# weak cues name a deal only when the sentence also gives its sum
WEAK = re.compile(r"^(?:financing|funding|contribution|incentives|subsid\w*|shareholders?|warrants|equity|invest\w*|"
                   r"partner\w*|inversión|investir|alianzas?|asociaci\w+)$", re.I)
BACKREF = re.compile(
    r"\b(?:the|this|that|its|such)\s+(?:[\w-]+\s+)?"
    r"(MOU|MoU|memorandum|LOI|letter|partnership|collaboration|agreement|alliance|deal|arrangement|"
    r"loan|grant|award|commitment|offtake|contract|transaction)\b", re.I)
NOUN_KIND = {"mou": "mou", "memorandum": "mou", "loi": "loi", "letter": "loi", "loan": "funding", "grant": "funding",
              "award": "funding", "commitment": "funding", "offtake": "offtake", "partnership": "partnership",
              "collaboration": "partnership", "alliance": "partnership"}
# the offtake cues that are verbs ("agreed to buy"), not the article's name for the contract
# ("an agreement for the supply of" names a supply contract: it is no verb)
PURCHASE_VERB = re.compile(r"(?:agree(?!ment)|commit|right|to |will |buy|purchase)", re.I)
# partners investing together in one project: a joint venture by another name
JOINT = re.compile(
    r"\b(?:jointly|all (?:two|three|four) (?:companies|partners|groups)|the (?:two|three|four) (?:companies|partners)|"
    r"(?:second|third|fourth) shareholder)\b|共同投资|三方", re.I)
TERMS_OF = re.compile(
    r"\b(?:under|in|by) (?:the|this|a|its) (?:(?:legally |non-)?binding |definitive |long-term )?"
    r"(?:agreement|term sheet|contract|deal)\b|\bthe (?:legally |non-)?binding (?:agreement|term sheet|contract)\b",
    re.I)
AGGREGATE = re.compile(r"\baggregate\W+(?:\w+\W+){0,2}$", re.I)
IS_A = re.compile(r"\b(?:is|was|are|were|remains?) (?:a|an|the)(?: [\w-]+)? $", re.I)
# an investment named outright needs no sum ("agreed to make an equity investment in the company");
# "a stake in", "shareholder" or "equity" alone may describe holdings, not a deal
NAMED_STAKE = re.compile(r"(?:equity|strategic) investment|(?:buy|buys|bought|buying|acquir\w+|purchased) ", re.I)
# the stake a co-owner held, bought by the other: "the 49.9% minority interest held by B", "bought
# out partner B", "la participation que détenait B"
CO_OWNER = re.compile(
    r"\b(?:minority (?:stake|interest|share)|(?:stake|interest|share) (?:held by|(?:\w+ )?had held)|"
    r"(?:bought|buys?|buying) out (?:its |their )?(?:\w+ )?partner|que détenait|que poseía)", re.I)
SIDES_AFTER = 30  # how far after "signed with" the other side of a contract of no named kind is named
# "buy rival ", "buy its partner ": the words that may stand between a purchase verb and the company bought
BEFORE_A_NAME = re.compile(r"\s+(?:(?:its|their|the|rival|peer|fellow|smaller|larger|former|junior|partner|"
                            r"competitor|miner|producer|developer|explorer)\s+){0,3}")
# a binding agreement still to come
_TO_COME = re.compile(
    r"\b(?:(?:aim|plan|intend|expect|hope|seek|look)\w* to|will|would|could|towards?|with a view to|ahead of)\s+"
    r"(?:(?:sign|negotiate|enter into|execute|finali[sz]e|conclude|reach|agree on|a|an|the|fully|legally|formal|"
    r"definitive)\s+){0,4}binding\b|"
    r"\bto (?:sign|negotiate|enter into|execute|finali[sz]e|conclude|reach)\s+(?:(?:a|an|the|fully|legally|formal|"
    r"definitive)\s+){0,3}binding\b", re.I)
_MOU_REACH = 30  # an offtake word this near a memorandum names what the memorandum is about
CJK = re.compile(r"[\u4e00-\u9fff]")
BOUND_DEAL = re.compile(r"\b(?:non-?)?binding\s+(?:[\w-]+\s+){0,2}?(?:deal|agreement|contract|term sheet|pact)s?\b",
                         re.I)
ADVISER = re.compile(r"\b(?:acted|acting|act|serves?|served) as (?:\w+ )?(?:financial |legal |technical )?"
                      r"(?:advis[eo]rs?|counsel|arrangers?|underwriters?)\b", re.I)


def public_funding(text: str, names: list[str], public_bodies: set[str]) -> bool:
    """An "investment" by a public body with no equity words is funding: "the department invests
    $1 billion" is a grant, not a stake."""
    return not _EQUITY.search(text) and any(n in public_bodies for n in names)


def deal_binds(text: str) -> bool | None:
    """Whether the text says the deal binds (``binding_in``), unless the binding agreement it names
    is still to come ("the parties aim to sign a binding agreement by June"): that says nothing
    of the deal signed."""
    said = binding_in(text)
    if said and _TO_COME.search(text):
        return None
    return said


def instrument(cue: DealCue, window: str, before: str) -> str:
    """The deal type a cue names once its own words are read: buying a minority stake is an
    investment, not an acquisition, unless the buyer takes control; a stake taken right after
    a joint venture is named is the joint venture's terms."""
    if cue.deal_type == "acquisition" and not re.match(r"takeover|merger|buyout|b\w+ (?:out|back)", cue.text, re.I):
        if _STAKE.search(window) and not _CONTROL.search(window):
            return "joint_venture" if _JV_BEFORE.search(before) else "investment"
    if cue.deal_type == "investment" and PUT_IN.match(cue.text) and _JV_BEFORE.search(before):
        return "joint_venture"  # "... in a joint venture. GM puts in $625m": what the partner brings to it
    return cue.deal_type


def resolve(typed: list[tuple[str, DealCue]]) -> list[str]:
    """The instruments a sentence reports, from its cue types: softer words give way to the
    instrument they describe (a letter of interest for debt is the letter; a stake taken through
    a joint venture is the joint venture; "partnership" beside an offtake is the offtake)."""
    kinds = list(dict.fromkeys(t for t, _ in typed))
    if "mou" in kinds:  # "non-binding offtake MOUs": the memorandum is the instrument
        memoranda = [c.start for t, c in typed if t == "mou"]

        def told_apart(kind: str) -> bool:  # "a binding offtake with A and a non-binding MOU with B"
            return all(min(abs(c.start - m) for m in memoranda) > _MOU_REACH for t, c in typed if t == kind)
        kinds = [k for k in kinds if k in ("mou", "joint_venture", "acquisition") or k in SALES and told_apart(k)]
    if "loi" in kinds:
        kinds = [k for k in kinds if k not in ("funding", "investment", "offtake", "supply_agreement")]
    if "joint_venture" in kinds:
        kinds = [k for k in kinds if k not in ("acquisition", "investment", "funding", "partnership")]
    if "acquisition" in kinds:
        kinds = [k for k in kinds if k != "investment"]
    if "offtake" in kinds:
        kinds = [k for k in kinds if k != "supply_agreement"]
    hard = [k for k in kinds if k not in SOFT]
    if hard:
        kinds = hard
    if "framework" in kinds and "partnership" in kinds:
        kinds.remove("partnership")
    return kinds


def reporting_end(text: str) -> int:
    """Where a release's own report ends: its "About" notes, disclaimers and contacts after it
    describe the company, not the news (only past the first third, so a short piece is whole)."""
    for m in _TAIL_SECTION.finditer(text):
        if m.start() > len(text) // 3:
            return m.start()
    return len(text)
