# One image for both processes: `docker run omnihub` starts the api (the same as `npm run start:api`);
# the worker runs the same image with the command `node dist/apps/worker/src/main.js`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The files stay root-owned and read-only to the process.
USER node
EXPOSE 3000 2525
# node directly rather than through npm, so SIGTERM reaches the app and it shuts down gracefully.
CMD ["node", "dist/apps/api/src/main.js"]
