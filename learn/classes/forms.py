from __future__ import annotations

from django import forms

from . import codes
from .services import NAME_MAX


class CreateForm(forms.Form):
    name = forms.CharField(
        label="Class name",
        max_length=NAME_MAX,
        help_text="Learners see it when they join, e.g. “Serverless 101, spring term”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the class a name.", code="required")
        return name


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=32,
        help_text="Eight letters and digits from your instructor, e.g. ABCD-2345. Case and the hyphen do not matter.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "class": "code-input"}
        ),
    )

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if len(code) != codes.LENGTH:
            raise forms.ValidationError(
                f"A join code has {codes.LENGTH} letters and digits; this one has {len(code)}.", code="length"
            )
        return code
