from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import notifications
from intimacy_ops.notifications import services
from intimacy_ops.notifications.models import EmailPreference, Notification


@login_required
@require_GET
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "preference": EmailPreference(services.preference_of(request.user))},
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """How the e-mail copies reach you; escalations and other urgent ones always arrive at once."""
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email": services.preference_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_preference(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, f"Saved: {EmailPreference(form.cleaned_data['email']).label.lower()}.")
        return redirect("notifications")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
