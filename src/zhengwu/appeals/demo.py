"""Demo data for the hub: mailboxes, answer templates and a few appeals at every stage, moved
through the real use cases by the demo accounts. Idempotent (keyed by external ids "demo-N").

The messages are invented for the demo; they describe typical matters of a large city.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from zhengwu.appeals import actions
from zhengwu.appeals.access import handlers_of
from zhengwu.appeals.models import AnswerTemplate, Appeal, Channel, Mailbox
from zhengwu.dispatch.models import AppealType, Category
from zhengwu.org.actions import StaffAccount, do_create_staff
from zhengwu.org.demo import DEMO_PASSWORD
from zhengwu.org.models import Division, Organisation, User

MAILBOXES = [
    (
        "mayor",
        "市长信箱",
        Mailbox.Kind.MAYOR,
        "郑州市人民政府",
        "给市长写信。来信由市委市政府媒体网络事项督办中心统一受理、转办和督办。",
    ),
    ("housing", "住房保障局长信箱", Mailbox.Kind.DEPARTMENT, "市住房保障和房地产管理局", ""),
    ("environment", "生态环境局长信箱", Mailbox.Kind.DEPARTMENT, "市生态环境局", ""),
    ("jinshui", "金水区长信箱", Mailbox.Kind.DISTRICT, "金水区人民政府", ""),
    ("erqi", "二七区长信箱", Mailbox.Kind.DISTRICT, "二七区人民政府", ""),
]

REPLY, DISPATCH, INFO, URGE, REJECTION = (
    AnswerTemplate.Kind.REPLY,
    AnswerTemplate.Kind.DISPATCH,
    AnswerTemplate.Kind.INFO_REQUEST,
    AnswerTemplate.Kind.URGE,
    AnswerTemplate.Kind.REJECTION,
)
TEMPLATES = [
    (
        REPLY,
        "已处理",
        "您好！您反映的问题已收悉。经现场核查，情况属实，我单位已于近日安排处理完毕。"
        "感谢您对城市管理工作的关心和支持。",
    ),
    (
        REPLY,
        "已列入计划",
        "您好！您反映的问题已收悉。经研究，该事项已列入我单位年度工作计划，将按计划实施。"
        "如有疑问，可拨打12345咨询。",
    ),
    (
        REPLY,
        "政策解答",
        "您好！关于您咨询的问题，现答复如下：……如有疑问，欢迎通过12345热线继续咨询。",
    ),
    (
        DISPATCH,
        "请核实处理",
        "请于签收后1个工作日内联系市民，现场核实并依法处理，按时答复。",
    ),
    (
        DISPATCH,
        "多部门协同",
        "该问题涉及多个部门职责，请主办单位牵头，协办单位配合，主办单位统一答复。",
    ),
    (
        INFO,
        "补充具体位置",
        "您好！为便于核实处理，请补充问题发生的具体位置（路名、门牌号或附近标志性建筑）及照片。",
    ),
    (URGE, "即将超期", "该件即将超过办理期限，请抓紧办理并按时答复，确有困难请申请延期。"),
    (URGE, "已超期", "该件已超过办理期限，请立即办理并说明超期原因，督办中心将纳入考核。"),
    (
        REJECTION,
        "涉诉事项",
        "您反映的事项已进入诉讼程序，请依法通过司法途径解决，感谢您的理解。",
    ),
]


@dataclass(frozen=True)
class Sample:
    key: str
    appeal_type: str
    title: str
    content: str
    district: str
    lead: str | None
    stage: str  # received | dispatched | in_progress | replied | closed | evaluated


SAMPLES = [
    Sample(
        "1",
        AppealType.COMPLAINT,
        "小区旁工地夜间施工噪音扰民",
        "金水区农科路附近的工地连续一周晚上十一点以后还在打桩，噪音很大，老人孩子无法休息，"
        "希望有关部门尽快查处。",
        "金水区",
        None,
        "received",
    ),
    Sample(
        "2",
        AppealType.HELP,
        "人行道井盖缺失存在安全隐患",
        "二七区解放路与大同路交叉口东北角人行道上有一个井盖缺失，只用一个塑料桶挡着，"
        "晚上路过很危险，请尽快修复。",
        "二七区",
        "市城市管理局",
        "dispatched",
    ),
    Sample(
        "3",
        AppealType.COMPLAINT,
        "路灯连续多日不亮",
        "中原区建设路某小区门口一段约两百米的路灯已经十几天不亮了，晚上出行很不方便。",
        "中原区",
        "市城市管理局",
        "in_progress",
    ),
    Sample(
        "4",
        AppealType.CONSULTATION,
        "咨询人才购房补贴申请条件",
        "本人硕士研究生毕业后在郑州工作，想了解首次购房补贴的申请条件和需要准备的材料。",
        "郑东新区",
        "市人力资源和社会保障局",
        "replied",
    ),
    Sample(
        "5",
        AppealType.COMPLAINT,
        "餐馆油烟直排影响居民",
        "管城回族区某街道一家餐馆的油烟管道直接对着居民楼排放，夏天无法开窗，请环保部门处理。",
        "管城回族区",
        "市生态环境局",
        "closed",
    ),
    Sample(
        "6",
        AppealType.SUGGESTION,
        "建议增设公交站点遮阳棚",
        "惠济区新城街道的一个公交站没有遮阳棚，夏天等车暴晒，建议增设。",
        "惠济区",
        "市交通运输局",
        "evaluated",
    ),
]


def _actor(username: str) -> User:
    return User.objects.get(username=username)


def load_mailboxes() -> None:
    for order, (slug, name, kind, org, description) in enumerate(MAILBOXES):
        Mailbox.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "organisation": Organisation.objects.get(name=org),
                "description": description,
                "order": order,
            },
        )


def load_templates() -> None:
    for kind, title, text in TEMPLATES:
        AnswerTemplate.objects.get_or_create(kind=kind, title=title, defaults={"text": text})


def _submit(sample: Sample) -> Appeal:
    draft = actions.Draft(
        appeal_type=sample.appeal_type,
        title=sample.title,
        content=sample.content,
        division=Division.objects.filter(name=sample.district).first(),
        contact_name="市民",
        contact_phone=f"1390000{2000 + int(sample.key):04d}",
        external_id=f"demo-{sample.key}",
    )
    appeal, _code = actions.do_submit_appeal(
        draft, channel=Channel.PORTAL, acting_user=AnonymousUser()
    )
    return appeal


def _handler_for(lead: Organisation) -> User | None:
    return handlers_of(lead).first()


def _advance(appeal: Appeal, sample: Sample) -> None:
    stages = ["received", "dispatched", "in_progress", "replied", "closed", "evaluated"]
    target = stages.index(sample.stage)
    if target == 0 or sample.lead is None:
        return
    dispatcher = _actor("dispatcher")
    lead = Organisation.objects.get(name=sample.lead)
    category = Category.objects.filter(lead_department=lead, level=3).first()
    actions.do_dispatch(appeal, actions.Route(lead, category=category), acting_user=dispatcher)
    handler = _handler_for(lead)
    if target < 2 or handler is None:
        return
    actions.do_sign(appeal, acting_user=handler)
    if target < 3:
        return
    actions.do_submit_reply(appeal, actions.ReplyDraft(TEMPLATES[0][2]), acting_user=handler)
    if target < 4:
        return
    actions.do_review_reply(appeal, True, acting_user=dispatcher)
    if target < 5:
        return
    verdict = actions.Verdict("resolved", "satisfied", "处理及时，谢谢。")
    actions.do_record_callback(appeal, verdict, acting_user=_actor("intake"))


def _ensure_handler(lead_name: str) -> None:
    """Departments in the samples without a demo handler get one, so the samples can move."""
    lead = Organisation.objects.get(name=lead_name)
    if _handler_for(lead) is None:
        slug = f"handler_{lead.pk}"
        do_create_staff(
            lead,
            StaffAccount(slug, f"{lead.short_name or lead.name}承办人", DEMO_PASSWORD),
            "handler",
            acting_user=None,
        )


# Bodies that handle most of a city's appeals get a demo handler, so the demo history reaches them.
BUSY_BODIES = [
    "市住房保障和房地产管理局",
    "市交通运输局",
    "市教育局",
    "市人力资源和社会保障局",
    "市卫生健康委员会",
    "市市场监督管理局",
    "郑州水务集团有限公司",
    "国网郑州供电公司",
]


@transaction.atomic
def load_demo_hub() -> int:
    load_mailboxes()
    load_templates()
    for name in BUSY_BODIES:
        _ensure_handler(name)
    created = 0
    for sample in SAMPLES:
        if Appeal.objects.filter(channel=Channel.PORTAL, external_id=f"demo-{sample.key}").exists():
            continue
        if sample.lead:
            _ensure_handler(sample.lead)
        _advance(_submit(sample), sample)
        created += 1
    return created
