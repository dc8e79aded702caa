# One image for both roles. The default command runs the web app; the worker runs with
# `npm run worker`; `npm run db:migrate` applies migrations once, before either starts.
# docker-compose.yml wires the three together; docs/operations.md explains the rest.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# .npmrc points node-gyp at /usr for the Debian hosts; the node image keeps its headers under /usr/local.
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    npm_config_nodedir=/usr/local

# Dependencies first, so that a change to the sources reuses this layer. The postinstall
# script runs `prisma generate` (offline: PRISMA_SCHEMA_ENGINE_BINARY is set in package.json),
# which needs the schema and prisma.config.ts.
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci

COPY . .
# The build reads no runtime configuration: DATABASE_URL, REDIS_URL and the key come at run time.
RUN npm run build \
    && rm -rf .next/cache \
    && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# npm runs scripts with sh, and dash neither execs the command nor passes SIGTERM on, so
# `docker stop` would kill the worker without its clean shutdown; bash -c execs the node
# process, which then gets the signal from npm.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    npm_config_script_shell=/bin/bash \
    HOST=0.0.0.0 \
    PORT=3000

# The web app runs the Next.js build; the worker, the start-up checks and the migrations run
# TypeScript sources through tsx, with tsconfig.json for the `@/` paths.
COPY --from=build /app/package.json /app/.npmrc /app/tsconfig.json /app/next.config.ts /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/lib ./lib
COPY --from=build /app/workers ./workers
COPY --from=build /app/scripts ./scripts
# Next.js writes its cache under .next at run time; everything else stays owned by root.
COPY --from=build --chown=node:node /app/.next ./.next

# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
CMD ["npm", "run", "web"]
