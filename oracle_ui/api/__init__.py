"""The FastAPI router (REST + raw WebSockets) that NiceGUI's app mounts under ``/dashboard``."""

API_VERSION = '1.0'
REST_PREFIX = '/dashboard/api'
WS_PREFIX = '/dashboard/ws'
