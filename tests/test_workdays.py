from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.lib.workdays import (
    SHANGHAI,
    Adjustment,
    CalendarYearUnknown,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    check_notice,
    notice_exceptions,
    working_days_between,
    working_hours_between,
)

CAL = WorkCalendar()
D = dt.date


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


# (year, days off, make-up working days) — from the State Council notices for each year.
HOLIDAY_PERIODS = [
    ("2023 春节", [D(2023, 1, d) for d in range(21, 28)], [D(2023, 1, 28), D(2023, 1, 29)]),
    (
        "2023 中秋国庆",
        [D(2023, 9, 29), D(2023, 9, 30)] + [D(2023, 10, d) for d in range(1, 7)],
        [D(2023, 10, 7), D(2023, 10, 8)],
    ),
    ("2024 春节", [D(2024, 2, d) for d in range(10, 18)], [D(2024, 2, 4), D(2024, 2, 18)]),
    ("2024 国庆", [D(2024, 10, d) for d in range(1, 8)], [D(2024, 9, 29), D(2024, 10, 12)]),
    (
        "2025 春节",
        [D(2025, 1, d) for d in range(28, 32)] + [D(2025, 2, d) for d in range(1, 5)],
        [D(2025, 1, 26), D(2025, 2, 8)],
    ),
    ("2025 国庆中秋", [D(2025, 10, d) for d in range(1, 9)], [D(2025, 9, 28), D(2025, 10, 11)]),
    ("2026 春节", [D(2026, 2, d) for d in range(15, 24)], [D(2026, 2, 14), D(2026, 2, 28)]),
]


@pytest.mark.parametrize(
    ("name", "off", "makeup"), HOLIDAY_PERIODS, ids=[p[0] for p in HOLIDAY_PERIODS]
)
def test_it_knows_holiday_periods_and_makeup_days(name: str, off: list, makeup: list) -> None:
    assert [day for day in off if CAL.is_workday(day)] == []
    assert all(CAL.is_workday(day) for day in makeup)
    assert all(day.weekday() >= 5 for day in makeup)


def test_it_counts_from_the_day_after_receipt_across_spring_festival() -> None:
    # Fri 24 Jan 2025: Sat off, Sun 26 make-up (day 1), Mon 27 (day 2), 28 Jan–4 Feb off,
    # Wed 5 Feb (day 3).
    assert add_working_days(CAL, at(2025, 1, 24, 10), 3) == at(2025, 2, 5, 23, 59, 59)


def test_it_counts_national_day_with_its_makeup_saturday() -> None:
    # Received Mon 30 Sep 2024; 1–7 Oct off; Tue 8 Oct is day 1 ... Sat 12 Oct (调休) is day 5.
    assert add_working_days(CAL, at(2024, 9, 30, 9), 5) == at(2024, 10, 12, 23, 59, 59)
    assert add_working_days(CAL, at(2024, 9, 30, 9), 6) == at(2024, 10, 14, 23, 59, 59)


def test_it_gives_the_usual_13_working_day_limit() -> None:
    # Mon 2 Jun 2025 → 13 working days from Tue 3 Jun (no holiday in between) = Thu 19 Jun.
    assert add_working_days(CAL, at(2025, 6, 2, 15), 13) == at(2025, 6, 19, 23, 59, 59)


def test_it_gives_same_day_limit_on_next_working_day_for_weekend_receipt() -> None:
    assert add_working_days(CAL, at(2025, 6, 7, 11), 0) == at(2025, 6, 9, 23, 59, 59)
    assert add_working_days(CAL, at(2025, 6, 5, 11), 0) == at(2025, 6, 5, 23, 59, 59)


def test_it_runs_the_clock_from_receipt_when_asked() -> None:
    start = at(2024, 9, 30, 10)
    due = add_working_days(CAL, start, 2, from_next_day=False)
    assert due == at(2024, 10, 9, 10)
    assert working_days_between(CAL, start, due) == pytest.approx(2)


def test_it_measures_fractional_working_days_and_skips_holidays() -> None:
    assert working_days_between(CAL, at(2024, 9, 30, 12), at(2024, 10, 8, 12)) == pytest.approx(1)
    assert working_days_between(CAL, at(2024, 10, 8, 12), at(2024, 9, 30, 12)) == pytest.approx(-1)
    assert working_days_between(CAL, at(2025, 6, 3, 0), at(2025, 6, 3, 6)) == pytest.approx(0.25)
    assert working_days_between(CAL, at(2025, 6, 2, 0), at(2025, 6, 2, 6)) == 0  # 端午节


def test_it_adds_office_hours_across_lunch_nights_and_weekends() -> None:
    assert add_working_hours(CAL, at(2025, 6, 6, 11), 2) == at(2025, 6, 6, 14)  # lunch break
    assert add_working_hours(CAL, at(2025, 6, 6, 16), 2) == at(2025, 6, 9, 10)  # Fri → Mon
    assert add_working_hours(CAL, at(2025, 6, 6, 20), 0.5) == at(2025, 6, 9, 9, 30)
    assert add_working_hours(CAL, at(2024, 9, 30, 16, 30), 1) == at(2024, 10, 8, 9, 30)


def test_it_measures_office_hours_between_instants() -> None:
    assert working_hours_between(CAL, at(2025, 6, 6, 11), at(2025, 6, 9, 10)) == pytest.approx(6)


def test_it_refuses_years_it_does_not_know_instead_of_counting_weekdays() -> None:
    with pytest.raises(CalendarYearUnknown, match="2031年"):
        CAL.is_workday(D(2031, 3, 3))
    with pytest.raises(CalendarYearUnknown):
        add_working_days(CAL, at(2026, 12, 28, 9), 10)


def test_an_entered_notice_covers_an_unknown_year_and_replaces_the_bundled_one() -> None:
    notice = [
        Adjustment("春节", D(2031, 1, 22), D(2031, 1, 28), is_workday=False),
        Adjustment("春节", D(2031, 1, 18), D(2031, 1, 18), is_workday=True),
    ]
    cal = WorkCalendar(overrides={2031: notice_exceptions(notice), 2025: {}})
    assert not cal.is_workday(D(2031, 1, 22))
    assert cal.is_workday(D(2031, 1, 18))  # a Saturday made a working day
    assert cal.is_workday(D(2031, 3, 3))  # an ordinary Monday
    assert cal.is_workday(D(2025, 1, 28))  # the empty 2025 override replaced the bundled holiday


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_working_days(CAL, dt.datetime(2025, 6, 2, 9), 1)


@pytest.mark.parametrize(
    ("adjustments", "message"),
    [
        ([Adjustment("春节", D(2031, 1, 28), D(2031, 1, 22), False)], "结束日期早于开始日期"),
        (
            [
                Adjustment("春节", D(2031, 1, 22), D(2031, 1, 28), False),
                Adjustment("春节补", D(2031, 1, 27), D(2031, 1, 30), False),
            ],
            "同时出现",
        ),
        ([Adjustment("春节", D(2031, 1, 20), D(2031, 1, 20), True)], "不是周末"),
        ([Adjustment("春节", D(2030, 12, 30), D(2031, 1, 2), False)], "不在2031年内"),
        ([Adjustment("国庆", D(2031, 10, 1), D(2031, 10, 31), False)], "超过14天"),
    ],
)
def test_it_refuses_inconsistent_notices(adjustments: list, message: str) -> None:
    errors = check_notice(2031, adjustments)
    assert any(message in error for error in errors), errors


def test_a_consistent_notice_passes() -> None:
    assert (
        check_notice(
            2031,
            [
                Adjustment("元旦", D(2031, 1, 1), D(2031, 1, 1), False),
                Adjustment("春节", D(2031, 1, 22), D(2031, 1, 28), False),
                Adjustment("春节", D(2031, 1, 18), D(2031, 1, 18), True),
            ],
        )
        == []
    )
