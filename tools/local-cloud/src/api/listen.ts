import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Serves `listener` on 127.0.0.1:`port` (never another interface), keeping connections alive as API
 * Gateway's front does; a port in use is an error that says how to pick another.
 */
export async function listenOnLoopback(listener: RequestListener, port: number): Promise<Server> {
  const server = createServer({ keepAliveTimeout: 65_000 }, listener);
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use (set PORT to use another)`) : error),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
