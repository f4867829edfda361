FROM python:3.13-slim
ENV PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy DJANGO_SETTINGS_MODULE=config.settings.production
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_urlsafe(60))') \
    uv run --no-dev python manage.py collectstatic --no-input
RUN useradd --create-home lockstep
USER lockstep
EXPOSE 8000
CMD ["uv", "run", "--no-dev", "gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
