"""Users, API tokens, roles, the failed-login lockout, audit events and the session-signing secret."""
