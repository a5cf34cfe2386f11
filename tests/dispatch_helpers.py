"""A tiny invented catalogue and corpus for smart-dispatch tests (written for the project)."""

from __future__ import annotations

from tests.factories import City
from zhengwu.dispatch.actions import do_save_category
from zhengwu.dispatch.models import Category
from zhengwu.dispatch.versions import TrainingRow

LIGHTS = ("城乡建设", "市政设施", "路灯不亮")
NOISE = ("环境保护", "噪声污染", "施工噪声")

LIGHT_TEXTS = [
    ("路灯不亮", "小区门口的路灯坏了好几天，晚上一片漆黑，出行很不方便。"),
    ("路灯损坏", "人行道旁边的路灯杆倒了，灯也不亮，请尽快维修。"),
    ("夜里路灯全灭", "我们这条路的路灯全部不亮，晚上走路很危险。"),
    ("路灯维修", "街口路灯忽明忽暗已经一个月，请派人检修照明。"),
    ("照明设施坏了", "公园旁道路照明设施损坏，路灯不亮，老人晚上摔倒了。"),
    ("路灯一直不亮", "新修的道路装了路灯却从来没有亮过，希望尽快通电照明。"),
]
NOISE_TEXTS = [
    ("工地夜间施工噪音", "附近工地每天晚上十一点以后还在打桩，噪音很大，无法休息。"),
    ("施工噪声扰民", "凌晨两点工地还在施工，机器轰鸣，孩子被吵醒。"),
    ("夜间打桩扰民", "建筑工地夜间打桩声音刺耳，严重影响周边居民睡眠。"),
    ("工地噪音太大", "工地搅拌机从早到晚不停，噪声超标，请环保部门查处。"),
    ("深夜施工", "深夜还有渣土车和挖掘机作业，噪音扰民，希望制止夜间施工。"),
    ("噪声污染", "施工单位没有夜间施工许可却连续作业，噪声污染严重。"),
]


def small_catalogue(city: City) -> tuple[Category, Category]:
    for path, lead in ((LIGHTS, city.dept_a), (NOISE, city.dept_b)):
        do_save_category(path[:1], {}, acting_user=None)
        do_save_category(path[:2], {"lead_department": lead}, acting_user=None)
        do_save_category(path, {}, acting_user=None)
    return Category.objects.get(name="路灯不亮"), Category.objects.get(name="施工噪声")


def corpus(lights: Category, noise: Category) -> list[TrainingRow]:
    return [TrainingRow(t, x, lights.pk) for t, x in LIGHT_TEXTS] + [
        TrainingRow(t, x, noise.pk) for t, x in NOISE_TEXTS
    ]
