// Preloaded into a server for bench/shop.mjs's counting run (`node --import <this file>`), never
// into a measured one: counts every statement the process sends to PostgreSQL and every command
// it sends to Redis. Each pg `query` is one round trip (BEGIN and COMMIT included); Redis
// commands are counted one by one, so a MULTI or a pipeline is several commands in one round
// trip. On SIGUSR2 the counts since the last signal are written to $BENCH_COUNT_FILE as
// `{ seq, pg: { "<first three words>": n }, redis: { "<command>": n } }` and reset.
//
// The server's own `require('pg')` and `require('ioredis')` resolve to the same files as ours
// (the project's node_modules), so patching the prototypes here patches theirs.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const pg = require('pg');
const Redis = require('ioredis');

let counts = { pg: {}, redis: {} };
const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text === 'string') bump(counts.pg, text.trim().split(/\s+/).slice(0, 3).join(' '));
  return query.call(this, config, ...rest);
};

const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, ...rest) {
  bump(counts.redis, String(command?.name ?? '?').toUpperCase());
  return sendCommand.call(this, command, ...rest);
};

let seq = 0;
process.on('SIGUSR2', () => {
  seq += 1;
  writeFileSync(process.env.BENCH_COUNT_FILE, JSON.stringify({ seq, ...counts }));
  counts = { pg: {}, redis: {} };
});
