/**
 * A BuildKit session over the engine's `/session` upgrade (h2c, gRPC with the engine as client):
 * Berth serves the Auth service (no credentials) and the Secrets service, which hands each secret's
 * bytes to BuildKit from memory when a `RUN --mount=type=secret` asks for it. Nothing is written to
 * disk. dockerode's own session (lib/session.js) serves Auth only, so Berth keeps its own.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import type Dockerode from 'dockerode';

const protos = fromJSON({
  nested: {
    moby: {
      nested: {
        filesync: {
          nested: {
            v1: {
              nested: {
                Auth: { methods: { Credentials: { requestType: 'CredentialsRequest', responseType: 'CredentialsResponse' } } },
                CredentialsRequest: { fields: { Host: { type: 'string', id: 1 } } },
                CredentialsResponse: { fields: { Username: { type: 'string', id: 1 }, Secret: { type: 'string', id: 2 } } },
              },
            },
          },
        },
        buildkit: {
          nested: {
            secrets: {
              nested: {
                v1: {
                  nested: {
                    Secrets: { methods: { GetSecret: { requestType: 'GetSecretRequest', responseType: 'GetSecretResponse' } } },
                    GetSecretRequest: {
                      fields: { ID: { type: 'string', id: 1 }, annotations: { keyType: 'string', type: 'string', id: 2 } },
                    },
                    GetSecretResponse: { fields: { data: { type: 'bytes', id: 1 } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as unknown as Parameters<typeof fromJSON>[0]);

type ServiceOf = { service: grpc.ServiceDefinition };
const loaded = grpc.loadPackageDefinition(protos) as unknown as {
  moby: { filesync: { v1: { Auth: ServiceOf } }; buildkit: { secrets: { v1: { Secrets: ServiceOf } } } };
};

const METHODS = ['/moby.filesync.v1.Auth/Credentials', '/moby.buildkit.secrets.v1.Secrets/GetSecret'];

export interface BuildSession {
  id: string;
  close(): void;
}

/** Opens a session serving `secrets` (id -> bytes); close() ends it and its connection. */
export function openBuildSession(docker: Dockerode, secrets: ReadonlyMap<string, Buffer>): Promise<BuildSession> {
  const id = randomUUID();
  const opts = {
    method: 'POST',
    path: '/session',
    hijack: true,
    headers: {
      Upgrade: 'h2c',
      'X-Docker-Expose-Session-Uuid': id,
      'X-Docker-Expose-Session-Name': 'berth',
      'X-Docker-Expose-Session-Sharedkey': id,
      'X-Docker-Expose-Session-Grpc-Method': METHODS,
    },
    statusCodes: { 101: true, 200: true, 500: 'server error' },
  };
  return new Promise((resolve, reject) => {
    (docker.modem as unknown as { dial(o: unknown, cb: (err: Error | null, socket: Duplex) => void): void }).dial(opts, (err, socket) => {
      if (err) return reject(err);
      const server = new grpc.Server();
      server.addService(loaded.moby.filesync.v1.Auth.service, {
        Credentials: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, {}),
      });
      server.addService(loaded.moby.buildkit.secrets.v1.Secrets.service, {
        GetSecret: (call: grpc.ServerUnaryCall<{ ID: string }, object>, cb: grpc.sendUnaryData<object>) => {
          const data = secrets.get(call.request.ID);
          if (data) cb(null, { data });
          else cb({ code: grpc.status.NOT_FOUND, details: `secret ${call.request.ID} not found` });
        },
      });
      server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
      let closed = false;
      resolve({
        id,
        close: () => {
          if (closed) return;
          closed = true;
          server.forceShutdown();
          socket.destroy();
        },
      });
    });
  });
}
