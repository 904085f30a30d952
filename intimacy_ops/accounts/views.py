from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from intimacy_ops import access, errors
from intimacy_ops.accounts import delegation, selectors, services, time_zones
from intimacy_ops.accounts.forms import SignInForm
from intimacy_ops.accounts.models import User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.forms import add_domain_errors


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked_out:
            response.status_code = 429
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"Welcome back, {form.get_user().display_name}.")
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


def home(request: HttpRequest) -> HttpResponse:
    """`/`: a signed-in user goes to their role's home page, anyone else to the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    role = request.user.primary_role
    if role is None:
        return render(request, "home/no_role.html", status=200)
    return redirect("role-home", role=role.slug)


@login_required
def role_home(request: HttpRequest, role: str) -> HttpResponse:
    try:
        wanted = Role.from_slug(role)
    except ValueError:
        raise Http404("No such role.") from None
    if wanted not in request.user.roles:
        raise errors.PermissionDenied(
            f"This is the {wanted.label.lower()}s' home page; your role is not among them."
        )
    context = {"role": wanted, "panels": selectors.home_panels(request.user, wanted)}
    return render(request, "home/role.html", context)


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        choices=[("", "My region's")],
        help_text="Every time in the app is shown in it. Leave it on your region's to follow your region.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "My region's"), *time_zones.choices()]


class OutOfOfficeForm(forms.Form):
    """The out-of-office period and the delegate (accounts/delegation.py validates who may stand in)."""

    starts_at = forms.DateTimeField(
        label="Away from",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label="Back on", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    delegate = forms.ChoiceField(
        label="Delegate",
        help_text="A colleague with your role in one of your regions: they take your approvals, votes and "
        "escalations while you are away, each recorded on your behalf. A chair's decision stays the chair's.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        people = delegation.candidates(user)
        self.fields["delegate"].choices = [("", "Choose a colleague")] + [
            (person.username, person.display_name) for person in people
        ]
        # Any colleague's name is read; the service says why one who may not stand in is refused.
        self.fields["delegate"].valid_value = lambda value: True

    def clean_delegate(self):
        found = access.visible(self.user, User).filter(username=self.cleaned_data["delegate"]).first()
        if found is None:
            raise forms.ValidationError("Choose a colleague from the list.")
        return found


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own settings: their time zone (default: their region's), their out-of-office period."""
    user = request.user
    which = request.POST.get("form", "time_zone") if request.method == "POST" else ""
    form = ProfileForm(request.POST if which == "time_zone" else None, initial={"time_zone": user.time_zone})
    away = delegation.current(user)
    initial = (
        {"starts_at": away.starts_at, "ends_at": away.ends_at, "delegate": away.delegate.username}
        if away
        else {}
    )
    out_of_office = OutOfOfficeForm(
        request.POST if which == "out_of_office" else None, user=user, initial=initial
    )
    if which == "time_zone" and form.is_valid():
        services.set_time_zone(actor=user, time_zone=form.cleaned_data["time_zone"])
        time_zones.remember(request, user)
        messages.success(request, f"Saved: times now show in {user.effective_time_zone().replace('_', ' ')}.")
        return redirect("accounts:profile")
    if which == "clear_out_of_office":
        delegation.clear_out_of_office(actor=user)
        messages.success(
            request, "Out of office cleared: your approvals, votes and escalations are yours again."
        )
        return redirect("accounts:profile")
    if which == "out_of_office" and out_of_office.is_valid():
        try:
            set_ = delegation.set_out_of_office(actor=user, **out_of_office.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(out_of_office, problem)
        else:
            messages.success(
                request, f"Saved: {set_.delegate.display_name} stands in for you while you are away."
            )
            return redirect("accounts:profile")
    context = {
        "form": form,
        "effective": user.effective_time_zone(),
        "out_of_office": out_of_office,
        "away": away,
        "standing_in_for": delegation.principals_for(user),
    }
    failed = form.errors or out_of_office.errors
    return render(request, "accounts/profile.html", context, status=400 if failed else 200)
