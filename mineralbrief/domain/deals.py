"""Sentences and deal cues: what kind of deal a sentence reports, and whether it binds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from .anchored import Starts

# Most specific first: a sentence with "non-binding MOU" and "partnership" is an MOU.
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("mou", re.compile(r"\b(?:MOUs?|MoUs?|memorand(?:um|a) of understanding)\b", re.I)),
    ("loi", re.compile(r"\b(?:LOIs?|letters? of (?:intent|interest))\b", re.I)),
    ("offtake", re.compile(
        r"\boff-?take(?:\s+(?:agreement|deal|contract|term sheet))?s?\b|"
        r"\b(?:agreed|agrees|commit(?:ted|s)?|rights?) to (?:buy|purchase) (?:all\b|100%|the entire\b|up to\b)|"
        r"\b(?:agreed|agrees|agree|commit(?:ted|s)?) to (?:buy|purchase)\b"
        r"(?!\s+(?:[\w'’.$-]+\s+){0,5}?(?:\d+(?:\.\d+)?\s?%|stake|interest|shares|company|business))|"
        r"(?:(?<=\bto )|(?<=\bwill ))(?:buy|purchase) (?!(?:a |an |the )?(?:\d|stake|interest|shares|equity))"
        r"(?:[\w-]+ ){1,4}?from\b|"
        r"\b(?:sales?|purchase|sale and purchase) agreement\b|"
        r"\bexclusive (?:access|rights?) to (?:the |its )?(?:[\w-]+ ){0,3}?"
        r"(?:concentrates?|output|production|supply)\b", re.I)),
    ("supply_agreement", re.compile(
        r"\bsupply (?:agreement|contract|deal)s?\b|\b(?:agreement|contract|deal)s? (?:for|to) (?:the )?supply\b",
        re.I)),
    ("joint_venture", re.compile(r"\bjoint[- ](?:venture|company|entity)\b|\bJV\b")),
    ("acquisition", re.compile(
        r"\b(?:acquisition|acquires?|acquired|acquiring|takeover|merger|buyout)\b|"
        r"\b(?:buy|buys|buying|bought) (?:out|back)\b|"
        r"\b(?:buy|buys|buying|bought)\s+(?:[\w'’.$-]+\s+){0,6}?(?:\d+(?:\.\d+)?\s?%|stake|interest|shares)|"
        r"\b(?:buy|buys|bought|acquired|purchased) (?:the |its |a |an )?(?:[\w-]+ ){0,3}?"
        r"(?:project|mine|assets?|business|deposit|operations?) from\b|"
        r"\bpaid\b[^.;]{0,40}?\bfor (?:about |close to |nearly |roughly |almost )?"
        r"(?:a (?:quarter|third|half)|\d+(?:\.\d+)?\s?%) of\b", re.I)),
    ("funding", re.compile(
        r"\b(?:loans?|grants?|funding award|financing|letter of support|debt facility|(?<!of-)credit facility|"
        r"conditional commitment|awarded|non-dilutive funding|incentives|subsid(?:y|ies)|"
        r"(?:provided|received|granted) funding|funding|lends?|lent|lending|contribution)\b", re.I)),
    ("investment", re.compile(
        r"\b(?:equity (?:investment|stake)|strategic investment|investment of|invests?|invested|"
        r"(?:private )?placement|stake in|equity|(?:convertible )?(?:preferred|common) (?:stock|shares)|"
        r"warrants|shareholders?)\b", re.I)),
    ("framework", re.compile(r"\bframework\b", re.I)),
    ("partnership", re.compile(
        r"\b(?:strategic partnership|partnership agreement|strategic alliance|collaboration agreement|"
        r"cooperation agreement|cooperative agreement|research and development agreement|CRADA|"
        r"partnership|partner(?:s|ed)? with)\b", re.I)),
]
# The same instruments in Spanish, French and Chinese, where outlets write them (run only on a
# text with accented or CJK letters). CJK words have no word boundaries, so they stand alone.
FOREIGN_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("mou", re.compile(r"\b(?:protocoles? d'accord|memorandos? de entendimiento)\b|谅解备忘录", re.I)),
    ("loi", re.compile(r"\b(?:lettres? d'(?:intention|intérêt)|cartas? de (?:intención|interés))\b|意向书", re.I)),
    ("offtake", re.compile(
        r"\b(?:ententes?|accords?|contrats?) d'achat\b|\b(?:acuerdos?|contratos?) de compra\b|承购|包销", re.I)),
    ("supply_agreement", re.compile(
        r"\b(?:contrats?|accords?|ententes?) d'approvisionnement\b|\b(?:contratos?|acuerdos?) de suministro\b|"
        r"供应协议|供货协议", re.I)),
    ("joint_venture", re.compile(
        r"\b(?:co-?entreprises?|entreprises? communes?|empresas? conjuntas?|empresas? mixtas?)\b|合资", re.I)),
    ("acquisition", re.compile(
        r"\b(?:adquisición|adquirir|adquiere|adquirió|rachats?|rach[eè]te|rachetée?|racheté)\b|收购", re.I)),
    ("funding", re.compile(
        r"\b(?:préstamos?|(?<!cartas de )(?<!carta de )créditos?|prêts?|subvenci(?:ón|ones)|subventions?)\b|贷款",
        re.I)),
    ("investment", re.compile(
        r"\b(?:inversión|invertido|invertirá|investissements?|investir|prises? de participation|"
        r"souscri(?:vent|t|re)|placement privé)\b|股权投资|入股", re.I)),
    ("framework", re.compile(r"\b(?:accords?-cadres?|acuerdos? marco)\b|框架协议", re.I)),
    ("partnership", re.compile(r"\b(?:partenariats?|alianzas?|asociaci(?:ón|ones))\b", re.I)),
]
# Text that each foreign cue's every match holds, lower-case: a cue none of them is in (the
# lower-cased text) is not run over the text.
_FOREIGN_NEEDLES: dict[str, tuple[str, ...]] = {
    "mou": ("protocole", "memorando", "谅解备忘录"),
    "loi": ("lettre", "carta", "意向书"),
    "offtake": ("d'achat", "de compra", "承购", "包销"),
    "supply_agreement": ("d'approvisionnement", "de suministro", "供应协议", "供货协议"),
    "joint_venture": ("entreprise", "empresa", "合资"),
    "acquisition": ("adqui", "rach", "收购"),
    "funding": ("préstamo", "crédito", "prêt", "subvenci", "subvention", "贷款"),
    "investment": ("inver", "investi", "prise", "souscri", "placement privé", "股权投资", "入股"),
    "framework": ("-cadre", "acuerdo", "框架协议"),
    "partnership": ("partenariat", "alianza", "asociaci"),
}
_FOREIGN_HINT = re.compile(r"[áéíóúñçèàêâôû]|[\u4e00-\u9fff]", re.I)

# "the letter is not a commitment": a text that says a deal does not bind (a "definitive
# agreement" may still be conditional, so it says nothing either way)
NON_BINDING = re.compile(
    r"\bnon-?binding\b|\bnot (?:legally )?binding\b|\bis not a (?:firm )?commitment\b|"
    r"\bdoes not (?:commit|oblige|bind)\b", re.I)
BINDING = re.compile(r"(?<!non-)(?<!non)\b(?:legally binding|binding)\b", re.I)
STATUS_WORDS: list[tuple[str, re.Pattern[str]]] = [
    # a deal that has ended: its end is its status, whatever else the text says of it (a present
    # tense only where news writes one: "Lynas scraps plan", never "the offtake terminates in 2030")
    ("terminated", re.compile(r"\b(?:terminated|called off|calls off|cancell?ed|cancels|abandoned|scrapped|scraps|"
                              r"walked away from|walks away from|pulled out of|pulls out of|withdrew from|"
                              r"withdraws from|collapsed)\b", re.I)),
    ("rejected", re.compile(r"\b(?:rejected|rejects|turned down|turns down|spurned|blocked|vetoed)\b", re.I)),
    ("completed", re.compile(r"\b(?:completed|closed|finali[sz]ed)\b", re.I)),
    ("signed", re.compile(r"\b(?:signed|signs|inks?|inked|executed|entered into|entering into)\b", re.I)),
    ("proposed", re.compile(r"\b(?:proposed|plans? to|intends? to|in talks|negotiat\w+)\b", re.I)),
    ("announced", re.compile(r"\b(?:announced|announces|unveiled)\b", re.I)),
]

# a full stop, then a capital, a digit, or a letter of a script without case (Arabic, Hebrew...).
# The break is the group "gap"; the stop is matched before it (not looked behind for) so that the
# engine skips from stop to stop instead of trying every position. (No stop can stand inside a
# gap: the matches are the gaps the lookbehind form found.)
_SPLIT = re.compile(r"[.!?؟](?P<gap>[\"”’)]?\s+)(?=[\"“(]?(?:[A-Z0-9]|[^\W\d_a-zà-ÿ]))")
# Chinese and Japanese end a sentence with a full-width stop and no space
_WIDE_END = re.compile(r"[。！？][」』”’）)]*")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Co|Inc|Ltd|Corp|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
                     r"|vs|U\.S|D\.C|U\.K|e\.g|i\.e)\.)$")
_INITIAL = re.compile(r"\b[A-Z]\.$")
# Both end in "$" and match at most 6 characters: they are run on the last few characters
# before a break (the text before a break ends with its full stop), not on the whole run
# since the last break, which grows across every abbreviation skipped.
_TAIL = 12


@dataclass(frozen=True)
class Sentence:
    """One sentence (or bullet, or heading line) with its span."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, init=False)
class DealCue:
    """A phrase that names a kind of deal, with its span."""

    deal_type: str
    text: str
    start: int
    end: int

    def __init__(self, deal_type: str, text: str, start: int, end: int) -> None:
        # written once, straight into the instance (see ``elements.ElementMention``)
        d = self.__dict__
        d["deal_type"], d["text"], d["start"], d["end"] = deal_type, text, start, end


# a hard-wrapped text (a plain-text newsletter at 72 columns): no line past 100 characters and
# many lines close to the width. Its lines are pieces of paragraphs, not headings or bullets.
_WRAP_WIDTH = 100
_WRAPPED_LINE = 55
_NEW_ITEM = re.compile(r"[ \t]*(?:[-*•#>|]|\d+[.)]\s|[A-Z][A-Z &-]{6,}$)")


def _hard_wrapped(text: str) -> bool:
    lengths = [len(x) for x in text.split("\n") if x.strip()]
    return bool(lengths) and max(lengths) <= _WRAP_WIDTH and (
        sum(n >= _WRAPPED_LINE for n in lengths) >= max(4, len(lengths) // 3))


def _lines(text: str) -> list[tuple[int, int]]:
    """The spans of the text's logical lines: its lines, or, in a hard-wrapped text, its lines
    with each wrapped line joined to the one that continues it."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    if len(spans) < 4 or not _hard_wrapped(text):
        return spans
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] + 1 == start and out[-1][1] - out[-1][0] >= _WRAPPED_LINE - 15 \
                and not _NEW_ITEM.match(text, start, end):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their spans; lines (headings, bullets) never run together, except the
    lines of a hard-wrapped paragraph, which are one text."""
    out: list[Sentence] = []
    for line_start, line_end in _lines(text):
        whole, start = text[line_start:line_end], line_start
        cut = 0
        for wide in _WIDE_END.finditer(whole):
            _split_run(out, whole[cut:wide.end()], start + cut)
            cut = wide.end()
        _split_run(out, whole[cut:], start + cut)
    return out


def _split_run(out: list[Sentence], chunk: str, base: int) -> None:
    """Split one run of a line at full stops (abbreviations and initials excepted)."""
    pos = 0
    for m in _SPLIT.finditer(chunk):
        gap = m.start("gap")
        tail = max(pos, gap - _TAIL)
        if _ABBREV.search(chunk, tail, gap) or _INITIAL.search(chunk, tail, gap):
            continue
        _add(out, chunk, base, pos, gap + 1)
        pos = m.end()
    _add(out, chunk, base, pos, len(chunk))


_FORCED = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _add(out: list[Sentence], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    if len(piece) > 1000:  # abbreviations hid every boundary: split at any full stop instead
        pos = 0
        for m in _FORCED.finditer(piece):
            _add_one(out, piece, base + start, pos, m.start())
            pos = m.end()
        _add_one(out, piece, base + start, pos, len(piece))
        return
    _add_one(out, chunk, base, start, end)


def _add_one(out: list[Sentence], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    stripped = piece.strip(" \t\n-•*–")
    if len(stripped) < 3 or stripped.isspace():  # no-break spaces alone: no sentence, no quote
        return
    offset = piece.find(stripped)
    out.append(Sentence(stripped, base + start + offset, base + start + offset + len(stripped)))


# Cheap lower-case triggers: a cue's regex runs only when one of its words is in the text.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "mou": ("mou", "memorand"), "loi": ("loi", "letter"), "offtake": ("off", "buy", "purchase", "exclusive"),
    "supply_agreement": ("supply",), "joint_venture": ("joint", "jv"),
    "acquisition": ("acqui", "takeover", "merger", "buyout", "buy", "bought", "purchased", "paid"),
    "funding": ("loan", "grant", "fund", "financ", "letter of support", "facility", "commitment", "lend", "lent",
                "contribution",
                "award", "incentive", "subsid"),
    "investment": ("invest", "placement", "stake", "equity", "stock", "shares", "warrant", "shareholder"),
    "framework": ("framework",),
    "partnership": ("partner", "alliance", "collaborat", "cooperat", "crada", "development agreement"),
}


# The words each cue's matches start with (lower-case where the cue ignores case): its regex is
# tried only there (``Starts``). Each comes with the whole words it stands for at the start of a
# match (``"acqui"``: acquisition, acquires...; ``"non-dilutive"`` is read as the word ``"non"``),
# lower-case: a start word is searched for only when the article has one of them as a word, and
# a cue none of whose words the article has is not tried at all.
_STARTS_BY_WORD: dict[str, dict[str, tuple[str, ...]]] = {
    "mou": {"mou": ("mou", "mous"), "memorand": ("memorandum", "memoranda")},
    "loi": {"loi": ("loi", "lois"), "letter": ("letter", "letters")},
    "offtake": {"off": ("off", "offtake", "offtakes"), "agree": ("agree", "agreed", "agrees"),
                "commit": ("commit", "committed", "commits"), "sale": ("sale", "sales"),
                "purchase": ("purchase",), "right": ("right", "rights"), "buy": ("buy",),
                "exclusive": ("exclusive",)},
    "supply_agreement": {"supply": ("supply",), "agreement": ("agreement", "agreements"),
                         "contract": ("contract", "contracts"), "deal": ("deal", "deals")},
    "joint_venture": {"joint": ("joint",), "JV": ("jv",)},
    "acquisition": {"acqui": ("acquisition", "acquire", "acquires", "acquired", "acquiring"),
                    "takeover": ("takeover",), "merger": ("merger",), "buyout": ("buyout",),
                    "buy": ("buy", "buys", "buying"), "bought": ("bought",), "purchased": ("purchased",),
                    "paid": ("paid",)},
    "funding": {"loan": ("loan", "loans"), "grant": ("grant", "grants"), "funding": ("funding",),
                "financing": ("financing",), "letter": ("letter",), "debt": ("debt",), "credit": ("credit",),
                "conditional": ("conditional",), "awarded": ("awarded",), "non-dilutive": ("non",),
                "incentives": ("incentives",), "subsid": ("subsidy", "subsidies"), "provided": ("provided",),
                "received": ("received",), "granted": ("granted",), "len": ("lend", "lends", "lent", "lending"),
                "contribution": ("contribution",)},
    "investment": {"equity": ("equity",), "strategic": ("strategic",),
                   "invest": ("invest", "invests", "invested", "investment"), "private": ("private",),
                   "placement": ("placement",), "stake": ("stake",), "convertible": ("convertible",),
                   "preferred": ("preferred",), "common": ("common",), "warrants": ("warrants",),
                   "shareholder": ("shareholder", "shareholders")},
    "framework": {"framework": ("framework",)},
    "partnership": {"strategic": ("strategic",), "partner": ("partner", "partners", "partnered", "partnership"),
                    "collaboration": ("collaboration",), "cooperat": ("cooperation", "cooperative"),
                    "research": ("research",), "crada": ("crada",)},
}
_STARTS: dict[str, tuple[str, ...]] = {kind: tuple(by_word) for kind, by_word in _STARTS_BY_WORD.items()}
# the words this scan asks ``Starts.word_starts_many`` for
LOOKED_UP = frozenset(w for by_word in _STARTS_BY_WORD.values() for whole in by_word.values() for w in whole)


# Each cue with the whole words its matches start with (``_STARTS_BY_WORD``) and its triggers.
_BY_WORDS = [(kind, rx, frozenset(w for whole in _STARTS_BY_WORD[kind].values() for w in whole), _TRIGGERS[kind])
             for kind, rx in CUES]


def find_cues(text: str, starts: Starts | None = None) -> list[DealCue]:
    """Every deal cue in ``text``, in order (``starts``: the article's, when the caller has it)."""
    starts = starts or Starts(text)
    words = starts.words()  # None when the text does not lower-case faithfully: every start word is searched
    out: list[DealCue] = []
    if words is None:
        for kind, rx in CUES:
            if any(t in starts.lowered for t in _TRIGGERS[kind]):
                out += [DealCue(kind, text[m.start():m.end()], m.start(), m.end())
                        for m in starts.finditer(rx, _STARTS[kind])]
    else:  # each cue tried only where one of its first words stands
        tried = []
        for kind, rx, whole, triggers in _BY_WORDS:
            present = words.intersection(whole)
            # a trigger that is one of the article's words, or inside one, is in its text: no need
            # to search
            if present and (not words.isdisjoint(triggers) or any(t in w for w in present for t in triggers)
                            or any(t in starts.lowered for t in triggers)):
                tried.append((kind, rx, present))
        at = starts.word_starts_many(w for _, _, present in tried for w in present)
        for kind, rx, present in tried:
            for m in starts.matches_at(rx, [i for w in present for i in at[w]]):
                start, end = m.span()
                out.append(DealCue(kind, text[start:end], start, end))
    # only letters outside ASCII can be what the hint looks for (see tests): the text's own are
    # asked, not the text searched
    if any(_FOREIGN_HINT.match(c) for c in starts.non_ascii()):
        lowered = starts.case_blind()  # None: the needles could miss a case-blind match, every cue runs
        out += [DealCue(kind, m.group(0), m.start(), m.end()) for kind, rx in FOREIGN_CUES
                if lowered is None or any(n in lowered for n in _FOREIGN_NEEDLES[kind]) for m in rx.finditer(text)]
    out.sort(key=attrgetter("start"))
    return out


def binding_in(text: str) -> bool | None:
    """False when the text says non-binding, True when it says binding, else None."""
    if NON_BINDING.search(text):
        return False
    if BINDING.search(text):
        return True
    return None


# "has not (yet) signed", "hasn't completed", "never entered into", "has yet to be signed", "is not
# in talks": the words just before a status word that say the opposite of it
_NEGATED = re.compile(r"(?:\bnot|n[’']t|\bnever|\byet to)\s+(?:(?:yet|been|be|formally)\s+){0,3}$", re.I)
# "may be terminated", "can be cancelled if ...", "is expected to be completed": what could
# happen, not what did
# ("to have signed", a perfect infinitive, says what was done: "pleased to have signed")
_UNREAL = re.compile(r"(?:(?:\bmay|\bmight|\bcan|\bcould|\bwould|\bwill|\bshall|\bshould|\bmust|\bif|\bunless)"
                     r"\s+(?:(?:not|yet|be|been|have|formally)\s+){0,3}|\bto\s+(?:(?:not|yet|be|been|formally)\s+){0,3})$",
                     re.I)
# An ended status is said of a deal: one it names as its object ("terminated its offtake
# agreement", "pulled out of the Texas plant deal", "scraps plan"), or as its subject right before
# it or before a passive ("the deal collapsed", "the agreement between A and B was terminated",
# "the agreement, which A signed in 2021, was cancelled"),
# not of claims, shares or a project ("rejected claims that ...", "cancelled shares"), nor of a
# deal in a clause of its own ("a deal that collapsed in 2022"), nor of another, earlier deal
# ("terminated the previous agreement and signed a new one", "the terminated 2019 pact").
_DEAL_NOUN = (r"(?:agreements?|deals?|off-?takes?|contracts?|pacts?|MOUs?|memorand(?:um|a)|LOIs?|bids?|offers?|"
              r"proposals?|takeovers?|mergers?|acquisitions?|transactions?|plans?|partnerships?|ventures?|JVs?|"
              r"tie-ups?|loans?|financing|sales?|purchases?|talks)\b")
_OTHER_DEAL = re.compile(r"\b(?:previous|earlier|prior|former|old|existing|original|another|rival|competing|"
                         r"(?:19|20)\d\d)\b", re.I)
_NOT_IN_A_NAME = (r"(?:the|a|an|its|their|this|that|these|those|which|who|to|of|and|or|with|for|in|on|by|as|at|"
                  r"from|is|was|were|are|be|been|has|have|had)\b")
_ENDED_OBJECT = re.compile(r"\s+(?:(?:the|a|an|its|their|this|his|her|our)\s+)?"
                           rf"((?:(?!{_NOT_IN_A_NAME})[\w$.,%'’-]+\s+){{0,4}}?){_DEAL_NOUN}", re.I)
# what stands between a deal named as the subject and its ended word: nothing ("the deal
# collapsed"), a perfect ("has collapsed"), or the rest of the subject and a passive ("the
# agreement between A and B was terminated")
_ENDED_SUBJECT_GAP = re.compile(r"(?:\s+(?:has|have|had)(?:\s+\w+ly)?|[^;]{0,120}?\s(?:was|were|is|are|been|being)"
                                r"(?:\s+\w+ly)?|)\s+", re.I)
_DEAL_WORD = re.compile(r"\b" + _DEAL_NOUN, re.I)
_WORDS_BEFORE = re.compile(r"(?:[\w'’-]+\s+){0,2}$")
_NO_CLAUSE = re.compile(r"\b(?:that|which|who|to)\b", re.I)
# a clause set off by commas between the deal and its ended word is an aside, not the clause the
# word is said in: "the agreement, which A signed in 2021, was cancelled"
_ASIDE = re.compile(r",\s*(?:which|who)\b[^,;]*,", re.I)


_ENDED = frozenset({"terminated", "rejected"})


def _ends_the_deal(text: str, start: int, end: int) -> bool:
    """True when the ended status word at ``text[start:end]`` is said of the deal (see above)."""
    m = _ENDED_OBJECT.match(text, end)
    if m is not None:
        return not _OTHER_DEAL.search(m.group(1))
    window = max(0, start - 160)
    nouns = list(_DEAL_WORD.finditer(text, window, start))
    noun = nouns[-1] if nouns else None  # the deal named last before it
    if noun is None or not _ENDED_SUBJECT_GAP.fullmatch(text, noun.end(), start):
        return False
    before = _WORDS_BEFORE.search(text, max(window, noun.start() - 40), noun.start())
    return not (before is not None and _OTHER_DEAL.search(before.group())) and not _NO_CLAUSE.search(
        _ASIDE.sub(",", text[noun.start():start]))


def status_in(text: str) -> str | None:
    """The first status word the text uses (terminated, rejected, completed, signed, proposed,
    announced), unless the text negates it ("has not signed") or only says it could happen
    ("may be terminated")."""
    for status, rx in STATUS_WORDS:
        for m in rx.finditer(text):
            before = max(0, m.start() - 30)
            if not (_NEGATED.search(text, before, m.start()) or _UNREAL.search(text, before, m.start())) and (
                    status not in _ENDED or _ends_the_deal(text, m.start(), m.end())):
                return status
    return None
