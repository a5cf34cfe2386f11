"""A small city for tests: written by the project, shared by every test module."""

from __future__ import annotations

from dataclasses import dataclass

from zhengwu.lib import credit_code
from zhengwu.org.models import Division, Membership, Organisation, Role, User

PASSWORD = "Test-pass-2026!"


def division(
    code: str, name: str, level: int, kind: str, parent: Division | None = None
) -> Division:
    return Division.objects.create(
        code=code.ljust(12, "0"), name=name, level=level, kind=kind, parent=parent
    )


def organisation(
    name: str, kind: str, division: Division, serial: int, parent: Organisation | None = None
) -> Organisation:
    code = credit_code.make("11" + division.code[:6], f"{9000000 + serial:08d}")
    return Organisation.objects.create(
        name=name, kind=kind, division=division, credit_code=code, parent=parent
    )


def user(username: str, *posts: tuple[Organisation, str], phone: str | None = None) -> User:
    person = User.objects.create_user(
        username=username, password=PASSWORD, phone=phone, display_name=username
    )
    for org, role in posts:
        Membership.objects.create(user=person, organisation=org, role=role)
    return person


@dataclass
class City:
    city: Division
    jinshui: Division
    street: Division
    erqi: Division
    government: Organisation
    centre: Organisation
    dept_a: Organisation
    dept_b: Organisation
    district: Organisation


def build_city() -> City:
    city = division("4101", "测试市", Division.Level.CITY, Division.Kind.CITY)
    jinshui = division("410105", "金水区", Division.Level.COUNTY, Division.Kind.DISTRICT, city)
    street = division(
        "410105001", "经八路街道", Division.Level.TOWNSHIP, Division.Kind.STREET, jinshui
    )
    erqi = division("410103", "二七区", Division.Level.COUNTY, Division.Kind.DISTRICT, city)
    government = organisation("测试市人民政府", Organisation.Kind.GOVERNMENT, city, 1)
    return City(
        city=city,
        jinshui=jinshui,
        street=street,
        erqi=erqi,
        government=government,
        centre=organisation("督办中心", Organisation.Kind.CENTRE, city, 2, government),
        dept_a=organisation("市城市管理局", Organisation.Kind.MUNICIPAL, city, 3, government),
        dept_b=organisation("市生态环境局", Organisation.Kind.MUNICIPAL, city, 4, government),
        district=organisation("金水区人民政府", Organisation.Kind.DISTRICT, jinshui, 5, government),
    )


@dataclass
class Actors:
    citizen: User
    intake: User
    dispatcher: User
    supervisor: User
    handler_a: User
    handler_b: User
    dept_admin_a: User
    leader: User
    sysadmin: User


def build_actors(city: City) -> Actors:
    return Actors(
        citizen=user("citizen", phone="13900001111"),
        intake=user("intake", (city.centre, Role.INTAKE_AGENT)),
        dispatcher=user("dispatcher", (city.centre, Role.DISPATCHER)),
        supervisor=user("supervisor", (city.centre, Role.SUPERVISOR)),
        handler_a=user("handler_a", (city.dept_a, Role.HANDLER)),
        handler_b=user("handler_b", (city.dept_b, Role.HANDLER)),
        dept_admin_a=user("dept_admin_a", (city.dept_a, Role.DEPT_ADMIN)),
        leader=user("leader", (city.government, Role.LEADER)),
        sysadmin=user("sysadmin", (city.centre, Role.SYSADMIN)),
    )


def audit_chain_intact() -> bool:
    """Chain the audit rows written so far (the background chainer's job), then verify."""
    from zhengwu.audit.chain import chain_pending
    from zhengwu.audit.verify import verify_chain

    chain_pending()
    report = verify_chain()
    return report.ok and report.unchained == 0 and report.checked > 0
