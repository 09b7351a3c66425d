"""``oracle-trader users …`` and ``oracle-trader tokens …``: manage logins and API tokens in a data directory.

Changes take effect in a running server within seconds (it reads the same database): a removed token's
WebSockets are closed with 1008 at the next check, a removed user's next action is refused.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..settings import Settings
from ..store import Store
from .accounts import AccountError, AccountInfo, Accounts, Role
from .files import make_private


def add_account_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser('users', help='add, remove or list dashboard logins').add_subparsers(
        dest='action', required=True
    )
    add = users.add_parser('add', help='add a user (or set its password and role)')
    add.add_argument('name')
    add.add_argument(
        '--role',
        choices=[r.value for r in Role],
        default=Role.VIEWER.value,
        help='operator: may control the bot; viewer: read-only (default)',
    )
    add.add_argument('--password-stdin', action='store_true', help='read the password from stdin instead of a prompt')
    users.add_parser('remove', help='remove a user').add_argument('name')
    users.add_parser('list', help='list users')
    tokens = commands.add_parser('tokens', help='add, remove or list API tokens').add_subparsers(
        dest='action', required=True
    )
    add = tokens.add_parser('add', help='create a token and print it (once)')
    add.add_argument('name')
    add.add_argument('--role', choices=[r.value for r in Role], default=Role.VIEWER.value)
    tokens.add_parser('remove', help='remove a token').add_argument('name')
    tokens.add_parser('list', help='list tokens (names and roles; values are never stored)')
    for sub in (users, tokens):
        for parser in sub.choices.values():
            parser.add_argument('--data-dir', type=Path, help='data directory of the bot (default: ./data)')


def run_account_command(args: argparse.Namespace) -> int:
    """Run ``users``/``tokens`` ``add``/``remove``/``list``; returns the exit status."""
    settings = Settings(**({'data_dir': args.data_dir} if args.data_dir else {}))
    make_private(settings.data_dir)  # the database it may create holds password and token hashes
    store = Store(settings.database)
    try:
        accounts = Accounts(store.engine)
        if args.command == 'users':
            return _users(accounts, args)
        return _tokens(accounts, args)
    except AccountError as error:
        print(f'oracle-trader: error: {error}', file=sys.stderr)
        return 2
    finally:
        store.close()


def _users(accounts: Accounts, args: argparse.Namespace) -> int:
    if args.action == 'list':
        _print_table(accounts.users())
        return 0
    if args.action == 'remove':
        return _removed(accounts.remove_user(args.name), 'user', args.name)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip('\n')
    else:
        password = getpass.getpass(f'password for {args.name}: ')
        if getpass.getpass('again: ') != password:
            raise AccountError('the passwords differ')
    accounts.add_user(args.name, password, Role(args.role))
    print(f'user {args.name} ({args.role}) saved')
    return 0


def _tokens(accounts: Accounts, args: argparse.Namespace) -> int:
    if args.action == 'list':
        _print_table(accounts.tokens())
        return 0
    if args.action == 'remove':
        return _removed(accounts.remove_token(args.name), 'token', args.name)
    token = accounts.add_token(args.name, Role(args.role))
    print(f'token {args.name} ({args.role}); shown only now, keep it secret:', file=sys.stderr)
    print(token)
    return 0


def _removed(removed: bool, kind: str, name: str) -> int:
    if not removed:
        print(f'oracle-trader: error: no {kind} named {name!r}', file=sys.stderr)
        return 1
    print(f'{kind} {name} removed')
    return 0


def _print_table(rows: list[AccountInfo]) -> None:
    for row in rows:
        created = datetime.fromtimestamp(row.created_time, UTC).strftime('%Y-%m-%d %H:%M UTC')
        print(f'{row.name:32} {row.role.value:9} created {created}')
    if not rows:
        print('(none)')
