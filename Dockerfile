# One image for every GasRápido service; docker-compose.yml and the Kubernetes
# manifests pick the process with SERVICE (gateway or a subgraph's name, e.g. accounts).

# ---- build: install, generate Prisma clients, compile TypeScript ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json rover.yaml ./
COPY kit ./kit
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY platform ./platform
COPY scripts ./scripts
COPY prisma ./prisma
COPY schema ./schema
RUN npm run build && npm prune --omit=dev --ignore-scripts \
  && for schema in subgraphs/*/schema.graphql; do mkdir -p "/schemas/$(dirname "$schema")" && cp "$schema" "/schemas/$schema"; done \
  && for migrations in subgraphs/*/prisma/migrations; do mkdir -p "/schemas/$(dirname "$migrations")" && cp -R "$migrations" "/schemas/$migrations"; done

# ---- runtime: compiled code, production dependencies, schemas and migrations ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The kit's outbox migration, applied to every service database before the service's own.
COPY --from=build /app/prisma/outbox ./prisma/outbox
COPY --from=build /app/schema ./schema
# The subgraphs, and their order, for the platform's scripts (db:deploy reads them from rover.yaml).
COPY --from=build /app/rover.yaml ./
# Each subgraph reads its own schema file at start and applies its migrations
# (subgraphs/<name>/prisma/migrations); only those, not the sources.
COPY --from=build /schemas/subgraphs ./subgraphs
# Where verification keeps documents with local storage; a volume mounted here inherits the owner.
RUN mkdir -p /var/lib/gasrapido/verification-documents && chown 1000:1000 /var/lib/gasrapido/verification-documents
# The image's "node" user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
# dist/<gateway|subgraphs/NAME>/src/main.js; `--conditions=production` maps '#kit' to the compiled kit.
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node --conditions=production --max-semi-space-size=64 dist/gateway/src/main.js; else exec node --conditions=production dist/subgraphs/$SERVICE/src/main.js; fi"]
