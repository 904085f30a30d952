"""Sign-in with lockout, and the writes on users and regions."""

import datetime
import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from intimacy_ops import audit, errors
from intimacy_ops.accounts.models import FailedSignIn, Region, SignInGate, User
from intimacy_ops.accounts.roles import Role


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _recent_attempts(*, username: str, ip: str | None, now) -> list:
    """When the latest attempts counted for this username and address within the window were made, newest first."""
    return list(
        FailedSignIn.objects.filter(username__iexact=username, ip=ip, at__gte=now - _window())
        .order_by("-at")
        .values_list("at", flat=True)[: settings.SIGN_IN_MAX_FAILURES]
    )


def _locked_out(*, username: str, recent: list, now) -> errors.RateLimited:
    retry_after = max(1, math.ceil((recent[0] + _window() - now).total_seconds()))
    minutes = max(1, math.ceil(retry_after / 60))
    return errors.RateLimited(
        f"Too many failed sign-ins for '{username}' from your address: sign-in is locked for "
        f"{settings.SIGN_IN_LOCKOUT_MINUTES} minutes. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        retry_after_seconds=retry_after,
    )


def ensure_not_locked_out(*, username: str, ip: str | None) -> None:
    """RateLimited when this username has failed too often from this address within the lockout window."""
    now = timezone.now()
    recent = _recent_attempts(username=username, ip=ip, now=now)
    if len(recent) >= settings.SIGN_IN_MAX_FAILURES:
        raise _locked_out(username=username, recent=recent, now=now)


def count_sign_in_attempt(*, username: str, ip: str | None) -> int:
    """Count an attempt before its password is checked: its number in the window, or RateLimited when locked.

    The gate row of (username, address) is locked while counting, so attempts sent at the same instant are
    counted one after the other and at most SIGN_IN_MAX_FAILURES passwords are ever checked per window (on
    SQLite the transaction takes the database's write lock at BEGIN, which serializes the same way).
    """
    now = timezone.now()
    with transaction.atomic():
        gate, created = SignInGate.objects.select_for_update().get_or_create(
            username=username.lower(), ip=ip or "", defaults={"touched_at": now}
        )
        recent = _recent_attempts(username=username, ip=ip, now=now)
        if len(recent) >= settings.SIGN_IN_MAX_FAILURES:
            raise _locked_out(username=username, recent=recent, now=now)
        FailedSignIn.objects.create(username=username, ip=ip, at=now)
        if not created:
            SignInGate.objects.filter(pk=gate.pk).update(touched_at=now)
    return len(recent) + 1


def settle_sign_in_attempt(*, username: str, ip: str | None, number: int, succeeded: bool) -> None:
    """After the check: a success clears the count; the failure that reaches the limit says so at once."""
    if succeeded:
        FailedSignIn.objects.filter(username__iexact=username, ip=ip).delete()
    elif number >= settings.SIGN_IN_MAX_FAILURES:
        now = timezone.now()
        raise _locked_out(username=username, recent=[now], now=now)


def sign_in(*, request, username: str, password: str) -> User:
    """Check credentials under the lockout rule; return the user or raise (429 locked, 400 wrong).

    The rule itself sits in the authentication backend (accounts.backends), so every door that signs
    people in — this service, the sign-in form, /admin/login/ — goes through the same count.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise errors.ValidationFailed(
            message="Unable to sign in with that username and password. Both are case-sensitive."
        )
    return user


def api_token_for(*, user: User) -> str:
    """The user's API token, created on first request."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def forget_old_failed_sign_ins() -> int:
    cutoff = timezone.now() - _window()
    deleted, _ = FailedSignIn.objects.filter(at__lt=cutoff).delete()
    SignInGate.objects.filter(touched_at__lt=cutoff).delete()
    return deleted


def ensure_region(*, code: str, name: str) -> Region:
    from intimacy_ops.accounts.time_zones import REGION_TIME_ZONES

    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "time_zone": REGION_TIME_ZONES.get(code, "UTC")}
    )
    return region


def ensure_user(
    *,
    username: str,
    password: str,
    roles: list[Role],
    regions: list[Region],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
    comment: str = "",
) -> tuple[User, bool]:
    """Create a user with roles and regions if missing; an existing user keeps their password and edits."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "is_superuser": is_superuser,
                "is_staff": is_superuser,
            },
        )
        if not created:
            return user, False
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        user.regions.set(regions)
        audit.record(
            actor=None,
            verb="user.created",
            obj=user,
            after={
                "username": username,
                "roles": sorted(role.value for role in roles),
                "regions": sorted(region.code for region in regions),
                "superuser": is_superuser,
            },
            comment=comment,
        )
    return user, True


def set_time_zone(*, actor, time_zone: str) -> None:
    """A person chooses the time zone their pages show times in ("" = their region's)."""
    import zoneinfo

    if time_zone and time_zone not in zoneinfo.available_timezones():
        raise errors.ValidationFailed({"time_zone": "Choose a time zone from the list."})
    before = actor.time_zone
    if before == time_zone:
        return
    actor.time_zone = time_zone
    actor.save(update_fields=["time_zone"])
    audit.record(
        actor=actor,
        verb="accounts.time_zone_changed",
        obj=actor,
        before={"time_zone": before},
        after={"time_zone": time_zone},
    )
