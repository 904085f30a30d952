"""Pages to keep the change-control boards (issue 17, item 6): /governance/boards/ lists them with their
members, chair, scope, quorum, rule and review days; administrators add one and edit any. A field's problem
shows on the form (400, nothing changed); a change applies to reviews opened from then on."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from exceptions.models import ProcessCategory
from governance.models import Board, Review
from governance.services import boards as services
from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.forms import handle_form


def _person(user) -> str:
    return f"{user.display_name} ({user.username})"


class BoardForm(forms.Form):
    name = forms.CharField(max_length=120)
    chair = forms.ModelChoiceField(queryset=None)
    members = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="The chair sits too."
    )
    categories = forms.MultipleChoiceField(
        choices=ProcessCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Process categories",
        help_text="None ticked: every category.",
    )
    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.order_by("code"), required=False, widget=forms.CheckboxSelectMultiple
    )
    quorum = forms.IntegerField(
        min_value=1, help_text="Votes needed (approve, reject and abstain all count)."
    )
    rule = forms.ChoiceField(choices=Board.Rule.choices, label="Decision rule")
    review_days = forms.IntegerField(
        min_value=1, max_value=365, label="Review days", help_text="From opening to due."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people_with_role(Role.BOARD_CHAIR).order_by("username")
        self.fields["members"].queryset = people_with_role(Role.BOARD_MEMBER).order_by("username")
        self.fields["chair"].label_from_instance = _person
        self.fields["members"].label_from_instance = _person
        self.fields["regions"].label_from_instance = lambda region: region.code


@login_required
@require_GET
def board_list(request: HttpRequest) -> HttpResponse:
    boards = list(
        access.visible(request.user, Board)
        .select_related("chair")
        .prefetch_related("members", "regions")
        .order_by("name")
    )
    labels = dict(ProcessCategory.choices)
    rows = [
        {
            "board": board,
            "members": sorted(
                {m.pk: m for m in [*board.members.all(), board.chair]}.values(), key=lambda m: m.username
            ),
            "categories": [labels.get(c, c) for c in board.categories],
            "regions": [region.code for region in board.regions.all()],
            "may_change": bool(access.allowed_in_scope(request.user, "change", board)),
        }
        for board in boards
    ]
    context = {"rows": rows, "may_create": bool(access.allowed(request.user, "create", Board))}
    return render(request, "governance/board_list.html", context)


def _form_page(request: HttpRequest, board: Board | None) -> HttpResponse:
    initial = None
    if board is not None:
        initial = {
            name: getattr(board, name)
            for name in ("name", "chair", "categories", "quorum", "rule", "review_days")
        }
        initial |= {"members": list(board.members.all()), "regions": list(board.regions.all())}
    form = BoardForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data) -> tuple[str, str]:
        saved = services.save_board(actor=request.user, board=board, **data)
        return f"{saved.name} is saved; reviews opened from now on follow it.", reverse("governance:boards")

    open_reviews = Review.objects.filter(board=board, status=Review.Status.OPEN).count() if board else 0
    context = {"form": form, "board": board, "open_reviews": open_reviews}
    return handle_form(
        request,
        form,
        act=save,
        page=lambda status: render(request, "governance/board_form.html", context, status=status),
    )


@login_required
@require_http_methods(["GET", "POST"])
def board_new(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "create", Board)
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, pk: int) -> HttpResponse:
    board = access.get_visible(request.user, Board.objects.all(), pk=pk)
    access.require(request.user, "change", board)
    return _form_page(request, board)
