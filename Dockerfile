# Intimacy Ops, production image: gunicorn serves the web; the same image runs the Celery worker and beat
# (see docker-compose.yml). Settings come from the environment only (README.md, "Settings").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=intimacy_ops.settings

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer: a code change does not reinstall them. The project ships no
# packages of its own (pyproject.toml: packages = []); the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected into the image. The secret here exists only for this one build step (the
# settings refuse to load without one when debug is off); the running container must get its own
# DJANGO_SECRET_KEY from the environment, or it refuses to start.
RUN DJANGO_SECRET_KEY=build-time-only-not-a-secret AUDIT_KEY=build-time-only-not-a-secret DJANGO_DEBUG=0 python manage.py collectstatic --no-input \
    && mkdir -p var/media var/mail \
    && chown -R app:app var

USER app
EXPOSE 8000

CMD ["gunicorn", "intimacy_ops.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--graceful-timeout", "30"]
