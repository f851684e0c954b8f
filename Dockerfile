# ml-portal: the API and the built web UI on one port, with python3 for training scripts such as examples/train.py.
#   docker build -t ml-portal .      (or: docker-compose up --build, with PostgreSQL; see docker-compose.yml)
FROM node:20-bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*

# Everything is built and run as the unprivileged `node` user, who owns /app, so the server (and the runs it
# starts, whose working directory defaults to /app) can write there, e.g. the embedded database in /app/.data
# when no DATABASE_URL is given.
WORKDIR /app
RUN chown node:node /app
USER node

ENV NG_CLI_ANALYTICS=false \
    NX_DAEMON=false

# `npm install`, not `npm ci`: the lockfile cannot list every platform's optional packages (see README).
COPY --chown=node:node package.json package-lock.json ./
RUN npm install --no-audit --no-fund

COPY --chown=node:node . .
# Builds both apps into dist/ (the API and the web UI that it serves).
RUN npm run build

ENV HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000

CMD ["node", "dist/apps/api/main.js"]
