import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
import type { DeliveryStatus } from './entities/webhook-endpoint.entity';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
}

export interface DeliveryRow {
  id: string;
  eventKey: string;
  topic: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** A delivery joined with its endpoint: what the sender needs. */
export interface OutgoingDelivery {
  eventKey: string;
  topic: string;
  payload: unknown;
  status: DeliveryStatus;
  createdAt: string;
  url: string;
  secret: string;
}

const ENDPOINT = `id, url, events, active, ${isoTimestamp('created_at')} AS "createdAt"`;
const DELIVERY = `id::text, event_key AS "eventKey", topic, status, attempts,
  last_status_code AS "lastStatusCode", last_error AS "lastError",
  ${isoTimestamp('delivered_at')} AS "deliveredAt", ${isoTimestamp('created_at')} AS "createdAt"`;

/** Subscribers to shop events and the delivery log. */
@Injectable()
export class OutboundWebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async createEndpoint(e: { url: string; events: string[]; secret: string }): Promise<EndpointRow> {
    const [row] = await this.dataSource.query<EndpointRow[]>(
      `INSERT INTO shop_webhook_endpoints (url, events, secret) VALUES ($1, $2, $3) RETURNING ${ENDPOINT}`,
      [e.url, e.events, e.secret],
    );
    return row;
  }

  listEndpoints(): Promise<EndpointRow[]> {
    return this.dataSource.query<EndpointRow[]>(
      `SELECT ${ENDPOINT} FROM shop_webhook_endpoints ORDER BY created_at, id`,
    );
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    // As a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count].
    const rows = await this.dataSource.query<{ id: string }[]>(
      'WITH gone AS (DELETE FROM shop_webhook_endpoints WHERE id = $1 RETURNING id) SELECT id FROM gone',
      [id],
    );
    return rows.length > 0;
  }

  async endpointExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM shop_webhook_endpoints WHERE id = $1',
      [id],
    );
    return rows.length > 0;
  }

  /**
   * One delivery row per active endpoint subscribed to `topic`; an event seen before (the outbox
   * delivers at least once) adds nothing. Returns the ids of the new rows.
   */
  async fanOut(topic: string, eventKey: string, payload: unknown): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO shop_webhook_deliveries (endpoint_id, event_key, topic, payload)
       SELECT id, $2, $1::text, $3 FROM shop_webhook_endpoints WHERE active AND $1::text = ANY(events)
       ON CONFLICT (endpoint_id, event_key) DO NOTHING
       RETURNING id::text`,
      [topic, eventKey, JSON.stringify(payload)],
    );
    return rows.map((r) => r.id);
  }

  /** A delivery with what is needed to send it; `undefined` if gone. */
  async forSending(id: string): Promise<OutgoingDelivery | undefined> {
    const [row] = await this.dataSource.query<OutgoingDelivery[]>(
      `SELECT d.event_key AS "eventKey", d.topic, d.payload, d.status,
              ${isoTimestamp('d.created_at')} AS "createdAt", e.url, e.secret
       FROM shop_webhook_deliveries d JOIN shop_webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  async recordAttempt(
    id: string,
    outcome: { status: DeliveryStatus; statusCode: number | null; error: string | null },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE shop_webhook_deliveries
       SET attempts = attempts + 1, status = $2::varchar, last_status_code = $3, last_error = $4,
           delivered_at = CASE WHEN $2::varchar = 'delivered' THEN now() ELSE delivered_at END,
           updated_at = now()
       WHERE id = $1 AND status <> 'delivered'`,
      [id, outcome.status, outcome.statusCode, outcome.error?.slice(0, 500) ?? null],
    );
  }

  deliveries(endpointId: string, page: { limit: number; offset: number }): Promise<DeliveryRow[]> {
    return this.dataSource.query<DeliveryRow[]>(
      `SELECT ${DELIVERY} FROM shop_webhook_deliveries WHERE endpoint_id = $1
       ORDER BY id DESC LIMIT $2 OFFSET $3`,
      [endpointId, page.limit, page.offset],
    );
  }
}
