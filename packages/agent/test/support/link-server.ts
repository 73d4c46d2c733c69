import { grpc, serviceDefinition, SERVER_OPTIONS } from '@whmcs-ha/shared';
import { AgentLinkServer } from '../../../coordinator/src/agent-link/agent-link-server.js';

export interface LinkServer {
  links: AgentLinkServer;
  port: number;
  address: string;
  leadership: { leader: boolean; term: number };
  stop(): Promise<void>;
}

/** A real grpc.Server with the coordinator's AgentLinkServer on 127.0.0.1 (`port` 0 = any free one). */
export async function startLinkServer(id: string, port = 0, leadership = { leader: true, term: 1 }): Promise<LinkServer> {
  const state = { ...leadership };
  const links = new AgentLinkServer({ coordinatorId: id, leadership: () => state });
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(serviceDefinition('AgentLink'), links.grpcImplementation());
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    links,
    port: bound,
    address: `127.0.0.1:${bound}`,
    leadership: state,
    async stop() {
      links.close();
      server.forceShutdown();
    },
  };
}
