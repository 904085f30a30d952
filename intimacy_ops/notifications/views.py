from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import notifications
from intimacy_ops.notifications import services
from intimacy_ops.notifications.models import EmailPreference, Kind, Notification

PAGE_SIZE = 25


class ListFilters(forms.Form):
    """The list's filters, in the URL: `?show=unread`, `?kind=requests`."""

    show = forms.ChoiceField(label="Show", required=False, choices=[("", "All"), ("unread", "Unread only")])
    kind = forms.ChoiceField(label="About", required=False, choices=[("", "Everything"), *Kind.choices])


def _grouped(items: list[Notification]) -> list[dict]:
    """The page's notifications gathered by what they are about (their link), newest group first."""
    groups: dict[str, dict] = {}
    for item in items:
        key = item.link or f"#{item.pk}"
        group = groups.setdefault(key, {"link": item.link, "latest": item, "items": [], "unread": 0})
        group["items"].append(item)
        group["unread"] += item.read_at is None
    return list(groups.values())


@login_required
@require_GET
def notification_list(request):
    filters = ListFilters(request.GET)
    rows = Notification.objects.filter(recipient=request.user)
    status = 200
    if filters.is_valid():
        if filters.cleaned_data["show"] == "unread":
            rows = rows.filter(read_at__isnull=True)
        if filters.cleaned_data["kind"]:
            rows = rows.filter(kind=filters.cleaned_data["kind"])
    else:
        status = 400
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = "&".join(
        f"{name}={value}" for name, value in (filters.cleaned_data if status == 200 else {}).items() if value
    )
    context = {
        "page": page,
        "groups": _grouped(list(page.object_list)),
        "filters": filters,
        "querystring": querystring,
        "preference": EmailPreference(services.preference_of(request.user)),
        "kinds": dict(Kind.choices),
    }
    return render(request, "notifications/list.html", context, status=status)


@login_required
@require_GET
def open_notification(request, pk: int):
    """Opening a notification marks it read and goes where it points (only within this site)."""
    notification = notifications.mark_read(request.user, pk)
    if notification is None:
        raise Http404("No such notification of yours.")
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications")


@login_required
@require_POST
def mark_all_read(request):
    notifications.mark_all_read(request.user)
    return redirect("notifications")


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="E-mail copies of non-urgent notifications",
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label="Tell me about",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a kind to stop hearing about it. Urgent ones (escalations raised to you) always arrive.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """How the e-mail copies reach you, and which kinds you hear about; urgent ones always arrive at once."""
    muted = services.muted_kinds_of(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "email": services.preference_of(request.user),
            "kinds": [kind for kind in Kind.values if kind not in muted],
        },
    )
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["kinds"]
        services.set_preference(
            user=request.user,
            email=form.cleaned_data["email"],
            muted_kinds=[kind for kind in Kind.values if kind not in wanted],
        )
        messages.success(request, f"Saved: {EmailPreference(form.cleaned_data['email']).label.lower()}.")
        return redirect("notifications")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
