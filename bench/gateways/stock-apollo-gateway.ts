// Stock @apollo/gateway with @apollo/server: default settings, one process, the
// standalone server. What the comparison's ratios are taken against.
//
//   npx tsx bench/gateways/stock-apollo-gateway.ts <supergraph.graphql> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [supergraphPath, port] = process.argv.slice(2);
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath!, 'utf8') }) });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
process.stdout.write(`stock @apollo/gateway listening at ${url}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
