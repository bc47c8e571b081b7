import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IdempotencyStatus } from './idempotency-record.entity';

/** Which key: `principal` + `route` + `key` is the primary key of `idempotency_keys`. */
export interface IdempotencyScope {
  principal: string;
  route: string;
  key: string;
}

/** A response as it is replayed: status, the selected headers and the exact body bytes. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** An existing key, with the time checks already made by PostgreSQL's clock (one clock for all). */
export interface ExistingKey {
  fingerprint: string;
  status: IdempotencyStatus;
  /** Past `expires_at`: counts as absent. */
  expired: boolean;
  /** In flight for longer than the lock timeout: its request is presumed dead. */
  stale: boolean;
  response: StoredResponse | null;
}

const PK = 'principal = $1 AND route = $2 AND key = $3';
const pk = (s: IdempotencyScope) => [s.principal, s.route, s.key];

/**
 * SQL over `idempotency_keys`. Every state change is one conditional statement, so two requests
 * (on any replicas) racing for a key cannot both win it.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims an unused key; `false` when a row exists (whatever its state). */
  async claim(
    scope: IdempotencyScope,
    fingerprint: string,
    claimToken: string,
    ttlHours: number,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys
         (principal, route, key, fingerprint, status, claim_token, locked_at, expires_at)
       VALUES ($1, $2, $3, $4, 'in_flight', $5, now(), now() + make_interval(hours => $6))
       ON CONFLICT (principal, route, key) DO NOTHING
       RETURNING 1`,
      [...pk(scope), fingerprint, claimToken, ttlHours],
    );
    return rows.length === 1;
  }

  async find(scope: IdempotencyScope, lockTimeoutMs: number): Promise<ExistingKey | undefined> {
    const [row] = await this.dataSource.query<
      {
        fingerprint: string;
        status: IdempotencyStatus;
        expired: boolean;
        stale: boolean;
        response_status: number | null;
        response_headers: Record<string, string> | null;
        response_body: string | null;
      }[]
    >(
      `SELECT fingerprint, status, response_status, response_headers, response_body,
              expires_at <= now() AS expired,
              status = 'in_flight' AND locked_at <= now() - make_interval(secs => $4 / 1000.0) AS stale
         FROM idempotency_keys WHERE ${PK}`,
      [...pk(scope), lockTimeoutMs],
    );
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      expired: row.expired,
      stale: row.stale,
      response:
        row.response_status === null
          ? null
          : {
              status: row.response_status,
              headers: row.response_headers ?? {},
              body: row.response_body,
            },
    };
  }

  /** Replaces an expired row by a fresh claim, unless someone else replaced it first. */
  async takeOverExpired(
    scope: IdempotencyScope,
    fingerprint: string,
    claimToken: string,
    ttlHours: number,
  ): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE idempotency_keys
          SET fingerprint = $4, status = 'in_flight', claim_token = $5, locked_at = now(),
              response_status = NULL, response_headers = NULL, response_body = NULL,
              created_at = now(), completed_at = NULL,
              expires_at = now() + make_interval(hours => $6)
        WHERE ${PK} AND expires_at <= now()`,
      [...pk(scope), fingerprint, claimToken, ttlHours],
    );
    return count === 1;
  }

  /**
   * Moves a stale claim to a new owner: the condition is re-checked on the latest row version,
   * so of two requests seeing the same stale claim exactly one takes it.
   */
  async takeOverStale(
    scope: IdempotencyScope,
    claimToken: string,
    lockTimeoutMs: number,
  ): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE idempotency_keys SET claim_token = $4, locked_at = now()
        WHERE ${PK} AND status = 'in_flight' AND expires_at > now()
          AND locked_at <= now() - make_interval(secs => $5 / 1000.0)`,
      [...pk(scope), claimToken, lockTimeoutMs],
    );
    return count === 1;
  }

  /** Stores the response; `false` if the claim was taken over meanwhile (it is not ours). */
  async complete(
    scope: IdempotencyScope,
    claimToken: string,
    response: StoredResponse,
  ): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE idempotency_keys
          SET status = 'completed', claim_token = NULL, locked_at = NULL, completed_at = now(),
              response_status = $5, response_headers = $6, response_body = $7
        WHERE ${PK} AND claim_token = $4`,
      [...pk(scope), claimToken, response.status, JSON.stringify(response.headers), response.body],
    );
    return count === 1;
  }

  /** Gives the key back (the request failed in a way worth retrying). */
  async release(scope: IdempotencyScope, claimToken: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE ${PK} AND claim_token = $4`, [
      ...pk(scope),
      claimToken,
    ]);
  }

  /** Deletes up to `batch` expired keys; returns how many. */
  async deleteExpired(batch = 5_000): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM idempotency_keys WHERE (principal, route, key) IN (
         SELECT principal, route, key FROM idempotency_keys
          WHERE expires_at <= now() ORDER BY expires_at LIMIT $1)`,
      [batch],
    );
    return count;
  }
}
