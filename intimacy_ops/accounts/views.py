from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from intimacy_ops import errors
from intimacy_ops.accounts import selectors
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
