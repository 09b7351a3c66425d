"""Application settings from ``ORACLE_*`` environment variables, ``.env`` and command-line flags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
            raise ValueError(f'invalid symbol {str(item).strip()!r}: use BASE/QUOTE, e.g. BTC/USDT')
        if symbol not in symbols:
            symbols.append(symbol)
    if not symbols:
        raise ValueError('at least one symbol is required, e.g. BTC/USDT')
    return symbols


class RiskSettings(BaseModel):
    """Position sizing and limits (the original bot's modes plus risk-per-trade)."""

    model_config = ConfigDict(extra='forbid', validate_assignment=True)

    sizing: Literal['fixed', 'percent', 'risk'] = 'fixed'
    """fixed: ``fixed_margin`` USDT per trade; percent: ``margin_pct`` of free balance;
    risk: lose ``risk_pct`` of equity if the stop-loss is hit."""
    fixed_margin: float = Field(10.0, gt=0, le=1e9)
    """Margin per trade in USDT for ``sizing=fixed`` (original default: 10)."""
    margin_pct: float = Field(5.0, gt=0, le=100)
    """Margin per trade as % of free balance for ``sizing=percent``."""
    risk_pct: float = Field(1.0, gt=0, le=100)
    """Equity % lost at the stop-loss for ``sizing=risk``."""
    max_positions: int = Field(3, ge=1, le=100)
    """Maximum concurrent open positions (original default: 3)."""
    max_daily_loss_pct: float = Field(5.0, gt=0, le=100)
    """Stop opening trades for the rest of the (UTC) day once equity fell this % below the day's start."""


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
    speed: float = Field(1.0, gt=0, le=100_000)
    """Simulated/replayed seconds per real second."""
    seed: int = 7
    """Seed of the simulated market (same seed, same prices)."""
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
    """When set, every REST and WebSocket request must carry it (``Authorization: Bearer`` or ``?token=``)."""
    event_history: int = Field(1000, ge=10, le=1_000_000)
    """Events kept in memory for replay and feeds."""
    metrics_interval_s: float = Field(1.0, gt=0, le=3600)
    ws_heartbeat_s: float = Field(30.0, gt=0, le=3600)
    ws_timeout_s: float = Field(120.0, gt=0, le=86400)
    ws_cleanup_s: float = Field(60.0, gt=0, le=3600)

    @property
    def is_loopback(self) -> bool:
        return self.host in ('127.0.0.1', 'localhost', '::1') or self.host.startswith('127.')

    def check_exposure(self) -> None:
        """Refuse to serve beyond this machine without a token."""
        if not self.is_loopback and self.api_token is None:
            raise ValueError(f'refusing to listen on {self.host} without authentication: set ORACLE_API_TOKEN '
                             '(e.g. ORACLE_API_TOKEN=$(python3 -c "import secrets; print(secrets.token_urlsafe(32))")) '
                             'or keep the default --host 127.0.0.1')

    @field_validator('symbols', mode='before')
    @classmethod
    def _split_symbols(cls, value: Any) -> list[str]:
        return parse_symbols(value)

    @field_validator('timeframe')
    @classmethod
    def _check_timeframe(cls, value: str) -> str:
        timeframe_seconds(value)
        return value

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
