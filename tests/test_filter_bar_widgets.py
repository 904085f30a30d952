"""A list's filter bar draws its selects and inputs in Python (intimacy_ops.forms.drawn_in_python): the HTML a
person's browser gets must be exactly what Django's widget templates draw — the chosen option selected, values
and labels escaped, attributes kept — for every kind of field a bar shows."""

import copy
import datetime

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django_filters.widgets import BooleanWidget

from intimacy_ops.forms import drawn_in_python

CHOICES = [("", "Any"), ("draft", "Draft"), ("a&b", 'Quote " <and> ampersand & co'), (3, "Three")]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "a&b"),
        (forms.Select(choices=CHOICES, attrs={"id": "id_status", "data-x": "1"}), None),
        (forms.Select(choices=[("Group", [("g1", "One"), ("g2", "Two")]), ("x", "X")]), "g2"),
        (forms.Select(choices=CHOICES), 3),
        (BooleanWidget(), True),
        (BooleanWidget(), "false"),
        (BooleanWidget(), None),
        (
            forms.TextInput(attrs={"placeholder": 'Name "or" id', "autofocus": True, "hidden": False}),
            "Acme & Co",
        ),
        (forms.TextInput(), None),
        (forms.DateInput(attrs={"type": "date"}), datetime.date(2026, 12, 7)),
        (forms.NumberInput(attrs={"min": 0, "step": "0.01"}), 12.5),
        (forms.EmailInput(), "pat@example.com"),
    ],
)
def test_a_drawn_widget_is_the_same_html_as_djangos(widget, value):
    drawn = drawn_in_python(copy.deepcopy(widget))

    assert type(drawn) is not type(widget)  # it is drawn in Python…
    assert drawn.render("field", value, attrs={"id": "id_field"}) == widget.render(
        "field", value, attrs={"id": "id_field"}
    )  # …and the browser cannot tell


def test_other_widgets_are_left_to_django():
    for widget in (
        forms.SelectMultiple(choices=CHOICES),
        forms.CheckboxInput(),
        forms.RadioSelect(choices=CHOICES),
    ):
        assert type(drawn_in_python(widget)) is type(widget)


@pytest.mark.parametrize("value", ["", "2", None, ["2", "3"]])
def test_a_long_flat_select_is_the_same_html_as_djangos(value):
    """The flat fast path (no groups): numbers and None as values, the first match alone selected."""
    choices = [("", "Any"), (None, "None"), (2, "Two & <two>"), ("2", "Again two"), (3, '"Three"')]
    choices += [(True, "Yes & no"), (mark_safe("<b>"), mark_safe("<i>safe</i>")), ("<x>", mark_safe("&amp;"))]
    choices += [(n, f"Customer {n}") for n in range(4, 400)]
    widget = forms.Select(choices=choices, attrs={"data-testid": "customer"})
    drawn = drawn_in_python(copy.deepcopy(widget))
    assert drawn.render("customer", value) == widget.render("customer", value)


@pytest.mark.parametrize("value", [None, [], ["draft"], ["a&b", 3], ["unknown"]])
def test_checkboxes_draw_each_box_as_djangos_option_template_does(value):
    """A bar's checkboxes (`{{ box.tag }}` per box): each box's `<input>` drawn in Python, the same HTML; the
    whole widget and a box with its label are still Django's templates."""

    class Bar(forms.Form):
        status = forms.MultipleChoiceField(
            choices=CHOICES[1:], required=False, widget=forms.CheckboxSelectMultiple(attrs={"data-x": "1"})
        )

    data = {} if value is None else {"status": value}
    django_form, drawn_form = Bar(data), Bar(data)
    drawn_in_python(drawn_form.fields["status"].widget)
    assert type(drawn_form.fields["status"].widget) is not forms.CheckboxSelectMultiple
    assert "checkboxselectmultiple" in drawn_form["status"].widget_type  # what _filter_bar.html asks

    theirs, ours = list(django_form["status"]), list(drawn_form["status"])
    assert [box.tag() for box in ours] == [box.tag() for box in theirs]
    assert [box.tag(wrap_label=True) for box in ours] == [box.tag(wrap_label=True) for box in theirs]
    assert [(box.choice_label, box.data["selected"]) for box in ours] == [
        (box.choice_label, box.data["selected"]) for box in theirs
    ]
    assert str(drawn_form["status"]) == str(django_form["status"])


# The loop of templates/_filter_bar.html before `{% filter_fields %}` drew it, kept here as the reference.
BAR_LOOP = """{% for field in fields %}
  {% if "checkboxselectmultiple" in field.widget_type %}
  <div class="multi-label{% if field.errors %} invalid{% endif %}"><span>{{ field.label }}</span><details class="multi"><summary data-testid="filter-{{ field.name }}">{% for box in field %}{% if box.data.selected %}{{ box.choice_label }} {% endif %}{% endfor %}{% if not field.value %}Any{% endif %}</summary><div>{% for box in field %}<label>{{ box.tag }} {{ box.choice_label }}</label>{% endfor %}</div></details>{% if field.errors %}<small class="field-error">{{ field.errors|join:" " }}</small>{% endif %}</div>
  {% else %}
  <label{% if field.errors %} class="invalid"{% endif %}>{{ field.label }}{{ field }}{% if field.errors %}<small class="field-error">{{ field.errors|join:" " }}</small>{% endif %}</label>
  {% endif %}
  {% endfor %}"""


class FilterBar(forms.Form):
    status = forms.MultipleChoiceField(
        choices=CHOICES[1:], required=False, widget=forms.CheckboxSelectMultiple
    )
    risk = forms.MultipleChoiceField(
        choices=[("low", "Low"), ("high", "High <!>")], required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ChoiceField(choices=CHOICES, required=False)
    active = forms.NullBooleanField(required=False, widget=BooleanWidget)
    created_after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, label='Name & "id"')


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": ["draft", "a&b"], "region": "a&b", "active": "true", "q": "<Acme>"},
        {"status": ["nope"], "created_after": "not a date", "region": "unknown"},
    ],
)
@pytest.mark.parametrize("drawn", [True, False])
def test_the_bar_fields_tag_is_the_html_of_the_bar_loop(data, drawn):
    """Ticked boxes named in the summary ("Any" when none), errors under their field, labels escaped; with the
    widgets drawn in Python (as listing.bar_fields does) or left to Django."""
    from django.template import Context, Template

    def fields():
        form = FilterBar(data)
        form.is_valid()
        if drawn:
            for field in form.fields.values():
                drawn_in_python(field.widget)
        return [form[name] for name in form.fields]

    ours = Template("{% load filter_bar %}{% filter_fields fields %}").render(Context({"fields": fields()}))
    assert ours == Template(BAR_LOOP).render(Context({"fields": fields()}))
    assert ("field-error" in ours) == ("created_after" in data)
