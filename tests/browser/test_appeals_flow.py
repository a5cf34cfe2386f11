"""The whole appeal loop through the browser, with several people working at once.

Every person has a browser context of their own (`browse`), so sessions never mix: a citizen on a
phone, a hotline agent, two dispatchers, handlers in two departments, a supervisor, a leader and
an outsider. Steps are real clicks and typing, found by labels, roles and button names. The
database is read only for what no page shows (one current lead assignment, the evaluation link
in the SMS outbox) and to set up appeals a test is not about.

Transactional tests flush every table when they end, also the rows data migrations install;
the `seeded` fixture (tests/conftest.py) puts them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD, Actors, City, user
from zhengwu.appeals import actions
from zhengwu.appeals.models import (
    AnswerTemplate,
    Appeal,
    AppealEvent,
    Assignment,
    Channel,
    Extension,
    Satisfaction,
)
from zhengwu.appeals.workflow import Status
from zhengwu.dispatch.models import AppealType
from zhengwu.notifications.models import Message
from zhengwu.org.models import Role, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded"),
]

Browse = Callable[..., Page]
DEPT_A, DEPT_B = "市城市管理局", "市生态环境局"
TEMPLATE_TEXT = "您好！您反映的问题已收悉。经现场核查，我局已安排清运并加强巡查，感谢您的监督。"


@dataclass
class Hub:
    city: City
    actors: Actors
    dispatcher2: User
    outsider: User


@pytest.fixture
def hub(city: City, actors: Actors) -> Hub:
    AnswerTemplate.objects.create(
        kind=AnswerTemplate.Kind.REPLY, title="已处理（现场核查）", text=TEMPLATE_TEXT
    )
    return Hub(
        city=city,
        actors=actors,
        dispatcher2=user("dispatcher2", (city.centre, Role.DISPATCHER)),
        outsider=user("outsider", (city.district, Role.HANDLER)),
    )


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "垃圾堆.png"
    Image.new("RGB", (64, 48), (120, 140, 90)).save(path)
    return path


# --- People and common steps --------------------------------------------------------------------


def log_in(page: Page, base: str, username: str) -> Page:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    return page


def staff(browse: Browse, base: str, username: str) -> Page:
    """A member of staff, signed in, in a browser of their own."""
    return log_in(browse(username), base, username)


def open_from_queue(page: Page, base: str, queue: str, number: str) -> None:
    """Workbench → a queue → the appeal's page."""
    page.goto(f"{base}/workbench/")
    page.get_by_role("link", name=re.compile(f"^{queue}")).click()
    expect(page.get_by_role("heading", name=queue, level=1)).to_be_visible()
    page.get_by_role("link", name=number).click()
    expect(page).to_have_url(re.compile(r"/work/appeals/\d+/$"))


def find_appeal(page: Page, base: str, number: str) -> None:
    """Search the 全部 queue by number, then open the appeal."""
    page.goto(f"{base}/workbench/")
    page.get_by_role("link", name=re.compile("^全部")).click()
    page.get_by_label("搜索").fill(number)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=number).click()
    expect(page).to_have_url(re.compile(r"/work/appeals/\d+/$"))


def open_action(page: Page, action: str) -> Locator:
    """Unfold an action on the appeal page; returns its form."""
    page.get_by_role("group", name=action, exact=True).locator("summary").click()
    form = page.get_by_role("form", name=action, exact=True)
    expect(form).to_be_visible()
    return form


def act(page: Page, action: str, done: str, fill: Callable[[Locator], None] | None = None) -> None:
    """Open an action, fill its form, submit it and see the confirmation."""
    form = open_action(page, action)
    if fill is not None:
        fill(form)
    form.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(done)


def dispatch(
    page: Page, lead: str, co: str | None = None, note: str = "", *, action: str = "派单"
) -> None:
    """派单, or 改派 (the same form) once a body has had the appeal."""

    def fill(form: Locator) -> None:
        form.get_by_label("主办单位").select_option(label=lead)
        if co:
            form.get_by_label("协办单位").select_option(label=co)
        if note:
            form.get_by_label("派单意见", exact=True).fill(note)

    act(page, action, "已派单。", fill)


def sign(page: Page) -> None:
    act(page, "签收", "已签收。")


def reply(page: Page, text: str | None = None, *, template: str | None = None) -> None:
    def fill(form: Locator) -> None:
        if template:
            form.get_by_label("答复模板").select_option(label=template)
            expect(form.get_by_label("答复内容（公开）")).to_have_value(TEMPLATE_TEXT)
        if text:
            form.get_by_label("答复内容（公开）").fill(text)
        form.get_by_label("办理结果").select_option(label="已解决")

    act(page, "答复", "答复已提交督办中心审核。", fill)


def approve_reply(page: Page) -> None:
    act(
        page,
        "审核答复",
        "已审核答复。",
        lambda form: form.get_by_label("通过并公开").check(),
    )


def fits_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def submit_on_portal(page: Page, base: str, photo: Path, *, title: str) -> tuple[str, str]:
    """The citizen writes in on /appeals/new/; returns the number and query code shown."""
    page.goto(f"{base}/appeals/new/")
    page.get_by_role("group", name="诉求类型").get_by_label("投诉").check()
    page.get_by_label("标题").fill(title)
    page.get_by_label("诉求内容").fill(
        "金水区经八路与纬五路交叉口东南角堆放建筑垃圾已经两周，扬尘严重，希望尽快清运。"
    )
    district, street = page.get_by_label("所在区县"), page.get_by_label("街道（乡镇）")
    district.select_option(label="二七区")
    expect(street.locator("option")).to_have_text(["不清楚"])  # htmx: streets of 二七区
    district.select_option(label="金水区")
    expect(street.locator("option")).to_have_text(["不清楚", "经八路街道"])
    street.select_option(label="经八路街道")
    page.get_by_label("详细地址").fill("经八路与纬五路交叉口")
    page.get_by_label("图片或PDF附件").set_input_files(photo)
    page.get_by_label("手机号码").fill("13900001111")
    fits_phone(page)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    number = page.locator("#receipt-number").inner_text()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"ZW\d{14}", number) and re.fullmatch(r"\d{6}", code)
    return number, code


def track(page: Page, base: str, number: str, code: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="进度查询").click()
    page.get_by_label("诉求编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text(number, exact=True)).to_be_visible()


def status_badge(page: Page) -> Locator:
    return page.locator(".status-line .badge-status")


def evaluate(page: Page, resolution: str, satisfaction: str, comment: str = "") -> None:
    page.get_by_role("group", name="问题是否解决").get_by_label(resolution, exact=True).check()
    page.get_by_role("group", name="对办理结果是否满意").get_by_label(
        satisfaction, exact=True
    ).check()
    if comment:
        page.get_by_label("意见（可不填）").fill(comment)
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")


def evaluation_path(number: str) -> str:
    """The tokenised link of the latest SMS that asks this appeal's citizen to evaluate."""
    message = (
        Message.objects.filter(channel="sms", body__contains=f"/appeals/evaluate/{number}/")
        .order_by("-created_at", "-pk")
        .first()
    )
    assert message is not None, "no evaluation SMS in the outbox"
    match = re.search(rf"/appeals/evaluate/{number}/[\w-]+/", message.body)
    assert match is not None
    return match.group(0)


def appeal_from_portal(title: str, phone: str) -> tuple[Appeal, str]:
    """An appeal as the portal takes it in (for tests about what happens next)."""
    draft = actions.Draft(
        appeal_type=AppealType.COMPLAINT,
        title=title,
        content=f"{title}，已经持续一周，请有关部门尽快处理。",
        contact_phone=phone,
    )
    return actions.do_submit_appeal(draft, channel=Channel.PORTAL, acting_user=AnonymousUser())


def current_leads(appeal: Appeal) -> list[str]:
    return list(
        Assignment.objects.filter(
            appeal=appeal, role=Assignment.Role.LEAD, ended_at__isnull=True
        ).values_list("organisation__name", flat=True)
    )


# --- The tests ---------------------------------------------------------------------------------


def test_a_citizen_writes_in_from_a_phone_and_tracks_with_number_and_code(
    browse: Browse, live_server, hub: Hub, photo: Path
) -> None:
    phone = browse("citizen", phone=True)
    number, code = submit_on_portal(phone, live_server.url, photo, title="路口建筑垃圾无人清运")
    fits_phone(phone)

    later = browse("citizen later", phone=True)  # another day, another browser session
    track(later, live_server.url, number, code)
    expect(later.get_by_role("heading", name="路口建筑垃圾无人清运")).to_be_visible()
    expect(status_badge(later)).to_have_text("待受理")
    expect(later.get_by_text("诉求已提交，等待受理。")).to_be_visible()
    fits_phone(later)

    appeal = Appeal.objects.get(number=number)
    assert appeal.division == hub.city.street and appeal.channel == Channel.PORTAL
    assert [a.content_type for a in appeal.attachments.all()] == ["image/png"]

    stranger = browse("stranger", phone=True)
    stranger.goto(f"{live_server.url}/appeals/track/")
    stranger.get_by_label("诉求编号").fill(number)
    stranger.get_by_label("查询码").fill("000000" if code != "000000" else "111111")
    stranger.get_by_role("button", name="查询").click()
    expect(stranger.get_by_role("alert")).to_contain_text("编号或查询码不正确")


def test_a_hotline_agent_enters_and_accepts_a_work_order_with_the_keyboard_only(
    browse: Browse, live_server, hub: Hub
) -> None:
    agent = staff(browse, live_server.url, "intake")
    agent.get_by_role("link", name="工作台").click()
    agent.get_by_role("link", name="热线工单录入").click()
    keys = agent.keyboard
    expect(agent.get_by_label("手机号码")).to_be_focused()
    keys.type("13700002222")
    keys.press("Tab")
    expect(agent.get_by_label("姓名", exact=True)).to_be_focused()
    keys.type("王女士")
    keys.press("Tab")
    expect(agent.get_by_label("诉求类型")).to_be_focused()
    keys.press("ArrowDown")  # 请选择 → 咨询 → 求助 → 投诉 (no type is preselected)
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(agent.get_by_label("诉求类型")).to_have_value("complaint")
    keys.press("Tab")
    expect(agent.get_by_label("紧急程度")).to_be_focused()
    keys.press("Tab")
    keys.type("小区门口井盖松动")
    keys.press("Tab")
    keys.type("经八路街道某小区门口的井盖松动，车辆经过时响声很大，担心有人踩空。")
    keys.press("Tab")
    district, street = agent.get_by_label("所在区县"), agent.get_by_label("街道（乡镇）")
    expect(district).to_be_focused()
    with agent.expect_response(lambda r: f"district={hub.city.jinshui.pk}" in r.url):
        keys.press("ArrowDown")  # 请选择 → 二七区 → 金水区; htmx reloads the streets each time
        keys.press("ArrowDown")
    expect(district).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(street.locator("option")).to_have_text(["不清楚", "经八路街道"])
    keys.press("Tab")
    expect(street).to_be_focused()
    keys.press("ArrowDown")
    keys.press("Tab")
    keys.type("经八路12号")
    expect(agent.get_by_label("录入后直接受理")).to_be_checked()
    keys.press("Control+Enter")
    expect(agent.get_by_role("status")).to_contain_text("已录入")

    appeal = Appeal.objects.get(channel=Channel.HOTLINE)
    assert appeal.status == Status.ACCEPTED
    assert appeal.appeal_type == AppealType.COMPLAINT
    assert appeal.division == hub.city.street and appeal.address == "经八路12号"
    assert appeal.entered_by == hub.actors.intake and appeal.contact_phone == "13700002222"
    expect(agent.get_by_role("status")).to_contain_text(appeal.number)
    expect(agent.get_by_label("手机号码")).to_be_focused()  # ready for the next call


def test_the_whole_loop_with_extension_urging_supervision_reopen_and_evaluation(
    browse: Browse, live_server, hub: Hub, photo: Path
) -> None:
    base = live_server.url
    citizen = browse("citizen", phone=True)
    number, _code = submit_on_portal(citizen, base, photo, title="路口建筑垃圾无人清运")
    citizen.get_by_role("link", name="查看办理进度").click()
    expect(status_badge(citizen)).to_have_text("待受理")

    # The dispatcher finds it among the new appeals and sends it to A, with B helping.
    dispatcher = staff(browse, base, "dispatcher")
    open_from_queue(dispatcher, base, "待受理", number)
    expect(dispatcher.get_by_role("link", name="垃圾堆.png")).to_be_visible()
    dispatch(dispatcher, DEPT_A, co=DEPT_B, note="请城管局牵头，生态环境局协助核查扬尘。")
    expect(status_badge(dispatcher)).to_have_text("待签收")
    timeline = dispatcher.locator("ol.timeline")
    expect(timeline).to_contain_text("请城管局牵头")  # the internal note, for staff only
    expect(timeline.locator(".badge")).to_have_text(["待受理", "待派单", "待签收"])

    handler_a = staff(browse, base, "handler_a")
    open_from_queue(handler_a, base, "待签收", number)
    sign(handler_a)
    expect(status_badge(handler_a)).to_have_text("办理中")

    handler_b = staff(browse, base, "handler_b")
    open_from_queue(handler_b, base, "待签收", number)
    sign(handler_b)
    act(
        handler_b,
        "协办意见",
        "已提交协办意见。",
        lambda form: form.get_by_label("内容").fill("经现场检测，扬尘浓度超标，建议覆盖防尘网。"),
    )

    # A asks for more time; the dispatcher agrees and the citizen sees the new date.
    handler_a.reload()

    def ask_for_days(form: Locator) -> None:
        form.get_by_label("延期工作日").fill("5")
        form.get_by_label("延期理由").fill("需协调渣土车辆，清运需要更多时间。")

    act(handler_a, "申请延期", "延期申请已提交。", ask_for_days)
    open_from_queue(dispatcher, base, "延期审核", number)
    act(
        dispatcher,
        "审核延期",
        "已审核延期申请。",
        lambda form: form.get_by_label("同意", exact=True).check(),
    )
    extension = Extension.objects.get(appeal__number=number)
    assert extension.decision == Extension.Decision.APPROVED and extension.new_deadline
    new_date = timezone.localtime(extension.new_deadline)
    citizen.reload()
    expect(citizen.get_by_text(f"办理期限延长至{new_date:%Y-%m-%d}")).to_be_visible()
    expect(citizen.locator(".status-line")).to_contain_text(
        f"办理期限：{new_date.year}年{new_date.month}月{new_date.day}日"
    )

    # The supervisor urges and then issues a supervision notice; A answers it.
    supervisor = staff(browse, base, "supervisor")
    find_appeal(supervisor, base, number)
    act(supervisor, "催办", "已催办。")
    expect(supervisor.get_by_text("催办 1 次")).to_be_visible()

    def supervise(form: Locator) -> None:
        form.get_by_label("督办级别").select_option(label="重点督办")
        form.get_by_label("督办意见").fill("群众反映强烈，请主要负责同志过问，限期清运。")

    act(supervisor, "督办", "已发出督办单。", supervise)

    handler_a.goto(f"{base}/workbench/")
    expect(handler_a.get_by_role("region", name=re.compile("站内消息"))).to_contain_text(
        "群众反映强烈"
    )
    open_from_queue(handler_a, base, "督办中", number)
    act(
        handler_a,
        "反馈督办",
        "已反馈督办。",
        lambda form: form.get_by_label("督办反馈").fill("已调派两台渣土车，明日完成清运。"),
    )

    # A replies (from an answer template); the dispatcher publishes; the citizen reads it.
    reply(handler_a, template="已处理（现场核查）")
    open_from_queue(dispatcher, base, "待审核答复", number)
    approve_reply(dispatcher)
    citizen.reload()
    expect(status_badge(citizen)).to_have_text("已办结")
    expect(citizen.get_by_role("heading", name=f"答复 · {DEPT_A}")).to_be_visible()
    expect(citizen.get_by_text(TEMPLATE_TEXT)).to_be_visible()

    # Not solved: the citizen says so, and the dispatcher sends it back to A.
    evaluate(citizen, "未解决", "不满意", "垃圾只清走了一半。")
    expect(status_badge(citizen)).to_have_text("重办审核")
    open_from_queue(dispatcher, base, "重办审核", number)

    def redo(form: Locator) -> None:
        form.get_by_label("原单位重办").check()
        form.get_by_label("审核意见").fill("市民反映仍有一半未清运，请原单位彻底清理。")

    act(dispatcher, "重办审核", "已完成重办审核。", redo)
    expect(status_badge(dispatcher)).to_have_text("待签收")

    open_from_queue(handler_a, base, "待签收", number)
    sign(handler_a)
    reply(handler_a, "您好！剩余建筑垃圾已于今日全部清运，并设置围挡防止再次倾倒。")
    open_from_queue(dispatcher, base, "待审核答复", number)
    approve_reply(dispatcher)

    # The citizen follows the link in the SMS and is satisfied this time.
    citizen.goto(base + evaluation_path(number))
    expect(citizen.get_by_text("剩余建筑垃圾已于今日全部清运")).to_be_visible()
    evaluate(citizen, "已解决", "满意")
    expect(status_badge(citizen)).to_have_text("已评价")

    appeal = Appeal.objects.get(number=number)
    assert appeal.status == Status.EVALUATED
    assert appeal.satisfaction == Satisfaction.SATISFIED
    assert appeal.reopen_count == 1 and appeal.urge_count == 1 and appeal.supervision_level == 2
    assert current_leads(appeal) == [DEPT_A]


def test_an_agent_refuses_an_appeal_and_the_citizen_is_told_where_to_go_instead(
    browse: Browse, live_server, hub: Hub
) -> None:
    """The reasons come from a data migration (see the `seeded` fixture)."""
    base = live_server.url
    appeal, code = appeal_from_portal("要求重新处理多年前的信访件", "13900002222")
    agent = staff(browse, base, "intake")
    open_from_queue(agent, base, "待受理", appeal.number)

    def refuse(form: Locator) -> None:
        form.get_by_label("不予受理理由").select_option(label="信访事项")
        form.get_by_label("补充说明（告知市民）").fill("可登录网上信访平台提交。")

    act(agent, "不予受理", "已不予受理并告知市民。", refuse)
    expect(status_badge(agent)).to_have_text("不予受理")

    citizen = browse("citizen", phone=True)
    track(citizen, base, appeal.number, code)
    expect(status_badge(citizen)).to_have_text("不予受理")
    expect(citizen.get_by_text("请向信访部门提出")).to_be_visible()
    expect(citizen.get_by_text("可登录网上信访平台提交。")).to_be_visible()


def test_a_department_returns_an_appeal_and_the_dispatcher_redispatches_it(
    browse: Browse, live_server, hub: Hub
) -> None:
    base = live_server.url
    appeal, _code = appeal_from_portal("河道里漂浮大量垃圾", "13900003333")
    dispatcher = staff(browse, base, "dispatcher")
    open_from_queue(dispatcher, base, "待受理", appeal.number)
    dispatch(dispatcher, DEPT_B)

    handler_b = staff(browse, base, "handler_b")
    open_from_queue(handler_b, base, "待签收", appeal.number)

    def give_back(form: Locator) -> None:
        form.get_by_label("退单理由").select_option(label="不属于本单位职责")
        form.get_by_label("说明（请写明应由哪个单位办理）").fill(
            "河道保洁属城市管理局职责，请改派市城市管理局。"
        )

    act(handler_b, "退单", "已申请退单，等待督办中心审核。", give_back)
    expect(status_badge(handler_b)).to_have_text("退单审核")

    open_from_queue(dispatcher, base, "退单审核", appeal.number)
    expect(dispatcher.get_by_text("退单：河道保洁属城市管理局职责")).to_be_visible()
    expect(dispatcher.get_by_role("group", name="驳回退单")).to_be_visible()
    dispatch(dispatcher, DEPT_A, note="按职责改派城管局。", action="改派")

    handler_a = staff(browse, base, "handler_a")
    open_from_queue(handler_a, base, "待签收", appeal.number)
    sign(handler_a)
    assert current_leads(appeal) == [DEPT_A]
    returned = Assignment.objects.get(appeal=appeal, organisation=hub.city.dept_b)
    assert returned.state == Assignment.State.RETURNED and returned.ended_at is not None


def test_merged_appeals_get_the_masters_reply(browse: Browse, live_server, hub: Hub) -> None:
    base = live_server.url
    master, _ = appeal_from_portal("广场舞音响声音过大", "13900004444")
    secondary, secondary_code = appeal_from_portal("夜间广场音响噪音扰民", "13900005555")

    dispatcher = staff(browse, base, "dispatcher")
    open_from_queue(dispatcher, base, "待受理", secondary.number)
    act(
        dispatcher,
        "并单",
        "已并单。",
        lambda form: form.get_by_label("并入的诉求编号").fill(master.number),
    )
    expect(status_badge(dispatcher)).to_have_text("已并单")
    expect(dispatcher.get_by_role("link", name=master.number)).to_be_visible()

    open_from_queue(dispatcher, base, "待受理", master.number)
    expect(dispatcher.get_by_role("link", name=secondary.number)).to_be_visible()
    dispatch(dispatcher, DEPT_A)
    handler_a = staff(browse, base, "handler_a")
    open_from_queue(handler_a, base, "待签收", master.number)
    sign(handler_a)
    reply(handler_a, "您好！已约谈广场活动组织者，晚八点半后不再使用音响。")
    open_from_queue(dispatcher, base, "待审核答复", master.number)
    approve_reply(dispatcher)

    neighbour = browse("merged citizen", phone=True)
    track(neighbour, base, secondary.number, secondary_code)
    expect(status_badge(neighbour)).to_have_text("已并单")
    expect(neighbour.get_by_text(f"本诉求已与编号 {master.number} 合并办理")).to_be_visible()
    expect(neighbour.get_by_text("晚八点半后不再使用音响")).to_be_visible()
    expect(neighbour.get_by_role("heading", name="评价办理结果")).to_be_visible()


def test_a_leader_reads_without_acting_and_an_outsider_gets_not_found(
    browse: Browse, live_server, hub: Hub
) -> None:
    base = live_server.url
    appeal, _ = appeal_from_portal("人行道被共享单车占满", "13900006666")
    actions.do_dispatch(appeal, actions.Route(hub.city.dept_a), acting_user=hub.actors.dispatcher)

    leader = staff(browse, base, "leader")
    leader.get_by_role("link", name="工作台").click()
    expect(leader.get_by_role("heading", name="我的队列")).to_be_visible()
    expect(leader.get_by_role("link", name="热线工单录入")).to_have_count(0)
    find_appeal(leader, base, appeal.number)
    expect(leader.get_by_role("heading", name="人行道被共享单车占满")).to_be_visible()
    actions_panel = leader.get_by_role("complementary", name="办理")
    expect(actions_panel).to_contain_text("您目前没有需要办理的操作。")
    expect(actions_panel.get_by_role("button")).to_have_count(0)
    expect(actions_panel.get_by_role("group")).to_have_count(0)

    outsider = staff(browse, base, "outsider")
    response = outsider.goto(f"{base}/work/appeals/{appeal.pk}/")
    assert response is not None and response.status == 404
    response = outsider.goto(f"{base}/work/queue/all/?q={appeal.number}")
    assert response is not None and response.ok
    expect(outsider.get_by_role("link", name=appeal.number)).to_have_count(0)


def test_two_dispatchers_dispatch_the_same_appeal_and_only_one_succeeds(
    browse: Browse, live_server, hub: Hub
) -> None:
    base = live_server.url
    appeal, _ = appeal_from_portal("公交站牌被撞倒", "13900007777")
    first = staff(browse, base, "dispatcher")
    second = staff(browse, base, "dispatcher2")
    for page in (first, second):
        open_from_queue(page, base, "待受理", appeal.number)

    first_form, second_form = open_action(first, "派单"), open_action(second, "派单")
    first_form.get_by_label("主办单位").select_option(label=DEPT_A)
    second_form.get_by_label("主办单位").select_option(label=DEPT_B)
    first_form.get_by_role("button", name="派单").click()
    expect(first.get_by_role("status")).to_contain_text("已派单。")
    second_form.get_by_role("button", name="派单").click()
    expect(second.get_by_role("alert")).to_contain_text("已被他人处理")
    # The page now shows the appeal as the first dispatcher left it; sending the form again
    # would be a deliberate 改派, and it says so.
    expect(status_badge(second)).to_have_text("待签收")
    expect(second.get_by_role("form", name="改派")).to_be_visible()

    assert current_leads(appeal) == [DEPT_A]
    assert AppealEvent.objects.filter(appeal=appeal, kind="dispatched").count() == 1
    assert Appeal.objects.get(pk=appeal.pk).lead_department == hub.city.dept_a


def test_the_second_of_two_dispatchers_accepting_an_appeal_is_told_it_was_done(
    browse: Browse, live_server, hub: Hub
) -> None:
    base = live_server.url
    appeal, _ = appeal_from_portal("小区电梯频繁故障", "13900008888")
    first = staff(browse, base, "dispatcher")
    second = staff(browse, base, "dispatcher2")
    for page in (first, second):
        open_from_queue(page, base, "待受理", appeal.number)

    act(first, "受理", "已受理。")
    open_action(second, "受理").get_by_role("button", name="受理").click()
    expect(second.get_by_role("alert").or_(second.get_by_role("status"))).to_contain_text(
        "已被他人处理"
    )
    expect(status_badge(second)).to_have_text("待派单")
    assert AppealEvent.objects.filter(appeal=appeal, kind="accepted").count() == 1


def test_a_dispatcher_dispatches_a_batch_with_a_template_and_the_handler_signs_it_in_one_go(
    browse: Browse, live_server, hub: Hub
) -> None:
    base = live_server.url
    AnswerTemplate.objects.create(
        kind=AnswerTemplate.Kind.DISPATCH, title="现场核实", text="请一个工作日内到现场核实。"
    )
    first, _ = appeal_from_portal("路灯不亮", "13900005551")
    second, _ = appeal_from_portal("路灯闪烁", "13900005552")
    dispatcher = staff(browse, base, "dispatcher")
    dispatcher.goto(f"{base}/workbench/")
    dispatcher.get_by_role("link", name=re.compile("^待受理")).click()
    for appeal in (first, second):
        dispatcher.get_by_label(f"选择 {appeal.number}").check()
    dispatcher.get_by_label("主办单位").select_option(label=DEPT_A)
    dispatcher.get_by_label("派单意见模板").select_option(label="现场核实")
    expect(dispatcher.get_by_label("派单意见", exact=True)).to_have_value(
        "请一个工作日内到现场核实。"
    )
    dispatcher.get_by_role("button", name="派单所选诉求").click()
    expect(dispatcher.get_by_role("status")).to_contain_text("派单：已处理2件")

    handler = staff(browse, base, "handler_a")
    handler.goto(f"{base}/workbench/")
    handler.get_by_role("link", name=re.compile("^待签收")).click()
    handler.get_by_label("全选本页").check()
    for appeal in (first, second):
        expect(handler.get_by_label(f"选择 {appeal.number}")).to_be_checked()
    handler.get_by_role("button", name="签收所选诉求").click()
    expect(handler.get_by_role("status")).to_contain_text("签收：已处理2件")
    for appeal in (first, second):
        appeal.refresh_from_db()
        assert appeal.status == Status.IN_PROGRESS and appeal.lead_department == hub.city.dept_a
        note = AppealEvent.objects.get(appeal=appeal, kind="dispatched").internal_note
        assert "请一个工作日内到现场核实。" in note
