"""What a question says about where to look: provinces, documents, years, language, and whether it compares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import DocumentMeta
from .provinces import find_provinces
from .text import is_english, normalise

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_MULTI = re.compile(r"哪些省|哪几个省|各省|几个省|分别|对比|比较|异同|相比|区别|which provinces|compare|each province|respectively",
                    re.IGNORECASE)
_ISSUE_DATE = re.compile(r"(哪天|哪一天|何时|什么时候|日期|哪年|哪一年).{0,6}(印发|发布|出台|签发|成文)|"
                         r"(印发|发布|出台|签发|成文).{0,6}(哪天|哪一天|何时|什么时候|日期|时间)|"
                         r"when was .{0,80}(issued|published|signed)", re.IGNORECASE)
FULL_DATE = re.compile(r"\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{2}-\d{2})")
_WHICH = re.compile(r"哪个省|哪一个省|哪省|which province", re.IGNORECASE)

# English words that officials' English questions use, mapped to the Chinese terms of the texts, so the
# keyword index and sentence selection can work on English questions too.
GLOSSARY = {
    "pass rate": "合格率", "qualification rate": "合格率", "acceptance": "验收", "inspection": "抽查",
    "spot check": "抽查", "standardization": "标准化", "standardisation": "标准化", "standard": "标准",
    "brand": "品牌", "metrology": "计量", "measurement": "计量", "certification": "认证",
    "testing": "检验检测", "food safety": "食品安全", "food": "食品", "engineering": "工程",
    "construction": "工程", "project": "工程项目", "service": "服务", "satisfaction": "满意度",
    "target": "目标", "goal": "目标", "quality award": "质量奖", "chief quality officer": "首席质量官",
    "green building": "绿色建筑", "agricultural": "农产品", "manufacturing": "制造业", "talent": "人才",
    "credit": "诚信", "integrity": "诚信", "intellectual property": "知识产权", "forest": "森林覆盖率",
    "tourism": "旅游", "leading group": "领导小组", "assessment": "考核", "responsible": "责任单位",
    "principles": "基本原则", "guiding": "指导思想", "special equipment": "特种设备", "environment": "环境质量",
    "product quality": "产品质量", "service quality": "服务质量", "smes": "中小企业", "small and medium": "中小企业",
    "local standards": "地方标准", "road": "公路", "water conservancy": "水利工程", "fireworks": "烟花爆竹",
    "import and export": "进出口", "finance": "财政金融", "funding": "经费", "quality month": "质量月",
    "solid waste": "固废", "utilization": "综合利用", "living circle": "生活圈", "convenient": "便民",
    "lake": "湖泊", "plateau": "高原", "carpet": "藏毯", "industrial park": "工业园区", "park": "园区",
    "ranking": "位", "top": "前", "share": "占比", "document number": "号", "national": "国家",
    "new urban buildings": "城镇新建建筑", "building": "建筑", "competitiveness": "竞争力", "index": "指数",
    "office": "办公室", "heads": "组长", "head": "组长", "revenue": "营业收入",
    "billion": "亿元", "local standard": "地方标准", "formulate": "制修订", "revise": "制修订",
    "technology foundation": "技术基础", "technical foundation": "技术基础",
    "protection": "保护", "governance": "治理", "demonstration zone": "示范区", "demonstration": "示范",
    "supervision": "监督", "spot-check": "抽查", "coverage": "覆盖率", "rate": "率", "waste": "废",
    "pollution": "污染", "air quality": "空气质量", "water quality": "水质", "consumer": "消费者",
    "complaint": "投诉", "hotline": "热线", "elevator": "电梯", "express delivery": "快递", "rural": "农村",
    "tourist": "游客", "education": "教育", "training": "培训", "award": "奖", "reward": "奖励",
    "outline": "纲要", "guiding ideology": "指导思想", "basic principles": "基本原则", "tasks": "任务",
    "safeguard": "保障措施", "measures": "措施", "supply chain": "供应链", "industrial chain": "产业链",
    "new materials": "新材料", "equipment": "装备", "digital": "数字", "platform": "平台",
}


@dataclass
class QuestionAnalysis:
    original: str
    text: str  # simplified, normalised
    english: bool
    provinces: list[str]  # corpus provinces named in the question
    missing_provinces: list[str]  # provinces named that the corpus does not cover
    doc_ids: list[str]
    years: list[int]
    multi: bool  # 哪些省份 / 分别 / compare: answer province by province
    which: bool  # 哪个省: one province expected, to be named in the answer
    expansion: str = ""  # glossary terms for English questions
    unsupported_years: list[int] = field(default_factory=list)
    scope_names: list[str] = field(default_factory=list)
    asks_issue_date: bool = False  # 「…是哪天印发的」: answered from the dates in the preamble or signature

    @property
    def search_text(self) -> str:
        return f"{self.text} {self.expansion}".strip()

    @property
    def topic_text(self) -> str:
        """The question without the words that only name its scope (document titles and aliases), which
        would otherwise match every clause that repeats the document's name."""
        text = self.search_text
        for name in self.scope_names:
            text = text.replace(name, " ")
        return text


def analyse(question: str, documents: list[DocumentMeta], corpus_years: dict[str, set[int]]) -> QuestionAnalysis:
    """Read the scope of a question; `corpus_years` maps doc_id to the years its text mentions."""
    text = normalise(question)
    covered = {d.province for d in documents}
    named = find_provinces(text)
    provinces = [p for p in named if p in covered]
    missing = [p for p in named if p not in covered]
    years = sorted({int(y) for y in _YEAR.findall(text)})
    doc_ids = [d.doc_id for d in documents if _names_document(text, d) or (d.date and int(d.date[:4]) in years)]
    scope_names = sorted({name for d in documents for name in [d.title, *d.aliases] if name and name in text},
                         key=len, reverse=True)
    english = is_english(text)
    expansion = " ".join(zh for en, zh in GLOSSARY.items() if en in text.lower()) if english else ""
    scope = [d for d in documents if (not provinces or d.province in provinces)
             and (not doc_ids or d.doc_id in doc_ids)]
    known_years = set().union(*(corpus_years.get(d.doc_id, set()) for d in scope)) if scope else set()
    unsupported = [y for y in years if y not in known_years and y > max(known_years, default=0)]
    return QuestionAnalysis(
        original=question, text=text, english=english, provinces=provinces, missing_provinces=missing,
        doc_ids=doc_ids, years=years, multi=bool(_MULTI.search(text)) or len(provinces) > 1,
        which=bool(_WHICH.search(text)), expansion=expansion, unsupported_years=unsupported,
        scope_names=scope_names, asks_issue_date=bool(_ISSUE_DATE.search(text)),
    )


def _names_document(text: str, meta: DocumentMeta) -> bool:
    return meta.doc_id in text or meta.title in text or any(alias and alias in text for alias in meta.aliases)
