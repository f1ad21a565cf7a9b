// The subscribers of bench/subscriptions/fanout.ts, in a process of their own so
// that their work is not counted as the gateway's: plain `ws` sockets speaking
// graphql-transport-ws, each subscribed to productUpdated for one product. The
// parent tells it what to do over IPC and gets arrival times back.
import WebSocket from 'ws';

type Command =
  | { command: 'open'; url: string; tokens: string[]; query: string; productId: string }
  | { command: 'expect'; price: number; timeoutMs: number }
  | { command: 'close' };

interface Connection {
  socket: WebSocket;
  arrivals: Map<number, number>;
}

const connections: Connection[] = [];
const now = () => performance.timeOrigin + performance.now();
let waiting: { price: number; remaining: number; done: () => void } | undefined;

function open(url: string, token: string, query: string, productId: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const connection: Connection = { socket, arrivals: new Map() };
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as {
        type: string;
        payload?: { data?: { productUpdated?: { price?: { amount?: number } } } };
      };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { id: productId } } }));
        connections.push(connection);
        settle(true);
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (message.type === 'next') {
        const price = message.payload?.data?.productUpdated?.price?.amount;
        if (price === undefined) return;
        connection.arrivals.set(price, now());
        if (waiting?.price === price && (waiting.remaining -= 1) === 0) waiting.done();
      }
    });
    socket.on('error', () => settle(false));
    socket.on('close', () => settle(false));
  });
}

process.on('message', (message: Command) => {
  void (async () => {
    if (message.command === 'open') {
      let failed = 0;
      // A few hundred handshakes at a time: a burst of thousands only measures the accept queue.
      for (let index = 0; index < message.tokens.length; index += 200) {
        const batch = message.tokens.slice(index, index + 200);
        const results = await Promise.all(batch.map((token) => open(message.url, token, message.query, message.productId)));
        failed += results.filter((ok) => !ok).length;
      }
      process.send!({ opened: connections.length, failed });
    } else if (message.command === 'expect') {
      const { price } = message;
      const already = connections.filter((connection) => connection.arrivals.has(price)).length;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, message.timeoutMs);
        waiting = { price, remaining: connections.length - already, done: () => (clearTimeout(timer), resolve()) };
        if (waiting.remaining <= 0) waiting.done();
      });
      waiting = undefined;
      const arrivals = connections.map((connection) => connection.arrivals.get(price) ?? null);
      for (const connection of connections) connection.arrivals.delete(price);
      process.send!({ price, arrivals });
    } else {
      for (const connection of connections) connection.socket.terminate();
      process.send!({ closed: true });
      process.exit(0);
    }
  })();
});
