"""One strict reader for settings from the environment: a value it cannot parse stops the start.

The refusal is one line naming the variable (SystemExit), not a traceback.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse


class ImproperlyConfigured(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"Refusing to start: {message}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1 or 0.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={raw!r} is out of range ({minimum} to {maximum}).")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


def email_settings(url: str | None, *, default_folder: Path) -> dict:
    """Django's EMAIL_* settings for EMAIL_URL (smtp://, smtps://, submission://, console://, file://);
    without one, messages are written as files under `default_folder`."""
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(default_folder),
        }
    mail = urlparse(url)
    if mail.scheme in {"smtp", "smtps", "submission"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": mail.hostname or "localhost",
            "EMAIL_PORT": mail.port or {"smtps": 465, "submission": 587}.get(mail.scheme, 25),
            "EMAIL_HOST_USER": unquote(mail.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(mail.password or ""),
            "EMAIL_USE_SSL": mail.scheme == "smtps",
            "EMAIL_USE_TLS": mail.scheme == "submission",
        }
    if mail.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if mail.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": mail.path,
        }
    raise SystemExit(
        f"EMAIL_URL scheme {mail.scheme!r} is not supported: use smtp://, smtps://, submission://, console:// or file://."
    )
