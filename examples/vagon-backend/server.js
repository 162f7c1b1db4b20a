'use strict';
/**
 * `npm run example`: the example backend against MONGODB_URI, or an in-memory MongoDB from
 * mongodb-memory-server when that package is installed and can start (it downloads a server
 * binary, so it needs the internet). Without either it says so and exits 1.
 */
const mongoose = require('mongoose');
const { createApp } = require('./app');

async function connect() {
  if (process.env.MONGODB_URI) return mongoose.connect(process.env.MONGODB_URI);
  let MongoMemoryServer;
  try {
    ({ MongoMemoryServer } = require('mongodb-memory-server'));
  } catch {
    throw new Error('set MONGODB_URI (e.g. mongodb://127.0.0.1:27017/vagon) or install mongodb-memory-server');
  }
  const server = await MongoMemoryServer.create();
  return mongoose.connect(server.getUri());
}

connect().then(() => {
  const app = createApp({ mongoose, recalculateTotals: async (id) => console.log(`recalculated totals of vagon ${id}`) });
  const port = Number(process.env.PORT || 3000);
  const server = app.listen(port, () => console.log(`vagon backend on http://127.0.0.1:${port} (hotpath ${require('../..').backend})`));
  const stop = async () => {
    server.close();
    await app.locals.hotpath.totals.close({ flush: true });
    await mongoose.disconnect();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}).catch((err) => {
  console.error(`example: no MongoDB available: ${err.message}`);
  process.exit(1);
});
