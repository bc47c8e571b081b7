// PM2 process file: Stoa on a VM or bare metal, without containers.
//
//   npm ci && npm run build
//   pm2 start deploy/ecosystem.config.js --env production
//   pm2 reload stoa-api          # zero-downtime: replaces API instances one at a time
//   pm2 save && pm2 startup      # resurrect on boot
//
// Topology (same as deploy/nginx.local.conf): API instances on 127.0.0.1:3101, :3102, ...
// behind nginx on :8080; one worker process with health/metrics on 127.0.0.1:3001.
//
// Connection strings and secrets are deliberately not in this file. PM2 hands each app the
// environment of the shell that runs `pm2 start`, then applies env_production on top, so
// export them there, e.g. from a root-only file:
//   set -a; . /etc/stoa/stoa.env; set +a   # DATABASE_URL, REDIS_URL, CORS_ORIGINS,
//                                          # PUBLIC_URL, MAIL_URL, JWT_SECRET_FILE,
//                                          # SHOP_WEBHOOK_SECRET_FILE, ...
// Variables read by this file itself: API_INSTANCES (number or "max", default 2) and
// SHUTDOWN_TIMEOUT_MS (the app reads the same variable, so both sides agree).
'use strict';

const path = require('node:path');

/** Positive integer from the environment, or the fallback when unset/invalid. */
function positiveInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const root = path.resolve(__dirname, '..');

const apiInstances =
  process.env.API_INSTANCES === 'max' ? 'max' : positiveInt(process.env.API_INSTANCES, 2);

// PM2 stops a process with SIGINT (src/core/lifecycle.ts handles it like SIGTERM),
// then SIGKILLs it after kill_timeout. The app bounds its own drain by SHUTDOWN_TIMEOUT_MS
// (default 10 s); the extra 5 s guarantees the app finishes on its own terms instead of
// being killed mid-drain with jobs half done.
const shutdownTimeoutMs = positiveInt(process.env.SHUTDOWN_TIMEOUT_MS, 10_000);
const killTimeout = shutdownTimeoutMs + 5_000;

const common = {
  cwd: root,
  kill_timeout: killTimeout,
  // The app never calls process.send('ready'). In cluster mode PM2 instead counts an
  // instance online at its first listen(), which is what `pm2 reload` waits for.
  wait_ready: false,
  autorestart: true,
  // Back off 100 ms, 150 ms, ... up to 15 s while a dependency (PostgreSQL, Redis) is down,
  // instead of a tight crash loop.
  exp_backoff_restart_delay: 100,
  watch: false,
  // Logs are pino JSON with their own timestamps; one file per app, not per instance.
  merge_logs: true,
  time: false,
};

module.exports = {
  apps: [
    {
      ...common,
      name: 'stoa-api',
      script: 'dist/src/main.js',
      // Cluster mode so `pm2 reload` is zero-downtime: the PM2 master holds each listening
      // socket, so a new instance binds its port while the old one is still draining.
      exec_mode: 'cluster',
      instances: apiInstances,
      // Instance i listens on PORT + i (3101, 3102, ...): nginx balances across distinct
      // ports, and each instance stays reachable on its own for /metrics scraping.
      increment_var: 'PORT',
      // Upper bound for a reload to wait on a new instance's listen() (boot ≈ 1.5 s,
      // longer when the database is slow to accept connections).
      listen_timeout: 15_000,
      // A safety net against leaks, well above the ≈ 155 MB RSS after boot.
      max_memory_restart: '768M',
      env: {
        NODE_ENV: 'development',
        PORT: 3101,
      },
      env_production: {
        NODE_ENV: 'production',
        PORT: 3101,
        // Only nginx on this host talks to the instances.
        HOST: '127.0.0.1',
        // nginx is the only hop and connects from loopback.
        TRUST_PROXY: 'loopback',
        // Queues run in stoa-worker, never inside API instances.
        WORKERS_IN_API: 'false',
      },
    },
    {
      ...common,
      name: 'stoa-worker',
      script: 'dist/src/worker.js',
      // One long-lived consumer process; BullMQ concurrency lives inside it. Cron jobs
      // take a lock, so scaling out (pm2 scale stoa-worker N) stays safe, and
      // increment_var gives extra instances their own health/metrics port.
      exec_mode: 'fork',
      instances: 1,
      increment_var: 'WORKER_PORT',
      // Higher than the API: jobs (e.g. image thumbnails) buffer more per process.
      max_memory_restart: '1G',
      env: {
        NODE_ENV: 'development',
        WORKER_PORT: 3001,
      },
      env_production: {
        NODE_ENV: 'production',
        WORKER_PORT: 3001,
        HOST: '127.0.0.1',
      },
    },
  ],
};
