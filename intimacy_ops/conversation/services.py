"""Writes of the conversation: post a comment (its mentions, attachments, audit event and notices), watch."""

import re
import secrets
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils.module_loading import import_string

from intimacy_ops import access, audit, errors, notifications
from intimacy_ops.conversation import Subject, of
from intimacy_ops.conversation.models import BODY_MAX_LENGTH, Attachment, Comment, Watch
from intimacy_ops.conversation.selectors import watchers_of
from intimacy_ops.notifications.models import Kind

# `@ops.oscar`: a username after an "@" that does not follow a word character (not an e-mail address); a
# full stop ending the sentence is not part of it.
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]*[\w+-])")


def mentioned_usernames(body: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(body or "")))


def can_see(user, obj: Model) -> bool:
    return access.visible(user, type(obj)).filter(pk=obj.pk).exists()


def _subject_of(obj: Model) -> Subject:
    subject = of(obj)
    if subject is None:
        raise LookupError(f"No conversation is registered for {type(obj).__name__}.")
    return subject


def _check_mentions(obj: Model, subject: Subject, body: str) -> list:
    names = mentioned_usernames(body)
    people = {user.username.lower(): user for user in get_user_model().objects.filter(username__in=names)}
    problems = []
    found = []
    for name in names:
        person = people.get(name.lower())
        if person is None or not person.is_active:
            problems.append(f"Nobody here is called @{name}: pick a name from the suggestions.")
        elif not can_see(person, obj):
            problems.append(
                f"{person.display_name} (@{person.username}) cannot see this {subject.noun}, "
                "so they cannot be mentioned on it."
            )
        else:
            found.append(person)
    if problems:
        raise errors.ValidationFailed({"body": problems})
    return found


def _check_files(files) -> None:
    allowed = settings.CONVERSATION_ATTACHMENT_TYPES
    limit = settings.CONVERSATION_ATTACHMENT_MAX_BYTES
    scan = import_string(settings.CONVERSATION_VIRUS_SCAN) if settings.CONVERSATION_VIRUS_SCAN else None
    problems = []
    for upload in files:
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        if extension not in allowed:
            problems.append(
                f"{upload.name}: this type of file is not accepted (allowed: {', '.join(allowed)})."
            )
        elif upload.size > limit:
            problems.append(
                f"{upload.name} is {upload.size:,} bytes: the largest accepted is {limit:,} bytes."
            )
        elif scan is not None:
            refusal = scan(upload)
            upload.seek(0)
            if refusal:
                problems.append(f"{upload.name} was refused by the virus scan: {refusal}")
    if problems:
        raise errors.ValidationFailed({"attachments": problems})


def post_comment(*, obj: Model, author, body: str, files=()) -> Comment:
    """Say something on a subject: mentioned people and watchers are told, the audit trail keeps it."""
    subject = _subject_of(obj)
    body = (body or "").strip()
    if not body:
        raise errors.ValidationFailed({"body": "Write something to post a comment."})
    if len(body) > BODY_MAX_LENGTH:
        raise errors.ValidationFailed(
            {"body": f"A comment holds at most {BODY_MAX_LENGTH:,} characters (this one has {len(body):,})."}
        )
    if not can_see(author, obj):
        raise errors.NotFound(f"No {subject.noun} matches that id.")
    mentioned = _check_mentions(obj, subject, body)
    files = list(files)
    _check_files(files)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        comment = Comment.objects.create(
            subject_type=content_type, subject_id=obj.pk, author=author, body=body
        )
        comment.mentioned.set(mentioned)
        stored = [
            Attachment(
                comment=comment,
                token=secrets.token_hex(16),
                name=PurePath(upload.name).name[:255],
                content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
                size_bytes=upload.size,
            )
            for upload in files
        ]
        for attachment, upload in zip(stored, files, strict=True):
            attachment.file.save(attachment.token, upload, save=False)  # default_storage
            attachment.save()
        audit.record(
            actor=author,
            verb="conversation.commented",
            obj=obj,
            after={
                "comment": comment.pk,
                "body": body,
                "mentioned": [person.username for person in mentioned],
                "attachments": [
                    {"name": a.name, "size_bytes": a.size_bytes, "content_type": a.content_type}
                    for a in stored
                ],
            },
        )
        _tell(obj, subject, comment, author, mentioned)
    return comment


def _tell(obj, subject: Subject, comment: Comment, author, mentioned: list) -> None:
    link = f"{subject.url(obj)}#comment-{comment.pk}"
    names = {person.username.lower(): person.display_name for person in mentioned}
    text = MENTION.sub(lambda match: f"@{names.get(match.group(1).lower(), match.group(1))}", comment.body)
    excerpt = text if len(text) <= 300 else text[:297] + "…"
    title = str(obj)[:120]
    told = {author.pk}
    to_mention = [person for person in mentioned if person.pk not in told]
    notifications.notify(
        to_mention,
        subject=f"{author.display_name} mentioned you on {subject.noun} “{title}”",
        body=excerpt,
        link=link,
        kind=Kind.MENTIONS,
    )
    told |= {person.pk for person in to_mention}
    watchers = [person for person in watchers_of(obj) if person.pk not in told and can_see(person, obj)]
    notifications.notify(
        watchers,
        subject=f"{author.display_name} commented on {subject.noun} “{title}”",
        body=excerpt,
        link=link,
    )


def set_watching(*, obj: Model, user, watching: bool) -> Watch:
    """Follow a subject's conversation (told of every new comment), or stop following it."""
    subject = _subject_of(obj)
    if not can_see(user, obj):
        raise errors.NotFound(f"No {subject.noun} matches that id.")
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        watch, created = Watch.objects.select_for_update().get_or_create(
            subject_type=content_type, subject_id=obj.pk, user=user, defaults={"watching": watching}
        )
        if created or watch.watching != watching:
            watch.watching = watching
            watch.save(update_fields=["watching", "updated_at"])
            audit.record(
                actor=user,
                verb="conversation.watched" if watching else "conversation.unwatched",
                obj=obj,
                after={"watching": watching},
            )
    return watch
