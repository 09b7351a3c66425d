"""The trading engine: market feeds, indicators, strategies, paper broker, risk and the bot lifecycle."""
