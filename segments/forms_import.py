"""The upload form of the import page: it checks the input; the import service decides and writes."""

from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat

from segments.imports.columns import SPECS
from segments.imports.service import MAX_UPLOAD_BYTES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=lambda: [(spec.kind, spec.label or spec.kind) for spec in SPECS.values()],
        label="The file holds",
    )
    file = forms.FileField(
        label="File (.csv or .json, UTF-8)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(MAX_UPLOAD_BYTES)}. "
                "Split it into smaller files, or have it imported with the import_data command."
            )
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in ("", ".csv", ".json", ".txt"):
            raise forms.ValidationError(f"A {suffix} file cannot be imported: upload a .csv or .json file.")
        return upload

    @staticmethod
    def columns_help() -> list[dict]:
        return [
            {
                "kind": spec.kind,
                "label": spec.label or spec.kind,
                "required": spec.required,
                "optional": spec.optional,
            }
            for spec in SPECS.values()
        ]
