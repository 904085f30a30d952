import unicodedata

from django import forms

from intimacy_ops.saved_views.services import QUEUES


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label="Name this view",
        max_length=60,
        help_text="Saves the filters and order shown now.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. High risk, oldest first", "autocomplete": "off"}),
    )
    list_key = forms.ChoiceField(choices=list(QUEUES.items()), widget=forms.HiddenInput)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if any(unicodedata.category(ch).startswith("C") for ch in name):
            raise forms.ValidationError("Use letters, numbers and punctuation only.")
        if not name:
            raise forms.ValidationError("Give the view a name.")
        return name
