import * as net from 'node:net';

/**
 * Asks the kernel for `count` distinct free TCP ports on `host` (bind port 0, read the port,
 * release it). Dovecot cannot listen on port 0 itself, so its listeners get ports chosen this
 * way. Another process may take a port in between; callers retry on "Address already in use".
 */
export async function pickFreePorts(host: string, count: number): Promise<number[]> {
  // Held open together until all are read, so the kernel cannot hand out one port twice.
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnFreePort(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function listenOnFreePort(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error(`could not read a free port on ${host}`));
    });
  });
}
