"""Reports: numbers recomputed independently from the raw records of a small invented week."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.appeal_helpers import new_appeal, reload
from tests.factories import Actors, City, user
from zhengwu.appeals import actions, numbers
from zhengwu.appeals.models import Appeal, AppealEvent, Assignment, Evaluation, RejectionReason
from zhengwu.appeals.periodic import run_checks
from zhengwu.lib.workdays import SHANGHAI
from zhengwu.org.models import Role
from zhengwu.reports import actions as report_actions
from zhengwu.reports import builders, periods, queries
from zhengwu.reports.models import DailyRollup, Dimension, PeriodType, Report
from zhengwu.reports.rollups import refresh

pytestmark = pytest.mark.django_db

WEEK = periods.Period(PeriodType.WEEK, dt.date(2025, 6, 9), dt.date(2025, 6, 15))


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def evaluate(appeal: Appeal, resolution: str, satisfaction: str) -> None:
    token = numbers.new_token()
    Appeal.objects.filter(pk=appeal.pk).update(
        evaluation_token_hash=numbers.digest(appeal.number, token)
    )
    actions.do_evaluate(
        reload(appeal),
        actions.Verdict(resolution, satisfaction),
        acting_user=AnonymousUser(),
        token=token,
    )


def reply_and_close(appeal: Appeal, handler, dispatcher) -> None:
    actions.do_submit_reply(
        reload(appeal), actions.ReplyDraft("已处理完毕，感谢您的反映和监督。"), acting_user=handler
    )
    actions.do_review_reply(reload(appeal), True, acting_user=dispatcher)


@pytest.fixture
def week(city: City, actors: Actors) -> dict:
    """A week of work: two departments, on-time and late answers, unhappy citizens, returns."""
    a, b = actors.handler_a, actors.handler_b
    made: dict = {}
    with time_machine.travel(at(2025, 6, 9, 9), tick=False):  # Monday
        made["fast"] = actions.do_dispatch(
            new_appeal(city, phone="13700000001"),
            actions.Route(city.dept_a),
            acting_user=actors.dispatcher,
        )
        made["slow"] = actions.do_dispatch(
            new_appeal(city, phone="13700000002", appeal_type="consultation"),
            actions.Route(city.dept_b),
            acting_user=actors.dispatcher,
        )
        made["bounced"] = actions.do_dispatch(
            new_appeal(city, phone="13700000003"),
            actions.Route(city.dept_b),
            acting_user=actors.dispatcher,
        )
        made["refused"] = new_appeal(city, phone="13700000004")
        actions.do_reject(
            made["refused"],
            RejectionReason.objects.get(code="petition"),
            acting_user=actors.dispatcher,
        )
    with time_machine.travel(at(2025, 6, 9, 10), tick=False):
        actions.do_sign(made["fast"], acting_user=a)  # within 4 office hours
        actions.do_return(made["bounced"], "not_our_duty", "应由城市管理局办理", acting_user=b)
        actions.do_dispatch(
            reload(made["bounced"]), actions.Route(city.dept_a), acting_user=actors.dispatcher
        )
    with time_machine.travel(at(2025, 6, 10, 16), tick=False):
        actions.do_sign(made["slow"], acting_user=b)  # a day late
        reply_and_close(made["fast"], a, actors.dispatcher)
        evaluate(made["fast"], "resolved", "satisfied")
    with time_machine.travel(at(2025, 6, 13, 9), tick=False):
        run_checks()  # the consultation (3 working days, due Thu 12th) is now overdue
        actions.do_supervise(
            reload(made["slow"]), 1, "请立即办理并反馈", 2, acting_user=actors.supervisor
        )
        reply_and_close(made["slow"], b, actors.dispatcher)
        evaluate(made["slow"], "unresolved", "dissatisfied")
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        refresh(rebuild=True)
    return made


def in_week(field: str) -> dict:
    lower = dt.datetime.combine(WEEK.start, dt.time.min, tzinfo=SHANGHAI)
    upper = dt.datetime.combine(WEEK.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return {f"{field}__gte": lower, f"{field}__lt": upper}


def test_city_totals_match_the_raw_records(week: dict) -> None:
    line = queries.city(WEEK)
    leads = Assignment.objects.filter(role="lead", **in_week("dispatched_at"))
    closes = AppealEvent.objects.filter(
        kind__in=["reply_approved", "answered_directly"], **in_week("created_at")
    )
    on_time = [e for e in closes if e.created_at <= e.appeal.deadline]
    evaluations = Evaluation.objects.filter(**in_week("created_at"))
    assert line.counts["received"] == Appeal.objects.filter(**in_week("received_at")).count() == 4
    assert line.counts["rejected"] == 1
    assert line.counts["dispatched"] == leads.count() == 4
    responded = [x for x in leads if x.signed_at and x.signed_at <= x.response_due]
    assert line.values["response_rate"] == pytest.approx(len(responded) / leads.count())
    assert line.counts["closed"] == closes.count() == 2
    assert line.values["on_time_rate"] == pytest.approx(len(on_time) / closes.count()) == 0.5
    assert line.counts["evaluated"] == evaluations.count() == 2
    assert line.values["satisfaction_rate"] == pytest.approx(0.5)
    assert line.values["resolution_rate"] == pytest.approx(0.5)
    assert line.counts["overdue"] == 1 and line.counts["supervised"] == 1
    assert line.counts["returned"] == 1


def test_department_lines_attribute_work_to_the_right_body(week: dict, city: City) -> None:
    lines = queries.totals(Dimension.ORGANISATION, WEEK)
    dept_a, dept_b = lines[str(city.dept_a.pk)], lines[str(city.dept_b.pk)]
    assert dept_a.counts["dispatched"] == 2 and dept_b.counts["dispatched"] == 2
    assert dept_b.counts["returned"] == 1 and dept_a.counts["returned"] == 0
    assert dept_a.values["on_time_rate"] == 1 and dept_b.values["on_time_rate"] == 0
    assert dept_b.values["satisfaction_rate"] == 0 and dept_b.counts["overdue"] == 1


def test_the_four_reports_build(week: dict) -> None:
    intake = builders.intake_report(WEEK)
    received = next(i for i in intake["summary"] if i["label"] == "受理量")
    assert received["value"] == 4 and received["previous"] == 0
    channels = next(t for t in intake["tables"] if t["title"] == "按渠道")
    assert channels["rows"][0][:3] == ["门户网站", 4, 0]
    departments = builders.departments_report(WEEK, minimum=1)
    table = departments["tables"][0]
    assert table["title"].startswith("市直部门")
    assert [row[1] for row in table["rows"]] == ["市城市管理局", "市生态环境局"]
    assert "较好的单位是市城市管理局" in departments["findings"][0]
    supervision = builders.supervision_report(WEEK)
    assert supervision["tables"][0]["rows"][0][:2] == ["市生态环境局", 1]
    hot = builders.hotspots_report(WEEK)
    assert hot["tables"][0]["title"] == "热点事项"


def test_an_empty_period_reports_zeros_and_no_rates(db) -> None:
    quiet = periods.Period(PeriodType.WEEK, dt.date(2024, 1, 1), dt.date(2024, 1, 7))
    report = builders.intake_report(quiet)
    values = {item["label"]: item["value"] for item in report["summary"]}
    assert values["受理量"] == 0 and values["办结率"] is None and values["满意率"] is None
    builders.departments_report(quiet)
    builders.supervision_report(quiet)


def test_periods_refuse_bad_input() -> None:
    with pytest.raises(ValidationError, match="尚未结束"):
        periods.finished(PeriodType.WEEK, dt.date(2025, 6, 11), today=dt.date(2025, 6, 12))
    with pytest.raises(ValidationError, match="早于"):
        periods.custom(dt.date(2025, 6, 10), dt.date(2025, 6, 1), today=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="未来"):
        periods.custom(dt.date(2026, 6, 10), dt.date(2026, 6, 11), today=dt.date(2025, 7, 1))
    quarter = periods.containing(PeriodType.QUARTER, dt.date(2025, 8, 20))
    assert (quarter.start, quarter.end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert periods.containing(PeriodType.WEEK, dt.date(2025, 6, 15)).start == dt.date(2025, 6, 9)
    assert periods.containing(PeriodType.YEAR, dt.date(2025, 6, 15)).previous().start.year == 2024


def test_refresh_recounts_only_touched_days_and_agrees_with_a_rebuild(
    week: dict, city: City, actors: Actors
) -> None:
    with time_machine.travel(at(2025, 6, 17, 9), tick=False):
        new_appeal(city, phone="13700000009")
        result = refresh()
    assert result["days"] == 1
    incremental = sorted(DailyRollup.objects.values_list("day", "dimension", "key", "received"))
    with time_machine.travel(at(2025, 6, 17, 10), tick=False):
        refresh(rebuild=True)
    assert (
        sorted(DailyRollup.objects.values_list("day", "dimension", "key", "received"))
        == incremental
    )


def test_a_late_signature_updates_its_dispatch_day(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 9, 9), tick=False):
        appeal = actions.do_dispatch(
            new_appeal(city), actions.Route(city.dept_a), acting_user=actors.dispatcher
        )
        refresh()
    with time_machine.travel(at(2025, 6, 9, 11), tick=False):
        actions.do_sign(appeal, acting_user=actors.handler_a)
    with time_machine.travel(at(2025, 6, 11, 9), tick=False):
        refresh()
    assert queries.city(WEEK).counts["responded"] == 1


def second_supervisor(city: City):
    return user("supervisor2", (city.centre, Role.SUPERVISOR))


def test_generate_review_publish_and_the_snapshot_stays_frozen(
    week: dict, city: City, actors: Actors
) -> None:
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        report = report_actions.do_generate_report(
            "intake", "week", dt.date(2025, 6, 11), acting_user=actors.supervisor
        )
        with pytest.raises(ValidationError, match="生成人以外"):
            report_actions.do_review_report(report, acting_user=actors.supervisor)
        with pytest.raises(PermissionDenied):
            report_actions.do_review_report(report, acting_user=actors.dispatcher)
        report_actions.do_review_report(report, acting_user=second_supervisor(city))
        report_actions.do_publish_report(report, acting_user=actors.supervisor)
    frozen = Report.objects.get(pk=report.pk).snapshot
    with time_machine.travel(at(2025, 6, 17, 9), tick=False):
        # Reopened after publication: counted on the day it happens, not in the closed week.
        actions.do_record_callback(
            reload(week["fast"]),
            actions.Verdict("unresolved", "dissatisfied"),
            acting_user=actors.intake,
        )
        refresh()
        same = report_actions.do_generate_report(
            "intake", "week", dt.date(2025, 6, 11), acting_user=actors.supervisor
        )
        # A correction inside the week (an evaluation withdrawn) changes a new draft only.
        Evaluation.objects.filter(appeal=week["fast"], created_at__lt=at(2025, 6, 16)).delete()
        refresh(rebuild=True)
        later = report_actions.do_generate_report(
            "intake", "week", dt.date(2025, 6, 11), acting_user=actors.supervisor
        )
    assert same.snapshot["summary"] == frozen["summary"]
    assert Report.objects.get(pk=report.pk).snapshot == frozen
    assert later.snapshot["summary"] != frozen["summary"]
    with pytest.raises(ValidationError):
        report_actions.do_discard_report(report, acting_user=actors.supervisor)


def test_a_report_for_a_running_week_is_refused(actors: Actors) -> None:
    with (
        time_machine.travel(at(2025, 6, 11, 9), tick=False),
        pytest.raises(ValidationError, match="尚未结束"),
    ):
        report_actions.do_generate_report(
            "intake", "week", dt.date(2025, 6, 10), acting_user=actors.supervisor
        )


@pytest.fixture
def published(week: dict, city: City, actors: Actors) -> Report:
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        report = report_actions.do_generate_report(
            "departments", "week", dt.date(2025, 6, 11), acting_user=actors.supervisor
        )
        report_actions.do_review_report(report, acting_user=second_supervisor(city))
        return report_actions.do_publish_report(report, acting_user=actors.supervisor)


def test_exports_carry_the_chinese_text(published: Report) -> None:
    client = Client()
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports:export", args=[published.pk, "xlsx"])).content)
    )
    assert "部门办理情况通报" in workbook["概况"]["A1"].value
    assert workbook["表1"]["B4"].value in {"市城市管理局", "市生态环境局"}
    document = Document(
        io.BytesIO(client.get(reverse("reports:export", args=[published.pk, "docx"])).content)
    )
    assert any("部门办理情况通报" in p.text for p in document.paragraphs)
    pdf = PdfReader(
        io.BytesIO(client.get(reverse("reports:export", args=[published.pk, "pdf"])).content)
    )
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "市城市管理局" in text and "响应率" in text
    assert client.get(reverse("reports:export", args=[published.pk, "exe"])).status_code == 404


def test_public_pages_show_only_published_reports(published: Report, actors: Actors) -> None:
    draft = Report.objects.create(
        kind="intake",
        period_type="week",
        start=WEEK.start,
        end=WEEK.end,
        title="草稿",
        snapshot={},
        generated_at=published.generated_at,
    )
    client = Client()
    assert published.title in client.get(reverse("reports:public_list")).content.decode()
    assert client.get(reverse("reports:public_detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("reports:public_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:export", args=[draft.pk, "pdf"])).status_code == 404
    for page in (reverse("reports:list"), reverse("reports:detail", args=[draft.pk])):
        assert client.get(page).status_code == 404
        handler = Client()
        handler.force_login(actors.handler_a)
        assert handler.get(page).status_code == 404


def test_staff_generate_through_the_page(week: dict, actors: Actors) -> None:
    client = Client()
    client.force_login(actors.supervisor)
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        response = client.post(
            reverse("reports:generate"),
            {"kind": "supervision", "period_type": "week", "day": "2025-06-11"},
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "督办通报" in page and "市生态环境局" in page
        future = client.post(
            reverse("reports:generate"),
            {"kind": "supervision", "period_type": "week", "day": "2025-06-20"},
        )
    assert future.status_code == 400 and "尚未结束" in future.content.decode()


def test_the_dashboard_for_the_city_and_for_a_department(
    week: dict, city: City, actors: Actors
) -> None:
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        client = Client()
        client.force_login(actors.leader)
        page = client.get(reverse("reports:dashboard"), {"range": "30"})
        assert page.status_code == 200 and "chart-data" in page.content.decode()
        department_leader = user("leader_a", (city.dept_a, Role.LEADER))
        client.force_login(department_leader)
        scoped = client.get(reverse("reports:dashboard")).content.decode()
        assert "本单位" in scoped
        client.force_login(actors.handler_a)
        assert client.get(reverse("reports:dashboard")).status_code == 404
        bad = Client()
        bad.force_login(actors.leader)
        assert (
            bad.get(
                reverse("reports:dashboard"), {"start": "2025-06-10", "end": "2025-06-01"}
            ).status_code
            == 200
        )


def test_the_assessment_shows_its_calculation(week: dict, actors: Actors) -> None:
    client = Client()
    client.force_login(actors.leader)
    with time_machine.travel(at(2025, 12, 31, 9), tick=False):
        page = client.get(reverse("reports:assessment"), {"year": "2025"}).content.decode()
    assert "市城市管理局" in page and "加权得分" in page and "不参与排名" in page


TOOLS = {name: shutil.which(name) for name in ("soffice", "pdftotext", "pdffonts")}


def run_tool(name: str, *args: str) -> str:
    path = TOOLS[name]
    assert path, f"{name} is missing (CI=true requires LibreOffice and poppler-utils)"
    done = subprocess.run(  # noqa: S603 (our own arguments, a tool found on PATH)
        [path, *args], check=True, capture_output=True, text=True, timeout=180
    )
    return done.stdout


@pytest.mark.skipif(
    not all(TOOLS.values()) and os.environ.get("CI") != "true",
    reason="LibreOffice or poppler-utils is not installed",
)
def test_exports_open_in_libreoffice_with_the_chinese_text(
    published: Report, tmp_path: Path
) -> None:
    """What an official does with the files: open them in LibreOffice (here: convert them to PDF
    with it) and read the Chinese text, laid out in a CJK font."""
    client = Client()
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    for kind in ("xlsx", "docx"):
        source = tmp_path / f"report.{kind}"
        source.write_bytes(client.get(reverse("reports:export", args=[published.pk, kind])).content)
        outdir = str(tmp_path / kind)
        run_tool(
            "soffice",
            profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            outdir,
            str(source),
        )
        pdf = str(tmp_path / kind / "report.pdf")
        text = run_tool("pdftotext", "-enc", "UTF-8", pdf, "-")
        assert "部门办理情况通报" in text and "市城市管理局" in text, kind
        fonts = run_tool("pdffonts", pdf)
        assert re.search(r"CJK|Song|Hei|Ming|Kai", fonts), fonts


def test_hot_items_count_each_matter_per_county_against_the_week_before(city: City) -> None:
    from zhengwu.dispatch.models import Category

    lamps = Category.objects.create(name="路灯")
    noise = Category.objects.create(name="噪声")
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):  # the week before
        new_appeal(city, phone="13700000009", category=lamps)
        new_appeal(city, phone="13700000010", category=noise)
    with time_machine.travel(at(2025, 6, 10, 9), tick=False):
        for phone in ("13700000011", "13700000011", "13700000012"):
            new_appeal(city, phone=phone, category=lamps)
        new_appeal(city, phone="13700000013", category=noise, division=None)
    rows = builders.hotspots_report(WEEK)["tables"][0]["rows"]
    # Rank, matter, county, appeals, citizens, the week before, change, answered.
    assert rows[0][1:7] == ["路灯", "金水区", 3, 2, 1, 2.0]
    # No place: a city-wide item, not the county's noise of the week before.
    assert rows[1][1:7] == ["噪声", "全市", 1, 1, 0, None]
    assert len(rows) == 2
