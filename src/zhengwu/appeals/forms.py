from __future__ import annotations

import html
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhengwu.appeals.access import handlers_of
from zhengwu.appeals.actions import Draft, ReopenDecision, Verdict
from zhengwu.appeals.models import (
    AnswerTemplate,
    Mailbox,
    Outcome,
    RejectionReason,
    Resolution,
    ReturnReason,
    Satisfaction,
    Supervision,
)
from zhengwu.dispatch.models import AppealType, Category, Urgency
from zhengwu.lib import refcache
from zhengwu.org.models import Division, Organisation, User, validate_mobile

HANDLING_KINDS = [k for k in Organisation.Kind.values if k not in ("centre", "government")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class QuickSelectMixin:
    """Writes the options in Python instead of one template render per option: the lists of
    bodies (≈90) and catalogue leaves (≈260) cost tens of milliseconds a page otherwise. Same
    markup as Django's select widgets, without option groups (none are used here)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        options = "\n".join(
            '<option value="{}"{}>{}</option>'.format(
                html.escape(str(option["value"])),
                " selected" if option["selected"] else "",
                html.escape(str(option["label"])),
            )
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe(options),  # noqa: S308 (every value and label escaped above)
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


def districts() -> Any:
    return Division.objects.filter(level=Division.Level.COUNTY).order_by("code")


def streets(district: Division | None) -> Any:
    if district is None:
        return Division.objects.none()
    return Division.objects.filter(parent=district).order_by("code")


def leaf_categories() -> Any:
    return Category.objects.filter(is_active=True).order_by("path")


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice of a directory or catalogue row: validated by reading the row through
    `zhengwu.lib.refcache` (no query per submission) and `accepts`, which must say what the
    field's queryset says (the queryset still lists the options on the page)."""

    def __init__(self, *args: Any, accepts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepts = accepts

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            row = refcache.row(self.queryset.model, value)
        except (ValueError, TypeError, ValidationError):
            row = None
        if row is None or not self.accepts(row):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row


def _is_county(row: Division) -> bool:
    return row.level == Division.Level.COUNTY


def _is_township(row: Division) -> bool:
    return row.level == Division.Level.TOWNSHIP


def _is_active(row: Category) -> bool:
    return row.is_active


class AppealForm(forms.Form):
    """The citizen's form (portal and mailboxes); the hotline form adds what agents need."""

    appeal_type = forms.ChoiceField(
        label=_("诉求类型"), choices=AppealType.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("标题"), max_length=100, min_length=4)
    content = forms.CharField(
        label=_("诉求内容"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写清楚时间、地点、事情经过和您的诉求。"),
    )
    # Querysets built once here (each form copies them), not per form: building one costs.
    district = ReferenceChoiceField(
        label=_("所在区县"),
        queryset=districts(),
        accepts=_is_county,
        required=False,
        empty_label=_("请选择"),
        widget=QuickSelect,
    )
    street = ReferenceChoiceField(
        label=_("街道（乡镇）"),
        queryset=Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code"),
        accepts=_is_township,  # and of the chosen district: see clean()
        required=False,
        empty_label=_("不清楚"),
        widget=QuickSelect,
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    category = ReferenceChoiceField(
        label=_("问题分类（可不选）"),
        queryset=leaf_categories(),
        accepts=_is_active,
        required=False,
        empty_label=_("不清楚，由工作人员判断"),
        widget=QuickSelect,
    )
    attachments = MultipleFileField(
        label=_("图片或PDF附件"), help_text=_("最多5个，每个不超过10MB。")
    )
    contact_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        required=False,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("匿名（承办单位看不到我的姓名和联系方式）"), required=False
    )
    is_confidential = forms.BooleanField(label=_("保密：办理结果不在网上公开"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The streets of the chosen district (the picker reloads them with htmx); before a
        # district is chosen, all of them, so the form also works without JavaScript.
        district = self.data.get(self.add_prefix("district")) if self.is_bound else None
        if district and str(district).isdigit():
            streets = self.fields["street"]
            streets.queryset = streets.queryset.filter(parent_id=district)

    def clean(self) -> dict:
        data = super().clean()
        street, district = data.get("street"), data.get("district")
        if street is not None and district is not None and street.parent_id != district.pk:
            self.add_error("street", _("所选街道（乡镇）不在所选区县内。"))
        phone, email = data.get("contact_phone"), data.get("contact_email")
        if not phone and not email and not data.get("is_anonymous"):
            raise ValidationError(_("请留下手机号码或电子邮箱，以便告知办理结果；也可以选择匿名。"))
        return data

    def draft(self, mailbox: Mailbox | None = None) -> Draft:
        d = self.cleaned_data
        return Draft(
            appeal_type=d["appeal_type"],
            title=d["title"],
            content=d["content"],
            category=d.get("category"),
            division=d.get("street") or d.get("district"),
            address=d.get("address", ""),
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
            contact_email=d.get("contact_email", ""),
            is_anonymous=d.get("is_anonymous", False),
            is_confidential=d.get("is_confidential", False),
            mailbox=mailbox,
            urgency=d.get("urgency") or Urgency.NORMAL,
            files=d.get("attachments") or [],
        )


class HotlineForm(AppealForm):
    """工单录入: the agent types while the caller talks; keyboard order, no mouse needed."""

    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    accept_now = forms.BooleanField(label=_("录入后直接受理"), required=False, initial=True)
    field_order = [
        "contact_phone",
        "contact_name",
        "appeal_type",
        "urgency",
        "title",
        "content",
        "district",
        "street",
        "address",
        "category",
        "is_anonymous",
        "is_confidential",
        "accept_now",
        "contact_email",
        "attachments",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No preselected type: a default would be recorded whenever the agent forgets it.
        choices = [("", _("请选择")), *AppealType.choices]
        self.fields["appeal_type"].choices = choices
        self.fields["appeal_type"].widget = forms.Select(choices=choices)
        self.fields["contact_phone"].widget.attrs["autofocus"] = True


class TrackForm(forms.Form):
    number = forms.CharField(label=_("诉求编号"), max_length=20)
    code = forms.CharField(
        label=_("查询码"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SupplyInfoForm(forms.Form):
    text = forms.CharField(
        label=_("补充内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("附件"))


class VerdictForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("问题是否解决"), choices=Resolution.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("对办理结果是否满意"),
        widget=forms.RadioSelect,
        choices=[c for c in Satisfaction.choices if c[0] != Satisfaction.NONE],
    )
    comment = forms.CharField(
        label=_("意见（可不填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def verdict(self) -> Verdict:
        d = self.cleaned_data
        return Verdict(d["resolution"], d["satisfaction"], d.get("comment", ""))


# --- Staff actions -----------------------------------------------------------------------------


def handling_bodies() -> Any:
    return Organisation.objects.filter(is_active=True, kind__in=HANDLING_KINDS).order_by(
        "kind", "name"
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("不予受理理由"), queryset=RejectionReason.objects.filter(is_active=True)
    )
    note = forms.CharField(
        label=_("补充说明（告知市民）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DispatchForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("主办单位"), queryset=Organisation.objects.none(), widget=QuickSelect
    )
    assignee = forms.ModelChoiceField(
        label=_("指定承办人"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("可不填：主办单位的承办人均可签收办理"),
        error_messages={"invalid_choice": _("所选承办人不属于所选主办单位，请重选或留空。")},
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=QuickSelectMultiple(attrs={"size": 6}),
    )
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.none(), required=False, widget=QuickSelect
    )
    note = forms.CharField(
        label=_("派单意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = handling_bodies()
        self.fields["lead"].queryset = bodies
        self.fields["co_handlers"].queryset = bodies
        self.fields["category"].queryset = leaf_categories()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
        # A named handler is offered among the handlers of the suggested lead body; a posted
        # one must be a handler of the lead actually posted. Not for several appeals at once.
        if self.is_bound:
            lead = self.data.get(self.add_prefix("lead"), "")
            self.fields["assignee"].queryset = handlers_of(int(lead) if lead.isdigit() else None)
        elif self.initial.get("lead"):
            self.fields["assignee"].queryset = handlers_of(self.initial["lead"])
        else:
            del self.fields["assignee"]


class ReclassifyForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.none(), required=False
    )
    division = forms.ModelChoiceField(
        label=_("所在区域"), queryset=Division.objects.order_by("code"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("退单理由"), choices=ReturnReason.choices)
    note = forms.CharField(
        label=_("说明（请写明应由哪个单位办理）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("需要市民补充的内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TemplateSelect(forms.Select):
    """Options carry the template text, which a small script copies into the text box named by
    the select's data-fills attribute (the user then edits it)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-text"] = instance.text
        return option


def offer_templates(form: forms.Form, templates: Any) -> forms.Form:
    """Put a template picker just above the form's text field when there are templates for it."""
    kind, target = TEMPLATE_TARGETS[type(form)]
    if not templates.exists():
        return form
    picker = forms.ModelChoiceField(
        # Named by use: a queue page can hold several action forms, each with its picker.
        label=format_lazy(_("{kind}模板"), kind=AnswerTemplate.Kind(kind).label),
        required=False,
        queryset=templates,
        widget=TemplateSelect(attrs={"data-fills": form.add_prefix(target)}),
    )
    fields = list(form.fields.items())
    at = [name for name, _field in fields].index(target)
    form.fields = dict([*fields[:at], ("template", picker), *fields[at:]])
    return form


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("答复内容（公开）"),
        min_length=10,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=[c for c in Outcome.choices if c[0] != Outcome.MERGED]
    )
    internal_remarks = forms.CharField(
        label=_("内部备注（不公开）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(label=_("附件（随答复公开）"))


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("通过并公开")), ("0", _("退回重办"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DirectAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("直接答复内容（公开）"),
        min_length=10,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("同意")), ("0", _("不同意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseReturnForm(forms.Form):
    note = forms.CharField(
        label=_("驳回理由（仍由原单位办理）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UrgeForm(forms.Form):
    note = forms.CharField(
        label=_("催办内容"),
        max_length=2000,
        initial=_("请抓紧办理并按时答复。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuperviseForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("督办级别"), coerce=int, choices=Supervision.Level.choices
    )
    notice = forms.CharField(
        label=_("督办意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_days = forms.IntegerField(
        label=_("反馈期限（工作日）"), min_value=1, max_value=30, initial=3
    )


class AnswerSupervisionForm(forms.Form):
    answer = forms.CharField(
        label=_("督办反馈"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        widget=forms.RadioSelect,
        choices=[
            (ReopenDecision.REDO, _("原单位重办")),
            (ReopenDecision.REDISPATCH, _("改派其他单位重办")),
            (ReopenDecision.MAINTAIN, _("维持办结（向市民说明）")),
        ],
    )
    lead = forms.ModelChoiceField(
        label=_("改派至"), queryset=Organisation.objects.none(), required=False, widget=QuickSelect
    )
    note = forms.CharField(
        label=_("审核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = handling_bodies()


class MergeForm(forms.Form):
    master = forms.CharField(label=_("并入的诉求编号"), max_length=20)


class FlagForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=1000)
    block = forms.BooleanField(label=_("同时限制该手机号码提交"), required=False)


# Which kind of answer template fills which text field of which form (see offer_templates).
TEMPLATE_TARGETS: dict[type[forms.Form], tuple[str, str]] = {
    ReplyForm: (AnswerTemplate.Kind.REPLY, "text"),
    RejectForm: (AnswerTemplate.Kind.REJECTION, "note"),
    DispatchForm: (AnswerTemplate.Kind.DISPATCH, "note"),
    QuestionForm: (AnswerTemplate.Kind.INFO_REQUEST, "question"),
    UrgeForm: (AnswerTemplate.Kind.URGE, "note"),
}
