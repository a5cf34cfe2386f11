from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.dispatch import rules
from zhengwu.dispatch.models import Category
from zhengwu.org.models import Division, Organisation, User

NOT_HANDLING = (Organisation.Kind.CENTRE, Organisation.Kind.GOVERNMENT)


def handling_bodies() -> Any:
    return Organisation.objects.filter(is_active=True).exclude(kind__in=NOT_HANDLING)


class CategoryForm(forms.Form):
    lead_department = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("同上级分类"),
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    keywords = forms.CharField(label=_("关键词"), max_length=500, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = handling_bodies()
        self.fields["co_handlers"].queryset = handling_bodies()


class NewCategoryForm(CategoryForm):
    parent = forms.ModelChoiceField(
        label=_("上级分类"),
        queryset=Category.objects.filter(level__lt=Category.MAX_LEVEL),
        required=False,
        empty_label=_("（一级分类）"),
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    field_order = ["parent", "name"]

    def path(self) -> tuple[str, ...]:
        parent = self.cleaned_data.get("parent")
        parents = [p.strip() for p in parent.path.split(">")] if parent else []
        return (*parents, self.cleaned_data["name"])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 或 Excel 文件"))


class RuleForm(forms.Form):
    name = forms.CharField(label=_("规则名称"), max_length=50)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    category = forms.ModelChoiceField(
        label=_("分类（含下级）"), queryset=Category.objects.all(), required=False
    )
    keywords = forms.CharField(
        label=_("关键词（任一）"), max_length=500, required=False, help_text=_("以空格分隔")
    )
    division = forms.ModelChoiceField(
        label=_("区域（含下级）"), queryset=Division.objects.all(), required=False
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    start_time = forms.TimeField(label=_("时段开始"), required=False, help_text="HH:MM")
    end_time = forms.TimeField(label=_("时段结束"), required=False, help_text="HH:MM")
    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none())
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    handler = forms.ModelChoiceField(
        label=_("建议承办人"),
        queryset=User.objects.filter(memberships__role="handler").distinct(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = handling_bodies()
        self.fields["co_handlers"].queryset = handling_bodies()
        self.fields["channel"].choices = [("", _("任意")), *rules.CHANNELS.items()]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("co_handlers")
        data["keywords"] = data["keywords"] or ""
        return data


class TryForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    text = forms.CharField(
        label=_("诉求内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    place = forms.CharField(label=_("地址"), max_length=200, required=False)
    division = forms.ModelChoiceField(
        label=_("所选区域"), queryset=Division.objects.all(), required=False
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    at = forms.DateTimeField(label=_("时间"), required=False, help_text="YYYY-MM-DD HH:MM")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("任意")), *rules.CHANNELS.items()]


class SettingsForm(forms.Form):
    auto_dispatch = forms.BooleanField(label=_("开启自动派单"), required=False)
    threshold = forms.FloatField(label=_("自动派单置信度"), min_value=0.5, max_value=1.0)
    duplicate_days = forms.IntegerField(label=_("重复诉求时间窗（天）"), min_value=1, max_value=60)
    duplicate_similarity = forms.FloatField(
        label=_("重复诉求文本相似度"), min_value=0.2, max_value=0.95
    )
