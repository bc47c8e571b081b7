import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { AppModule } from './app.module';
import { loadConfigOrExit, prepareRuntime, type Runtime } from './bootstrap';
import { CONTRACT_FILES, contractDrift, renderContracts } from './contracts';
import { Role } from './core/auth/permissions';
import { loadDotenv } from './core/env';
import { SessionsService } from './modules/auth';
import { BlogSeeder } from './modules/blog';
import { EmailTakenError, UsernameTakenError, UsersService } from './modules/users';

const USAGE = `Usage: node dist/src/cli.js <command> [options]

Commands:
  migrate                         apply pending migrations (and BullMQ's schema without Redis)
  seed                            create demo accounts (idempotent)
  create-admin --email E [--password P] [--username U] [--promote-existing]
                                  create an admin (password from --password or ADMIN_PASSWORD);
                                  an existing account is promoted only with --promote-existing,
                                  which also sets the given password and ends its sessions
  openapi:export [--check]        write docs/openapi.json and schema.gql; --check fails on drift
`;

const logger = new Logger('CLI');

async function withContext<T>(
  runtime: Runtime,
  work: (get: <S>(type: new (...a: never[]) => S) => S) => Promise<T>,
) {
  const ctx = await NestFactory.createApplicationContext(
    AppModule.register({ config: runtime.config, databaseUrl: runtime.databaseUrl, role: 'cli' }),
    { bufferLogs: true },
  );
  ctx.useLogger(ctx.get(PinoLogger));
  try {
    return await work((type) => ctx.get(type));
  } finally {
    await ctx.close();
  }
}

/** Demo accounts for trying the API; feature modules add their own seed data. */
const DEMO_USERS = [
  { username: 'editor', email: 'editor@stoa.local', role: Role.Editor },
  { username: 'jake', email: 'jake@stoa.local', role: Role.Author },
  { username: 'jane', email: 'jane@stoa.local', role: Role.Author },
  { username: 'carl', email: 'carl@stoa.local', role: Role.Customer },
];
const DEMO_PASSWORD = 'stoa-demo-password';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      username: { type: 'string' },
      check: { type: 'boolean', default: false },
      'promote-existing': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (!command || values.help) {
    process.stdout.write(USAGE);
    return command ? 0 : 64;
  }
  const config = loadConfigOrExit(loadDotenv());
  const runtime = await prepareRuntime(config);
  try {
    switch (command) {
      case 'migrate':
        logger.log('database is up to date');
        return 0;
      case 'seed':
        return await withContext(runtime, async (get) => {
          const users = get(UsersService);
          for (const demo of DEMO_USERS) {
            try {
              await users.create({ ...demo, password: DEMO_PASSWORD });
              logger.log(`created ${demo.role} ${demo.email}`);
            } catch (error) {
              if (!(error instanceof EmailTakenError || error instanceof UsernameTakenError))
                throw error;
              logger.log(`${demo.email} exists; left as is`);
            }
          }
          await get(BlogSeeder).seed(['jake', 'jane'], ['carl', 'editor']);
          logger.log(`demo accounts use the password "${DEMO_PASSWORD}"`);
          return 0;
        });
      case 'create-admin': {
        const email = values.email ?? config.auth.adminEmail;
        const password = values.password ?? config.auth.adminPassword;
        if (!password || password.length < 8) {
          process.stderr.write(
            'create-admin needs --password (≥ 8 characters) or ADMIN_PASSWORD\n',
          );
          return 64;
        }
        return await withContext(runtime, async (get) => {
          try {
            const { user, promoted } = await get(UsersService).createAdmin(
              email,
              password,
              values.username ?? 'admin',
              values['promote-existing'],
            );
            if (promoted) await get(SessionsService).revokeAll(user.id, 'promoted-by-cli');
            logger.log(`${user.email} is an admin${promoted ? ' (promoted; sessions ended)' : ''}`);
            return 0;
          } catch (error) {
            if (!(error instanceof EmailTakenError)) throw error;
            process.stderr.write(
              `${email} already has an account; rerun with --promote-existing to make it an admin\n`,
            );
            return 1;
          }
        });
      }
      case 'openapi:export': {
        const app = await createApp({ config, databaseUrl: runtime.databaseUrl });
        await app.init();
        try {
          const contracts = await renderContracts(app);
          if (values.check) {
            const drift = contractDrift(contracts);
            if (drift.length) {
              process.stderr.write(
                `contracts out of date: ${drift.join(', ')}; run npm run openapi:export\n`,
              );
              return 1;
            }
            logger.log('contracts are up to date');
            return 0;
          }
          writeFileSync(CONTRACT_FILES.openapi, contracts.openapi);
          writeFileSync(CONTRACT_FILES.graphql, contracts.graphql);
          logger.log(`wrote ${CONTRACT_FILES.openapi} and ${CONTRACT_FILES.graphql}`);
          return 0;
        } finally {
          await app.close();
        }
      }
      default:
        process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
        return 64;
    }
  } finally {
    await runtime.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
