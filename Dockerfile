# The API service image for Cloud Run.
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /venv && /venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.12-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENV=prod \
    PORT=8080 \
    TRUSTED_PROXY_HOPS=1
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
COPY --from=build /venv /venv
WORKDIR /srv
COPY --chown=app:app main.py alembic.ini ./
COPY --chown=app:app app ./app
COPY --chown=app:app alembic ./alembic
USER app
EXPOSE 8080
# Cloud Run sends SIGTERM and kills 10 s later: finish in-flight requests within 8 s.
# X-Forwarded-For is read by the app, which believes only TRUSTED_PROXY_HOPS (Cloud Run's front
# end) or TRUSTED_PROXY_NETWORKS; uvicorn's own handling would believe whatever a client sends.
CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port ${PORT} --no-proxy-headers --timeout-graceful-shutdown 8 --no-access-log"]
