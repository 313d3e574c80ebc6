import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A stand-in's HTTP server, on a free port of the loopback interface. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_* or a client's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts a server that hands `handle` each request with its whole body. */
export async function startLocalServer(handle: (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => void): Promise<LocalServer> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
