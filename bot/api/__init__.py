"""The JSON API (FastAPI): /v1/chat, /v1/stores, /healthz."""
