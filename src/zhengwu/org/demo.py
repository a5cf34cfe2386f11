"""The demo city: a Zhengzhou-like municipality with its divisions, bodies and one account per role.

Loading is idempotent: every row is upserted by its natural key through the same use cases the
admin uses, so a second run changes nothing and writes no audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zhengwu.lib import credit_code
from zhengwu.org import actions
from zhengwu.org.models import Division, Organisation, Role, User

CITY_CODE = "410100000000"
DEMO_PASSWORD = "Zhengwu@2026"  # noqa: S105 (published demo credential, demo data only)

# County-level divisions: (6-digit code, name, short name, kind).
COUNTIES = [
    ("410102", "中原区", "中原", Division.Kind.DISTRICT),
    ("410103", "二七区", "二七", Division.Kind.DISTRICT),
    ("410104", "管城回族区", "管城", Division.Kind.DISTRICT),
    ("410105", "金水区", "金水", Division.Kind.DISTRICT),
    ("410106", "上街区", "上街", Division.Kind.DISTRICT),
    ("410108", "惠济区", "惠济", Division.Kind.DISTRICT),
    ("410122", "中牟县", "中牟", Division.Kind.COUNTY),
    ("410181", "巩义市", "巩义", Division.Kind.COUNTY_CITY),
    ("410182", "荥阳市", "荥阳", Division.Kind.COUNTY_CITY),
    ("410183", "新密市", "新密", Division.Kind.COUNTY_CITY),
    ("410184", "新郑市", "新郑", Division.Kind.COUNTY_CITY),
    ("410185", "登封市", "登封", Division.Kind.COUNTY_CITY),
    ("410171", "郑州经济技术开发区", "经开区", Division.Kind.DEV_ZONE),
    ("410172", "郑州高新技术产业开发区", "高新区", Division.Kind.DEV_ZONE),
    ("410173", "郑州航空港经济综合实验区", "航空港区", Division.Kind.DEV_ZONE),
    ("410190", "郑东新区", "郑东", Division.Kind.DEV_ZONE),
]

# Streets of the urban districts, each with a few communities (names in the local style).
STREETS = {
    "410102": [
        ("林山寨街道", ["百花社区", "伏牛路社区"]),
        ("建设路街道", ["互助路社区", "工人新村社区"]),
        ("棉纺路街道", ["国棉三厂社区", "国棉四厂社区"]),
    ],
    "410103": [
        ("解放路街道", ["兴华社区", "钱塘社区"]),
        ("铭功路街道", ["大同路社区", "福寿街社区"]),
        ("一马路街道", ["陇海社区", "京广社区"]),
    ],
    "410104": [
        ("北下街街道", ["清真寺社区", "书院街社区"]),
        ("西大街街道", ["西大街社区", "城隍庙社区"]),
        ("南关街道", ["南关社区", "紫荆山南路社区"]),
    ],
    "410105": [
        ("经八路街道", ["黄河路社区", "经七路社区"]),
        ("花园路街道", ["农科路社区", "国基路社区"]),
        ("人民路街道", ["太康路社区", "人民路社区"]),
        ("杜岭街道", ["金水路社区", "商城路社区"]),
        ("丰庆路街道", ["丰庆路社区", "天明路社区"]),
    ],
    "410106": [
        ("济源路街道", ["金华社区", "新安路社区"]),
        ("中心路街道", ["中心路社区", "许昌路社区"]),
    ],
    "410108": [
        ("新城街道", ["迎宾路社区", "天河路社区"]),
        ("长兴路街道", ["长兴路社区", "江山路社区"]),
    ],
    "410190": [
        ("如意湖街道", ["如意湖社区", "商都路社区"]),
        ("龙子湖街道", ["龙子湖社区", "博学路社区"]),
    ],
    "410172": [
        ("石佛办事处", ["石佛社区", "梧桐社区"]),
        ("沟赵办事处", ["沟赵社区", "西史赵社区"]),
    ],
}

# Municipal departments that receive work from the hub (市直部门).
MUNICIPAL = [
    "市发展和改革委员会",
    "市教育局",
    "市科学技术局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房保障和房地产管理局",
    "市城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村工作委员会",
    "市商务局",
    "市文化广电和旅游局",
    "市卫生健康委员会",
    "市退役军人事务局",
    "市应急管理局",
    "市审计局",
    "市人民政府国有资产监督管理委员会",
    "市市场监督管理局",
    "市体育局",
    "市统计局",
    "市医疗保障局",
    "市园林局",
    "市林业局",
    "市人民防空办公室",
    "市信访局",
    "市大数据管理局",
    "市政务服务办公室",
    "市机关事务管理局",
    "市地方金融监督管理局",
    "市外事办公室",
    "市民族宗教事务局",
    "市粮食和物资储备局",
    "市消防救援支队",
    "市公共交通集团有限公司管理办公室",
    "市住房公积金管理中心",
    "市城市照明管理处",
    "市供水节水管理办公室",
]
VERTICAL = ["国家税务总局郑州市税务局", "郑州市烟草专卖局", "郑州海关驻市区办事处"]
ENTERPRISES = ["国网郑州供电公司", "郑州水务集团有限公司", "郑州华润燃气股份有限公司"]
CENTRE = "市委市政府媒体网络事项督办中心"
GOVERNMENT = "郑州市人民政府"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    organisation: str
    role: str | None  # None: a citizen
    phone: str = ""

    @property
    def login(self) -> str:
        return self.phone or self.username


ACCOUNTS = [
    DemoAccount("admin", "系统管理员", CENTRE, Role.SYSADMIN),
    DemoAccount("intake", "受理员王敏", CENTRE, Role.INTAKE_AGENT),
    DemoAccount("dispatcher", "派单员李强", CENTRE, Role.DISPATCHER),
    DemoAccount("supervisor", "督办员赵磊", CENTRE, Role.SUPERVISOR),
    DemoAccount("supervisor2", "督办员钱芳", CENTRE, Role.SUPERVISOR),
    DemoAccount("handler_a", "承办人陈静", "市城市管理局", Role.HANDLER),
    DemoAccount("handler_b", "承办人刘洋", "市生态环境局", Role.HANDLER),
    DemoAccount("handler_jinshui", "承办人孙悦", "金水区人民政府", Role.HANDLER),
    DemoAccount("deptadmin_a", "部门管理员周涛", "市城市管理局", Role.DEPT_ADMIN),
    DemoAccount("leader", "市领导", GOVERNMENT, Role.LEADER),
    DemoAccount("", "张先生", "", None, phone="13900001111"),
]


def _code(prefix: str) -> str:
    return prefix.ljust(12, "0")


def _credit_code(division_code: str, serial: int) -> str:
    # 1 = 机构编制 authority, 1 = 机关; a made-up but check-valid organisation code.
    return credit_code.make("11" + division_code[:6], f"{5750000 + serial:08d}")


def load_divisions() -> dict[str, Division]:
    city = actions.do_save_division(
        CITY_CODE,
        {
            "name": "郑州市",
            "short_name": "郑州",
            "level": Division.Level.CITY,
            "kind": Division.Kind.CITY,
            "parent": None,
        },
        acting_user=None,
    )
    counties = {}
    for code, name, short, kind in COUNTIES:
        counties[code] = actions.do_save_division(
            _code(code),
            {
                "name": name,
                "short_name": short,
                "level": Division.Level.COUNTY,
                "kind": kind,
                "parent": city,
            },
            acting_user=None,
        )
        for i, (street, communities) in enumerate(STREETS.get(code, []), start=1):
            _load_street(counties[code], f"{code}{i:03d}", street, communities)
    return {"city": city, **counties}


def _load_street(county: Division, code: str, name: str, communities: list[str]) -> None:
    street = actions.do_save_division(
        _code(code),
        {
            "name": name,
            "short_name": name.removesuffix("街道").removesuffix("办事处"),
            "level": Division.Level.TOWNSHIP,
            "kind": Division.Kind.STREET,
            "parent": county,
        },
        acting_user=None,
    )
    for j, community in enumerate(communities, start=1):
        actions.do_save_division(
            _code(f"{code}{j:03d}"),
            {
                "name": community,
                "short_name": community.removesuffix("社区"),
                "level": Division.Level.COMMUNITY,
                "kind": Division.Kind.COMMUNITY,
                "parent": street,
            },
            acting_user=None,
        )


def _save_org(
    name: str,
    kind: str,
    division: Division,
    parent: Organisation | None,
    serial: int,
    short_name: str = "",
) -> Organisation:
    return actions.do_save_organisation(
        name,
        {
            "kind": kind,
            "division": division,
            "parent": parent,
            "credit_code": _credit_code(division.code, serial),
            "short_name": short_name,
        },
        acting_user=None,
    )


def load_organisations(divisions: dict[str, Division]) -> None:
    city = divisions["city"]
    government = _save_org(GOVERNMENT, Organisation.Kind.GOVERNMENT, city, None, 1, "市政府")
    _save_org(CENTRE, Organisation.Kind.CENTRE, city, government, 2, "督办中心")
    serial = 10
    for name in MUNICIPAL:
        serial += 1
        _save_org(
            name, Organisation.Kind.MUNICIPAL, city, government, serial, name.removeprefix("市")
        )
    for name in VERTICAL:
        serial += 1
        _save_org(name, Organisation.Kind.VERTICAL, city, None, serial)
    for name in ENTERPRISES:
        serial += 1
        _save_org(name, Organisation.Kind.ENTERPRISE, city, None, serial)
    for code, name, short, kind in COUNTIES:
        serial += 1
        _load_county_government(divisions[code], name, short, kind, government, serial)


def _load_county_government(
    division: Division, name: str, short: str, kind: str, government: Organisation, serial: int
) -> None:
    if kind == Division.Kind.DEV_ZONE:
        org_name, org_kind = f"{name}管理委员会", Organisation.Kind.DEV_ZONE
    else:
        org_name, org_kind = f"{name}人民政府", Organisation.Kind.DISTRICT
    county = _save_org(org_name, org_kind, division, government, serial, short)
    for i, street in enumerate(division.children.order_by("code"), start=1):
        office = street.name if street.name.endswith("办事处") else f"{name}{street.name}办事处"
        _save_org(office, Organisation.Kind.STREET, street, county, serial * 100 + i)


def load_accounts() -> list[DemoAccount]:
    for account in ACCOUNTS:
        if User.objects.filter(username=account.login).exists():
            continue
        if account.role is None:
            actions.do_register_citizen(
                password=DEMO_PASSWORD, phone=account.phone, display_name=account.display_name
            )
            continue
        organisation = Organisation.objects.get(name=account.organisation)
        staff = actions.StaffAccount(account.username, account.display_name, DEMO_PASSWORD)
        actions.do_create_staff(organisation, staff, account.role, acting_user=None)
    return ACCOUNTS


@transaction.atomic
def load_demo_city() -> list[DemoAccount]:
    divisions = load_divisions()
    load_organisations(divisions)
    return load_accounts()
