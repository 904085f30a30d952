"""`{% saved_views "exceptions:waiting" %}`: the person's saved views of this list as chips (one query), and
the form naming the current query as a new one."""

from django import template

from intimacy_ops import access
from intimacy_ops.saved_views.forms import SavedViewForm
from intimacy_ops.saved_views.models import SavedView
from intimacy_ops.saved_views.services import clean_query

register = template.Library()


@register.inclusion_tag("saved_views/_chips.html", takes_context=True)
def saved_views(context, list_key: str):
    request = context["request"]
    current = clean_query(request.GET.urlencode())
    form = getattr(request, "saved_view_form", None)
    if form is None or form.data.get("list_key") != list_key:
        form = SavedViewForm(initial={"list_key": list_key, "query": current})
    views = list(access.visible(request.user, SavedView).filter(list_key=list_key))
    for view in views:
        view.active = view.query == current
    return {
        "views": views,
        "form": form,
        "list_key": list_key,
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }
