"""The lab's form: a template's text (YAML or JSON, at most 256 KB) and, to simulate, which wiring (its scenario
is read from `scenario-<index>`, one menu per wiring)."""

from __future__ import annotations

from django import forms

MAX_BYTES = 256 * 1024


class TemplateForm(forms.Form):
    template = forms.CharField(
        strip=False,
        error_messages={"required": "Paste a SAM or CloudFormation template first: the box is empty."},
    )
    simulate = forms.IntegerField(required=False, min_value=0, max_value=999)

    def clean_template(self) -> str:
        text = self.cleaned_data["template"]
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            raise forms.ValidationError(
                f"This template is {size / 1024:,.0f} KB; the lab checks templates of up to 256 KB. "
                "Paste only the resources you want checked."
            )
        if not text.strip():
            raise forms.ValidationError("Paste a SAM or CloudFormation template first: the box is empty.")
        return text

    def problem(self) -> str:
        """The first error in plain words, for the results panel."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""
