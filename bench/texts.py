"""Invented text for generated appeals: titles, contents, replies and notes from short templates.

Nothing here comes from real appeals; the phrases describe typical matters of a large city.
"""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
ROADS = [
    "建设路",
    "文化路",
    "农业路",
    "花园路",
    "中原路",
    "大学路",
    "金水路",
    "经三路",
    "纬五路",
    "黄河路",
    "未来路",
    "航海路",
    "陇海路",
    "嵩山路",
    "桐柏路",
    "商都路",
    "东风路",
    "丰产路",
    "红旗路",
    "工人路",
]
DURATIONS = ["已经一个多月", "持续了半年", "从上周开始", "好几天了", "反映过多次", "长期存在"]
IMPACTS = [
    "严重影响周边居民的正常生活",
    "老人和孩子出行很不安全",
    "晚上无法正常休息",
    "给附近商户和居民带来很大困扰",
    "多次找相关单位都没有结果",
    "存在明显的安全隐患",
]
ASKS = {
    "complaint": ["请有关部门尽快查处。", "希望尽快解决。", "请督促相关单位整改。"],
    "help": ["请帮忙协调解决。", "恳请给予帮助。", "希望政府帮忙想想办法。"],
    "consultation": ["请问应该到哪里办理？", "想了解具体的政策规定。", "请告知办理流程和材料。"],
    "suggestion": ["建议有关部门研究改进。", "希望能够采纳。", "供领导参考。"],
    "report": ["请依法查处。", "请相关部门调查核实。", "希望严肃处理。"],
}
TITLES = {
    "complaint": ["{place}{kw}问题", "投诉{place}{kw}", "{place}{kw}长期得不到解决"],
    "help": ["求助：{place}{kw}", "请帮忙解决{kw}问题", "{place}{kw}求助"],
    "consultation": ["咨询{kw}相关政策", "关于{kw}的咨询", "{kw}怎么办理"],
    "suggestion": ["建议改善{place}{kw}", "关于{kw}的建议", "对{kw}的几点建议"],
    "report": ["举报{place}{kw}", "实名举报{kw}问题", "{place}{kw}问题举报"],
}
REPLIES = [
    "您好！您反映的问题已收悉。经现场核查，情况属实，我单位已安排处理完毕。感谢您的监督。",
    "您好！经调查核实，该事项已列入年度工作计划，将按计划实施。如有疑问可拨打12345咨询。",
    "您好！关于您咨询的问题，现答复如下：请携带相关材料到政务服务大厅对应窗口办理。",
    "您好！我单位已约谈相关责任单位，责令限期整改，并将持续跟踪整改情况。",
    "您好！经核实，该问题不属于我单位职责范围，已向督办中心说明并建议转交相关单位。",
    "您好！工作人员已于近日与您电话联系并现场查看，问题已协调解决。",
]
NOTES = ["请抓紧办理并按时答复。", "请核实情况后尽快处理。", "市民反映强烈，请重点关注。"]
COMMENTS = ["处理及时，谢谢。", "", "", "问题还没有彻底解决。", "态度很好。", "希望加强后续管理。"]


class Texts:
    """Titles and contents for one category (its keywords) and place, chosen at random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(["先生", "女士"])

    def road(self) -> str:
        return self.rng.choice(ROADS)

    def title(self, appeal_type: str, keyword: str, place: str) -> str:
        return self.rng.choice(TITLES[appeal_type]).format(place=place, kw=keyword)[:100]

    def content(self, appeal_type: str, keyword: str, place: str, road: str) -> str:
        rng = self.rng
        return (
            f"本人反映{place}{road}附近的{keyword}问题，{rng.choice(DURATIONS)}，"
            f"{rng.choice(IMPACTS)}。{rng.choice(ASKS[appeal_type])}"
        )

    def reply(self) -> str:
        return self.rng.choice(REPLIES)

    def note(self) -> str:
        return self.rng.choice(NOTES)

    def comment(self) -> str:
        return self.rng.choice(COMMENTS)
