import { MongoReadStore } from '@app/read-store/mongodb/mongo-read-store';
import { randomUUID } from 'node:crypto';
import { readStoreContract } from './read-store.contract';

/**
 * The read-store contract against MongoDB, when MONGODB_URL names a replica set (transactions need one;
 * e.g. `mongodb://localhost:27017/?replicaSet=rs0`, as `docker compose up mongo` starts it). Each test
 * gets a database of its own, dropped afterwards.
 */
const url = process.env.MONGODB_URL;
if (url) {
  readStoreContract(`MongoDB (${url})`, async () => {
    const { MongoClient } = await import('mongodb');
    const client = await new MongoClient(url).connect();
    const database = `contract_${randomUUID().slice(0, 8)}`;
    const store = new MongoReadStore(client, database);
    return {
      store,
      dispose: async () => {
        await client.db(database).dropDatabase();
        await store.close();
      },
    };
  });
} else {
  describe('read store contract: MongoDB', () => {
    it.skip('skipped: no server (MONGODB_URL is not set; e.g. mongodb://localhost:27017/?replicaSet=rs0)', () => {});
  });
}
