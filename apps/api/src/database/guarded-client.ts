/**
 * The pg Client every pool of the server uses (TypeORM's and the log store's): one that always has an 'error'
 * listener.
 *
 * Why: pg-pool removes its own listener while a connection is checked out, and hands a new connection out in the
 * middle of parsing the packet that completes its start-up. A FATAL that arrives then (PostgreSQL restarting,
 * pg_terminate_backend), or while a checked-out connection sits between two queries, is emitted as an 'error'
 * event with no listener, which throws and ends the whole server. With this listener nothing is lost: a query in
 * progress still fails with the error, a later query on the dead connection fails with "not queryable", and the
 * pool drops the connection when it is released. (Reproduced by apps/api/test/faults/connections-ended.spec.ts.)
 */
import { Client, ClientConfig } from 'pg';

export class GuardedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
