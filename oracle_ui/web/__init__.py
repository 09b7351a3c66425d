"""The NiceGUI web app: build_app/serve, the shared bindable state, the guard, sessions and assets.

The only package of ``oracle_ui`` that imports NiceGUI; it imports the API only through ``oracle_ui.api``.
"""

from .app import build_app, serve
from .context import AppContext

__all__ = ['AppContext', 'build_app', 'serve']
