from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from intimacy_ops import errors
from intimacy_ops.accounts import selectors, services, time_zones
from intimacy_ops.accounts.forms import SignInForm
from intimacy_ops.accounts.roles import Role


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


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own settings: their time zone (default: their region's)."""
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial={"time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        services.set_time_zone(actor=user, time_zone=form.cleaned_data["time_zone"])
        time_zones.remember(request, user)
        messages.success(request, f"Saved: times now show in {user.effective_time_zone().replace('_', ' ')}.")
        return redirect("accounts:profile")
    context = {"form": form, "effective": user.effective_time_zone()}
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)
