// The bare baseline for bench/platform.mjs and bench/blog.mjs: the least code that serves the
// same responses as Stoa from the same database — Express 5, one pg pool, one hand-written query
// per route, a JWT checked by hand with node:crypto. No Nest, no ORM, no Redis, no logging, no
// metrics, no guards. Whatever Stoa costs on top of this is the price of the platform; the ratio
// makes that visible.
//
// Spawned by the benchmarks as its own process (like Stoa) so both pay the same process and
// scheduling costs. Environment: PORT, HOST, DATABASE_URL, JWT_SECRET, DATABASE_POOL_SIZE.

import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { FEED_SQL, LIST_SQL, toArticleList } from './lib/bare-blog-queries.mjs';

const { PORT = '0', HOST = '127.0.0.1', DATABASE_URL, JWT_SECRET } = process.env;
if (!DATABASE_URL || !JWT_SECRET) {
  process.stderr.write('baseline-server: DATABASE_URL and JWT_SECRET are required\n');
  process.exit(64);
}

// Same pool size as Stoa's default (DATABASE_POOL_SIZE=10), so neither side wins on connections.
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});

const secret = Buffer.from(JWT_SECRET, 'utf8');
const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/**
 * HS256 verification by hand, with the checks Stoa makes (algorithm pinned, signature, expiry,
 * token type): returns the claims, or undefined for anything invalid. Done on every request —
 * no cache — because Stoa verifies on every request too.
 */
function verifyAccessToken(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts;
  try {
    if (b64json(header).alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = b64json(payload);
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return undefined;
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

const app = express();

// Same lookup as Stoa's UsersRepository.findByUsername (uses the lower(username) unique index).
app.get('/api/v1/profiles/:username', async (req, res, next) => {
  try {
    const { rows } = await pool.query(
      'SELECT username, bio, image FROM users WHERE lower(username) = lower($1)',
      [req.params.username],
    );
    if (!rows[0]) return res.status(404).json({ errors: { profile: ['not found'] } });
    res.json({ profile: { ...rows[0], following: false } });
  } catch (error) {
    next(error);
  }
});

app.get('/api/v1/user', async (req, res, next) => {
  const match = /^(Bearer|Token)\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
  const claims = match && verifyAccessToken(match[2]);
  if (!claims) return res.status(401).json({ errors: { token: ['invalid'] } });
  try {
    const { rows } = await pool.query(
      'SELECT email, username, bio, image, role FROM users WHERE id = $1',
      [claims.sub],
    );
    if (!rows[0]) return res.status(404).json({ errors: { user: ['not found'] } });
    const { email, username, bio, image, role } = rows[0];
    // Same key order as Stoa's toUserDto, so the bodies are byte-identical.
    res.json({ user: { email, token: match[2], username, bio, image, role } });
  } catch (error) {
    next(error);
  }
});

/** The token's claims; `null` without a header; `undefined` for a bad one (→ 401). */
function viewerOf(req) {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^(Bearer|Token)\s+(\S+)$/i.exec(header.trim());
  return (match && verifyAccessToken(match[2])) || undefined;
}

/** RealWorld paging with Stoa's bounds: limit 1–100 (default 20), offset ≥ 0. */
function paging(query) {
  const limit = Math.min(100, Math.max(1, Number.parseInt(query.limit, 10) || 20));
  const offset = Math.max(0, Number.parseInt(query.offset, 10) || 0);
  return [limit, offset];
}

// The blog list and feed: one statement each (bench/lib/bare-blog-queries.mjs), page and total.
// Filters (tag, author, favorited) are not served: the benchmark loads the unfiltered list.
app.get('/api/v1/articles', async (req, res, next) => {
  const claims = viewerOf(req);
  if (claims === undefined) return res.status(401).json({ errors: { token: ['invalid'] } });
  try {
    const { rows } = await pool.query(LIST_SQL, [claims?.sub ?? null, ...paging(req.query)]);
    res.json(toArticleList(rows));
  } catch (error) {
    next(error);
  }
});

app.get('/api/v1/articles/feed', async (req, res, next) => {
  const claims = viewerOf(req);
  if (!claims) return res.status(401).json({ errors: { token: ['invalid'] } });
  try {
    const { rows } = await pool.query(FEED_SQL, [claims.sub, ...paging(req.query)]);
    res.json(toArticleList(rows));
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(PORT), HOST, (error) => {
  if (error) throw error;
  process.stdout.write(`baseline listening on ${HOST}:${server.address().port}\n`);
});

// platform.mjs stops us with SIGTERM: close the listener and the pool, then exit on our own.
process.once('SIGTERM', () => {
  server.close(() => pool.end().finally(() => process.exit(0)));
  server.closeAllConnections();
});
