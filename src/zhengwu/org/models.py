"""The city's structure as data: divisions, organisations, people and their roles, the calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.lib import credit_code
from zhengwu.lib.masking import mask_email, mask_phone

PHONE_VALIDATOR_MESSAGE = _("请输入11位中国大陆手机号码。")


def validate_mobile(value: str) -> None:
    if not (len(value) == 11 and value.isdigit() and value.startswith("1")):
        raise ValidationError(PHONE_VALIDATOR_MESSAGE, code="invalid_phone")


def validate_credit_code(value: str) -> None:
    try:
        credit_code.validate(value)
    except credit_code.CreditCodeError as exc:
        raise ValidationError(str(exc), code="invalid_credit_code") from exc


class User(AbstractUser):
    """Everyone who signs in: staff of any organisation, and citizens (registered by phone
    or e-mail).

    Staff are users with at least one active Membership; their roles live there, not here.
    """

    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
    )
    email = models.EmailField(_("电子邮箱"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def _normalise_contacts(self) -> None:
        # Unique but optional: "no value" is NULL, never "", so many users may have none.
        self.email = self.email or None
        self.phone = self.phone or None

    def clean(self) -> None:
        super().clean()
        self._normalise_contacts()

    def save(self, *args, **kwargs) -> None:
        self._normalise_contacts()
        super().save(*args, **kwargs)

    @property
    def masked_contact(self) -> str:
        if self.phone:
            return mask_phone(self.phone)
        return mask_email(self.email or "")


class Division(models.Model):
    """An administrative division (行政区划). Codes follow the 12-digit statistical division code,
    so a division's descendants are exactly the codes that start with its significant prefix."""

    class Level(models.IntegerChoices):
        CITY = 1, _("市")
        COUNTY = 2, _("县（市、区）")
        TOWNSHIP = 3, _("乡镇（街道）")
        COMMUNITY = 4, _("社区（村）")

    class Kind(models.TextChoices):
        CITY = "city", _("地级市")
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        DEV_ZONE = "dev_zone", _("开发区")
        STREET = "street", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")

    # Significant digits of the code at each level: 4101 / 410105 / 410105001 / 410105001001.
    PREFIX_LENGTH = {Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.COMMUNITY: 12}
    KINDS_BY_LEVEL = {
        Level.CITY: {Kind.CITY},
        Level.COUNTY: {Kind.DISTRICT, Kind.COUNTY, Kind.COUNTY_CITY, Kind.DEV_ZONE},
        Level.TOWNSHIP: {Kind.STREET, Kind.TOWN, Kind.TOWNSHIP},
        Level.COMMUNITY: {Kind.COMMUNITY, Kind.VILLAGE},
    }

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: self.PREFIX_LENGTH[self.level]]

    def clean(self) -> None:
        if not (len(self.code) == 12 and self.code.isdigit()):
            raise ValidationError({"code": _("区划代码应为12位数字。")})
        if self.level and self.kind and self.kind not in self.KINDS_BY_LEVEL[self.level]:
            raise ValidationError({"kind": _("区划类型与层级不符。")})
        if self.level:
            self._clean_hierarchy()

    def _clean_hierarchy(self) -> None:
        significant = self.PREFIX_LENGTH[self.level]
        if self.code[significant:].strip("0"):
            raise ValidationError({"code": _("区划代码超出本层级的位数应为0。")})
        if self.level == self.Level.CITY:
            if self.parent_id:
                raise ValidationError({"parent": _("市级区划没有上级区划。")})
            return
        if self.parent is None or self.parent.level != self.level - 1:
            raise ValidationError({"parent": _("上级区划必须是上一层级的区划。")})
        if not self.code.startswith(self.parent.prefix):
            raise ValidationError({"code": _("区划代码必须以上级区划代码开头。")})

    def descendants_q(self, field: str = "") -> Q:
        """A filter matching this division and everything under it (on `field`__code)."""
        path = f"{field}__code" if field else "code"
        return Q(**{f"{path}__startswith": self.prefix})


class Organisation(models.Model):
    """A government body that receives, handles or supervises work: a department, a district
    government, a development-zone committee, a vertically managed unit, or the supervision
    centre (督办中心)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("市人民政府")
        MUNICIPAL = "municipal", _("市直部门")
        DISTRICT = "district", _("县区政府")
        DEV_ZONE = "dev_zone", _("开发区管委会")
        VERTICAL = "vertical", _("垂直管理单位")
        STREET = "street", _("乡镇街道")
        CENTRE = "centre", _("督办中心")
        ENTERPRISE = "enterprise", _("公共企事业单位")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("服务区划"), on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organisation_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Organisation]:
        """Parents up to the root; stops (and reports) rather than looping on a corrupt cycle."""
        chain: list[Organisation] = []
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError(_("单位隶属关系出现循环。"))
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain

    def clean(self) -> None:
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("单位不能以自己为上级单位。")})
        ancestor_ids = {a.pk for a in self.parent.ancestors()} | {self.parent_id}
        if self.pk is not None and self.pk in ancestor_ids:
            raise ValidationError({"parent": _("不能把下级单位设为上级单位：隶属关系会形成循环。")})


class Role(models.TextChoices):
    INTAKE_AGENT = "intake_agent", _("受理员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    DEPT_ADMIN = "dept_admin", _("部门管理员")
    SUPERVISOR = "supervisor", _("督办员")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")


# Which kinds of organisation each role may exist in. Intake, dispatch and supervision are the
# centre's work; handling happens in the bodies that own the matters; leaders sit anywhere.
CENTRE_ONLY = {Organisation.Kind.CENTRE}
HANDLING_KINDS = set(Organisation.Kind) - {Organisation.Kind.GOVERNMENT}
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.INTAKE_AGENT: CENTRE_ONLY,
    Role.DISPATCHER: CENTRE_ONLY,
    Role.SUPERVISOR: CENTRE_ONLY,
    Role.SYSADMIN: CENTRE_ONLY,
    Role.HANDLER: HANDLING_KINDS,
    Role.DEPT_ADMIN: set(Organisation.Kind),
    Role.LEADER: set(Organisation.Kind),
}


class Membership(models.Model):
    """A user's role in an organisation. A user may hold several (two roles, or two bodies)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, set())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError(
                {
                    "role": _("“%(role)s”不能设在%(kind)s。")
                    % {
                        "role": Role(self.role).label,
                        "kind": self.organisation.get_kind_display(),
                    }
                }
            )


class HolidayNotice(models.Model):
    """The State Council's yearly holiday notice (国务院办公厅关于某年部分节假日安排的通知).

    When a year has a notice here, it replaces the bundled calendar for that year entirely, so an
    administrator can both add years the library does not know and correct one it gets wrong.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarAdjustment(models.Model):
    """One line of a notice: a holiday period off work, or make-up working days (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    notice = models.ForeignKey(HolidayNotice, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=30)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("放假或调休")
        verbose_name_plural = _("放假或调休")

    def __str__(self) -> str:
        return f"{self.name} {self.get_kind_display()} {self.start}–{self.end}"

    def days(self) -> list[dt.date]:
        span = (self.end - self.start).days
        return [self.start + dt.timedelta(days=i) for i in range(span + 1)]
