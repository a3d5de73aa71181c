# The API, the projector and the command-line tools. Build: docker build -t service-desk-sla .
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx nest build api && npx nest build projector && npx nest build cli && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY --from=build /app/imports ./imports
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 3000 3001
USER node
# The projector runs the same image: command node dist/apps/projector/apps/projector/src/main.js
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
