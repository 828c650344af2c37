"""Chinese company names, for the company scan: "浙江华友钴业股份有限公司（603799.SH）"."""

from __future__ import annotations

import re

from .orgregistry import Registry

# Chinese company names end in a company word (公司 "company", 集团 "group"); where one starts, the
# run of Chinese characters is cut after its last joining word (与 "and", 由 "by", ...) and a
# country in front (美国 "US") is dropped. A listing follows in brackets: （603799.SH）.
_CJK_COMPANY_RE = re.compile(r"[\u4e00-\u9fff]{2,24}?(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)")
_CJK_JOINERS = re.compile(r".*[与和及同由向对将在为是把被从让给，、]")
_CJK_COUNTRY = re.compile(r"^(?:美国|中国|日本|韩国|印尼|印度尼西亚|澳大利亚|澳洲|加拿大|英国|德国|法国|"
                          r"智利|阿根廷|巴西|刚果)")
_CJK_NOT_NAMES = frozenset("该公司 本公司 公司 子公司 母公司 分公司 合资公司 项目公司 新公司 上市公司 "
                           "一家公司 这家公司 两家公司 三家公司 集团 该集团 本集团 控股公司 矿业公司 "
                           "国有企业 企业集团".split())
_CJK_GENERIC_ENDS = tuple(n for n in _CJK_NOT_NAMES if len(n) >= 4)
_CJK_TICKER = re.compile(r"\s*[（(]\s*(\d{6}\.(?:SH|SZ|SS)|\d{4,5}\.HK)\s*[）)]")


def add_chinese(reg: Registry, text: str) -> None:
    """Chinese company names: "浙江华友钴业股份有限公司（603799.SH）", "及美国福特汽车公司" -> 福特汽车公司."""
    for m in _CJK_COMPANY_RE.finditer(text):
        name, start = m.group(), m.start()
        cut = _CJK_JOINERS.match(name[:-2])
        if cut:
            name, start = name[cut.end():], start + cut.end()
        country = _CJK_COUNTRY.match(name)
        if country and len(name) - country.end() >= 4:
            name, start = name[country.end():], start + country.end()
        if len(name) < 4 or name in _CJK_NOT_NAMES or any(name.endswith(g) for g in _CJK_GENERIC_ENDS):
            continue
        org = reg.add(name, "company", (start, start + len(name)), "suffix")
        listing = _CJK_TICKER.match(text, m.end())
        if listing and org.ticker is None:
            org.ticker = listing.group(1)
