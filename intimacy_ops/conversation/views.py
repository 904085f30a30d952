"""Pages of the conversation: post a comment, watch or unwatch, suggest people to mention, download a file.

Each route names a registered subject kind (`/conversation/<key>/<pk>/…`, one set per `register` call) and
reads the subject through `access.get_visible`: whoever cannot see it gets a 404, as on its own page.
A comment form's errors show on the subject's own page (drawn by its app's `page`), status 400."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, conversation, errors
from intimacy_ops.conversation import selectors, services
from intimacy_ops.conversation.forms import CommentForm
from intimacy_ops.forms import add_domain_errors


def _subject(request: HttpRequest, key: str, pk: int):
    subject = conversation.by_key(key)
    return subject, access.get_visible(request.user, subject.model, pk=pk)


@login_required
@require_POST
def comment(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    subject, obj = _subject(request, key, pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            posted = services.post_comment(
                obj=obj,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Your comment is posted.")
            return redirect(f"{subject.url(obj)}#comment-{posted.pk}")
    request.conversation_form = form  # the panel on the subject's page shows it with its errors
    return subject.page(request, obj, status=400)


@login_required
@require_POST
def watch(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    subject, obj = _subject(request, key, pk)
    watching = request.POST.get("watch") != "0"
    services.set_watching(obj=obj, user=request.user, watching=watching)
    messages.success(
        request,
        f"You are watching this {subject.noun}: new comments are notified to you."
        if watching
        else f"You no longer hear of new comments on this {subject.noun}.",
    )
    return redirect(f"{subject.url(obj)}#conversation")


@login_required
@require_GET
def people(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The suggestion list (htmx): people who can see the subject, by the start of their name."""
    subject, obj = _subject(request, key, pk)
    found = selectors.mention_candidates(obj, request.GET.get("q", "")[:150])
    return render(request, "conversation/_people.html", {"people": found, "subject": subject})


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file, to whoever sees the subject of its comment (404 to anyone else), always as a download."""
    found, _obj = selectors.attachment_for(request.user, pk)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
