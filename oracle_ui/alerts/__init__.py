"""Alerts: rules the user sets (price, indicator, trading event, account, health), checked as events arrive, and
delivered through Apprise channels and the in-app inbox, with cooldowns, rate limits, quiet hours and history."""
