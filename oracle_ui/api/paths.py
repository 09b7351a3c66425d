"""Where the API lives under the app, and its version."""

API_VERSION = '1.0'
REST_PREFIX = '/dashboard/api'
WS_PREFIX = '/dashboard/ws'
