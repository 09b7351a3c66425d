"""Application settings from ``ORACLE_*`` environment variables, ``.env`` and command-line flags."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .i18n import N_, _, check_locale
from .timeframes import timeframe_seconds

_SYMBOL = re.compile(r'^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$')


def parse_symbols(value: Any) -> list[str]:
    """Accept ``'BTC/USDT,ETH/USDT'`` or a list; return upper-case, de-duplicated symbols in order."""
    items = value.split(',') if isinstance(value, str) else list(value)
    symbols: list[str] = []
    for item in items:
        symbol = str(item).strip().upper()
        if not symbol:
            continue
        if not _SYMBOL.match(symbol):
            raise ValueError(
                _('invalid symbol {symbol}: use BASE/QUOTE, e.g. BTC/USDT').format(symbol=repr(str(item).strip()))
            )
        if symbol not in symbols:
            symbols.append(symbol)
    if not symbols:
        raise ValueError(_('at least one symbol is required, e.g. BTC/USDT'))
    return symbols


class RiskSettings(BaseModel):
    """Position sizing and limits (the original bot's modes plus risk-per-trade)."""

    model_config = ConfigDict(extra='forbid', validate_assignment=True, use_attribute_docstrings=True)

    sizing: Literal['fixed', 'percent', 'risk'] = Field(
        'fixed',
        title=N_('Sizing'),
        description=N_(
            'fixed: a fixed margin per trade; percent: a share of the free balance; risk: what a stop-loss may lose.'
        ),
    )
    fixed_margin: float = Field(
        10.0,
        gt=0,
        le=1e9,
        title=N_('Margin per trade'),
        description=N_('Margin put up per trade with fixed sizing (original default: 10).'),
        json_schema_extra={'unit': 'USDT'},
    )
    margin_pct: float = Field(
        5.0,
        gt=0,
        le=100,
        title=N_('Margin per trade'),
        description=N_('Margin per trade as a percentage of the free balance, with percent sizing.'),
        json_schema_extra={'unit': '% of free'},
    )
    risk_pct: float = Field(
        1.0,
        gt=0,
        le=100,
        title=N_('Risk per trade'),
        description=N_('Equity lost if the stop-loss is hit, with risk sizing.'),
        json_schema_extra={'unit': '% of equity'},
    )
    max_positions: int = Field(
        3,
        ge=1,
        le=100,
        title=N_('Open positions at most'),
        description=N_('No new position while this many are open (original default: 3).'),
        json_schema_extra={'unit': N_('positions')},
    )
    max_daily_loss_pct: float = Field(
        5.0,
        gt=0,
        le=100,
        title=N_('Daily loss limit'),
        description=N_("No new trades for the rest of the (UTC) day once equity fell this far below the day's start."),
        json_schema_extra={'unit': '% of equity'},
    )


class Settings(BaseSettings):
    """Everything the running system is built from; see README for the matching flags."""

    model_config = SettingsConfigDict(
        env_prefix='ORACLE_', env_file='.env', env_nested_delimiter='__', extra='ignore', validate_assignment=True
    )

    host: str = '127.0.0.1'
    port: int = Field(8080, ge=1, le=65535)
    data_dir: Path = Path('data')
    feed: str = 'sim'
    """``sim``, ``replay:PATH.csv`` or ``ccxt:EXCHANGE``."""
    symbols: Annotated[list[str], NoDecode] = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']
    timeframe: str = '1m'
    speed: Annotated[float, Field(gt=0, le=100_000)] | Literal['max'] = 1.0
    """Simulated/replayed seconds per real second, or ``max``: as fast as the engine goes."""
    seed: int = 7
    """Seed of the simulated market (same seed, same prices)."""
    sim_history_days: float = Field(30.0, ge=0, le=3650)
    """History the simulated market generates on a fresh data directory, so every chart timeframe has some."""
    backfill_days: float = Field(30.0, ge=0, le=3650)
    """History a ``ccxt`` feed fetches from the exchange on a fresh data directory, and how far back at most it fills
    the gap since the last stored candle after a restart."""
    candle_retention_days: float = Field(400.0, gt=0, le=36500)
    """Base-timeframe candles older than this are deleted (charts of longer timeframes keep theirs)."""
    strategy: str = 'regime'
    strategy_params: dict[str, Any] = {}
    starting_balance: float = Field(10_000.0, gt=0, le=1e12)
    commission: float = Field(0.0005, ge=0, le=0.05)
    """Fraction of notional charged on every fill (0.0005 = 0.05 %, a typical futures taker fee)."""
    slippage: float = Field(0.0, ge=0, le=0.05)
    """Adverse price fraction applied to market and stop fills."""
    risk: RiskSettings = RiskSettings()
    autostart: bool = True
    """Start the bot when the app starts (after a restart it resumes in this state)."""
    show: bool = True
    """Open a browser tab on start."""
    native: bool = False
    api_token: SecretStr | None = None
    """An operator token: when any credential exists (this, a user or a stored token), every request must
    authenticate (``Authorization: Bearer``, ``?token=`` or a first ``auth`` message on WebSockets)."""
    session_idle_minutes: float = Field(30.0, gt=0, le=7 * 24 * 60)
    """A logged-in browser session that did nothing for this long must log in again."""
    https: bool = False
    """Served over HTTPS (directly or behind a TLS proxy): session cookies are marked Secure and HSTS is sent."""
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    """Origins (``https://host:port``) allowed to call the API from a browser and to open WebSockets; none: CORS off."""
    allowed_hosts: Annotated[list[str], NoDecode] = []
    """Host names the server answers to besides loopback and ``host`` (guards against DNS rebinding)."""
    trusted_proxies: Annotated[list[str], NoDecode] = []
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``) of reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` name the real client; from anyone else every ``X-Forwarded-*`` header is dropped."""
    max_body_bytes: int = Field(1_048_576, ge=1024, le=1 << 30)
    """Largest request body accepted by the API (uploads: ``max_upload_bytes``)."""
    max_upload_bytes: int = Field(20 * 1_048_576, ge=1024, le=1 << 31)
    upload_quota_files: int = Field(20, ge=1, le=10_000)
    """Uploaded CSV files each user keeps for backtests; a new one past this removes their oldest."""
    upload_quota_bytes: int = Field(200 * 1_048_576, ge=1024, le=1 << 40)
    """Bytes each user's uploaded files may take together; a new one past this removes their oldest."""
    event_history: int = Field(1000, ge=10, le=1_000_000)
    """Events kept in memory for replay and feeds."""
    metrics_interval_s: float = Field(1.0, gt=0, le=3600)
    ws_heartbeat_s: float = Field(30.0, gt=0, le=3600)
    ws_timeout_s: float = Field(120.0, gt=0, le=86400)
    ws_cleanup_s: float = Field(60.0, gt=0, le=3600)
    ws_auth_timeout_s: float = Field(3.0, gt=0, le=60)
    """How long a WebSocket without a token in its URL or header has to send its ``auth`` message."""
    ws_max_per_address: int = Field(64, ge=1, le=1_000_000)
    """WebSocket connections one client address may hold (authenticated or not); loopback: ``ws_max_loopback``."""
    ws_max_loopback: int = Field(2000, ge=1, le=1_000_000)
    """WebSocket connections from this machine's own addresses together (local scripts, benchmarks, and every
    client of a reverse proxy on this machine unless ``trusted_proxies`` names it)."""
    ws_max_per_token: int = Field(32, ge=1, le=1_000_000)
    """WebSocket connections one token may hold, from any address."""
    ws_max_unauthenticated: int = Field(8, ge=1, le=1_000_000)
    """WebSockets from one address still waiting to authenticate, at once."""
    alert_timeout_s: float = Field(10.0, gt=0, le=600)
    """How long one attempt to send an alert to a channel may take before it counts as failed."""
    database_url: SecretStr | None = None
    """Any SQLAlchemy URL, e.g. ``postgresql+psycopg://user:password@host/database`` (the ``postgres`` extra
    installs its driver); empty: the SQLite file ``oracle.db`` in the data directory."""
    role: Literal['all', 'engine', 'web'] = 'all'
    """What this process runs: ``all`` (the engine and the web app in one process), ``engine`` (feed, strategies,
    broker, risk and the store's writes; no HTTP) or ``web`` (pages, REST and WebSockets of an engine elsewhere; no
    trading). Split roles need ``redis_url`` and one database they share."""
    redis_url: SecretStr | None = None
    """The Redis server (``redis://host:6379/0``) through which split roles pass events, commands and sessions."""
    redis_prefix: str = Field('oracle', pattern=r'^[A-Za-z0-9_.:-]{1,64}$')
    """The start of every Redis key of this deployment (two bots on one Redis need two prefixes)."""
    redis_stream_maxlen: int = Field(10_000, ge=100, le=10_000_000)
    """Events the engine keeps in its Redis stream (trimmed in whole blocks); older ones come from the database."""
    command_timeout_s: float = Field(10.0, gt=0, le=300)
    """How long a web replica waits for the engine to answer a command before it reports it unavailable (503)."""
    replica_name: str = Field('', max_length=64)
    """How the audit trail names this web replica (default: host name and port)."""
    locale: str = 'en'
    """The dashboard's language for a browser that asks for none we ship (``en``, ``de``, ``es``, ``fr``, ``zh_CN``,
    ``ja``, ``fa``; ``en_XA``: the pseudo-locale that shows untranslated text)."""

    @property
    def is_loopback(self) -> bool:
        return self.host in ('127.0.0.1', 'localhost', '::1') or self.host.startswith('127.')

    @property
    def is_https(self) -> bool:
        return self.https or self.ssl_certfile is not None

    def check_exposure(self, *, auth_configured: bool) -> None:
        """Refuse to serve beyond this machine while no user or token exists."""
        if not self.is_loopback and not auth_configured:
            raise ValueError(
                f'refusing to listen on {self.host} without authentication: add a user '
                f'(`oracle-trader users add NAME --role operator --data-dir {self.data_dir}`), or a token '
                f'(`oracle-trader tokens add NAME --role operator --data-dir {self.data_dir}`, or '
                'ORACLE_API_TOKEN=$(python3 -c "import secrets; print(secrets.token_urlsafe(32))")), '
                'or keep the default --host 127.0.0.1'
            )

    def check_role(self) -> None:
        """Refuse a split role without Redis."""
        if self.role != 'all' and self.redis_url is None:
            raise ValueError(
                f'--role {self.role} needs ORACLE_REDIS_URL (e.g. redis://127.0.0.1:6379/0): the engine and the web '
                'replicas talk through Redis; --role all (the default) runs everything in one process without it'
            )

    @property
    def redis(self) -> str:
        """The Redis URL ('' when none is set)."""
        return self.redis_url.get_secret_value().strip() if self.redis_url else ''

    @field_validator('cors_origins', mode='before')
    @classmethod
    def _split_origins(cls, value: Any) -> list[str]:
        items = value.split(',') if isinstance(value, str) else list(value)
        origins = [str(i).strip().rstrip('/') for i in items if str(i).strip()]
        for origin in origins:
            if not re.match(r'^https?://[A-Za-z0-9.\-\[\]:]+$', origin):
                raise ValueError(f'invalid origin {origin!r}: use scheme://host[:port], e.g. https://bot.example.com')
        return origins

    @field_validator('allowed_hosts', mode='before')
    @classmethod
    def _split_hosts(cls, value: Any) -> list[str]:
        items = value.split(',') if isinstance(value, str) else list(value)
        return [str(i).strip().lower() for i in items if str(i).strip()]

    @field_validator('trusted_proxies', mode='before')
    @classmethod
    def _parse_proxies(cls, value: Any) -> list[str]:
        items = value.split(',') if isinstance(value, str) else list(value)
        networks = []
        for item in (str(i).strip() for i in items):
            if not item:
                continue
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise ValueError(
                    f'invalid proxy address {item!r}: use an IP address or network, e.g. 127.0.0.1'
                ) from None
        return networks

    @field_validator('symbols', mode='before')
    @classmethod
    def _split_symbols(cls, value: Any) -> list[str]:
        return parse_symbols(value)

    @field_validator('speed', mode='before')
    @classmethod
    def _check_speed(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        if text == 'max':
            return 'max'
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"speed must be a number (times real time, e.g. 60) or 'max', got {value!r}") from None

    @field_validator('timeframe')
    @classmethod
    def _check_timeframe(cls, value: str) -> str:
        timeframe_seconds(value)
        return value

    @field_validator('locale')
    @classmethod
    def _check_locale(cls, value: str) -> str:
        return check_locale(value.strip().replace('-', '_'))

    @field_validator('feed')
    @classmethod
    def _check_feed(cls, value: str) -> str:
        kind, _, arg = value.partition(':')
        if kind == 'sim' and not arg:
            return value
        if kind in ('replay', 'ccxt') and arg.strip():
            return value
        raise ValueError(f'invalid feed {value!r}: use sim, replay:PATH.csv or ccxt:EXCHANGE')

    @property
    def database_path(self) -> Path:
        """The SQLite file in the data directory."""
        return self.data_dir / 'oracle.db'

    @property
    def database(self) -> Path | str:
        """What the store opens: ``database_url`` if given, else the SQLite file in the data directory."""
        url = self.database_url.get_secret_value().strip() if self.database_url else ''
        return url or self.database_path

    @property
    def sessions_dir(self) -> Path:
        """Where NiceGUI keeps browser sessions (``app.storage.user``): in the data directory, absolute."""
        return self.data_dir.resolve() / '.nicegui'
