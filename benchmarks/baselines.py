"""Baseline fan-out servers for ``benchmarks.ws_fanout`` (benchmark-only, never part of the app).

* ``fastapi``: the broadcast loop of FastAPI's WebSocket guide (``for connection in active: await
  connection.send_text(message)``) behind ``POST /emit``, served by uvicorn with its default settings.
* ``websockets``: the ``websockets`` library's own server and ``broadcast()``, with a minimal HTTP listener
  for ``POST /emit`` on a second port.

Both forward the POSTed JSON text unchanged to every client.
"""

import argparse
import asyncio


def fastapi_server(port: int) -> None:
    import uvicorn
    from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect

    app = FastAPI()
    active: list[WebSocket] = []

    @app.websocket('/ws')
    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        active.append(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            active.remove(websocket)

    @app.post('/emit')
    async def emit(request: Request) -> dict[str, bool]:
        message = (await request.body()).decode()
        for connection in list(active):
            await connection.send_text(message)
        return {'success': True}

    uvicorn.run(app, host='127.0.0.1', port=port, log_level='warning')


async def websockets_server(port: int, http_port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()

    async def handler(connection) -> None:
        clients.add(connection)
        try:
            async for _ in connection:
                pass
        finally:
            clients.discard(connection)

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b'\r\n\r\n')
                length = next(
                    (
                        int(line.split(b':')[1])
                        for line in head.split(b'\r\n')
                        if line.lower().startswith(b'content-length')
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                broadcast(clients, body.decode())
                reply = b'{"success": true}'
                writer.write(
                    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s'
                    % (len(reply), reply)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async with serve(handler, '127.0.0.1', port, max_size=2**22):
        server = await asyncio.start_server(http, '127.0.0.1', http_port)
        async with server:
            await asyncio.Future()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('kind', choices=('fastapi', 'websockets'))
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--http-port', type=int)
    args = parser.parse_args()
    if args.kind == 'fastapi':
        fastapi_server(args.port)
    else:
        asyncio.run(websockets_server(args.port, args.http_port))


if __name__ == '__main__':
    main()
