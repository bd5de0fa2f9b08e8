# SmartPay production image. Build: docker build -t smartpay .
# Run:   docker run -p 3000:3000 -e DATABASE_URL=mysql://… -e NODE_ENV=production … smartpay

# ---- build: install every dependency, compile, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build

# better-sqlite3 compiles its native addon from source when no prebuilt binary matches this platform.
# The toolchain lives only in this stage; Debian's versions within bookworm are what we want.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY .swcrc tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY admin-ui ./admin-ui
# scripts/build.mjs uses @swc/core and Vite (the dashboard), dev dependencies: build first, prune after.
RUN node scripts/build.mjs \
    && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies only ----
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

# Owned by root and read-only for the service; only ./data (default SQLite location) is writable.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 3000

# Slim images have no curl: Node's own fetch asks the readiness endpoint (database up, migrations applied).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm start` would rebuild (and needs dev dependencies): run the compiled entry point directly.
CMD ["node", "dist/main.js"]
