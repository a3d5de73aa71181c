import { MongoReadStore } from '@app/read-store/mongodb/mongo-read-store';
import { fakeMongoClient } from '../support/fake-mongo';
import { readStoreContract } from './read-store.contract';

// The MongoDB adapter's queries, sorts, keyset cursors and projections, evaluated by mingo (see
// fake-mongo.ts) on every run; the real server runs the same contract when MONGODB_URL is set.
readStoreContract('MongoDB adapter over an in-memory query engine (mingo)', async () => {
  const store = new MongoReadStore(fakeMongoClient(), 'contract');
  return { store, dispose: () => store.close() };
});
