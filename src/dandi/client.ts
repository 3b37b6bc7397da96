// PLACEHOLDER until the Browse work lands: the DANDI client (src/dandi/client.ts).
export interface DandiClient {
  readonly apiUrl: string;
}
