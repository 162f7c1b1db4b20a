// Typed usage of the Loader and loaderFor (compiled by `npm test`, types step).
import { Loader, Cache, HotpathError } from '../../index';
import { loaderFor } from '../../types/mongoose';

interface User { _id: string; name: string }

const users = new Loader<string, User | null>(async (ids) => ids.map((id) => ({ _id: id, name: 'n' })), {
  maxBatchSize: 100, ttl: 60_000, max: 1000, key: '_id', name: 'users',
});
const u: Promise<User | null> = users.load('u1');
const many: Promise<Array<User | null | Error>> = users.loadMany(['a', 'b']);
users.prime('u2', { _id: 'u2', name: 'm' }).clear('u1').clearAll();

const shared = new Cache({ max: 10_000 });
const tagged = new Loader<number, string>(async (ks) => ks.map(String), { cacheMap: shared, prefix: 'n:', tags: (k) => [`n:${k % 2}`] });
tagged.load(1).then((s: string) => s.length);
const errs = new Loader<string, number>(async (ks) => ks.map((k) => (k ? 1 : new HotpathError('ERR_INVALID_KEY', 'x'))));

declare const Model: any;
const clients = loaderFor<{ name: string }>(Model, { select: 'name phone', ttl: 60_000 });
clients.load('id').then((c) => c && c.name);

// @ts-expect-error: load takes the key type
users.load(42);
// @ts-expect-error: maxBatchSize is a number
new Loader<string, string>(async (ks) => ks, { maxBatchSize: 'ten' });
export { u, many, errs };
