'use strict';
/**
 * What `CompiledPipeline#paginate` needs beside the pipelines (lib/pipeline.js): its
 * per-call options checked, the pipelines run on a Mongoose model with those options, the
 * count each count mode asks for, and the result in mongoose-paginate-v2's shape
 * (`customLabels`). Nothing here crosses into the core.
 */
const { fail } = require('./errors');

/** `pagination: false` returns at most this many documents (more: ERR_INVALID_PAGINATION). */
const ALL_MAX = 10_000;
/** The largest `maxTimeMS` (MongoDB takes a 32-bit signed integer). */
const MAX_TIME_MS = 2 ** 31 - 1;

/** Read preference modes and mongoose's / mongoose-paginate-v2's aliases for them. */
const READ_MODES = {
  primary: 'primary', p: 'primary',
  primaryPreferred: 'primaryPreferred', pp: 'primaryPreferred',
  secondary: 'secondary', s: 'secondary',
  secondaryPreferred: 'secondaryPreferred', sp: 'secondaryPreferred',
  nearest: 'nearest', n: 'nearest',
};

/** mongoose-paginate-v2's labels, in the order it writes them, plus hotpath's own. */
const LABELS = ['docs', 'totalDocs', 'limit', 'totalPages', 'page', 'pagingCounter', 'hasPrevPage', 'hasNextPage',
  'prevPage', 'nextPage', 'meta', 'nextCursor', 'prevCursor', 'totalIsLowerBound', 'totalIsEstimate'];

const OPTIONS = ['customLabels', 'lean', 'leanWithId', 'collation', 'allowDiskUse', 'read', 'pagination', 'maxTimeMS',
  'match', 'project', 'count', 'maxCount'];
/** Count modes a call may pick instead of the spec's (`facet` is a different pipeline). */
const CALL_COUNTS = { exact: 'separate', separate: 'separate', estimated: 'estimated', capped: 'capped', none: 'none' };

const bad = (name, want, v) => fail('ERR_INVALID_PAGINATION', `options.${name} must be ${want}, got ${describe(v)}`);
function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}
const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkLabels(labels) {
  if (!isPlain(labels)) bad('customLabels', 'an object of label names', labels);
  const out = {};
  for (const k of Object.keys(labels)) {
    if (!LABELS.includes(k)) fail('ERR_INVALID_PAGINATION', `options.customLabels.${k} is not a label (known: ${LABELS.join(', ')})`);
    const v = labels[k];
    const dropping = v === false || (k === 'meta' && v === null);
    if (!dropping && (typeof v !== 'string' || v === '' || v === '__proto__')) {
      bad(`customLabels.${k}`, `a non-empty name or false`, v);
    }
    if (k === 'docs' && v === false) bad('customLabels.docs', 'a non-empty name (docs cannot be dropped)', v);
    out[k] = dropping ? false : v;
  }
  return out;
}

function checkCollation(c) {
  if (!isPlain(c) || typeof c.locale !== 'string' || c.locale === '') bad('collation', 'an object with a locale, e.g. { locale: "en", strength: 2 }', c);
  return c;
}

/** `{ mode, tags }` from `'secondaryPreferred'` / `'sp'` / `{ pref, tags }` (mongoose-paginate-v2). */
function checkRead(r) {
  const pref = isPlain(r) ? r.pref : r;
  const mode = typeof pref === 'string' ? READ_MODES[pref] : undefined;
  if (mode === undefined) bad('read', `a read preference (${Object.keys(READ_MODES).join(', ')}) or { pref, tags }`, r);
  const tags = isPlain(r) ? r.tags : undefined;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(isPlain))) bad('read.tags', 'an array of tag sets', tags);
  return { mode, tags };
}

/**
 * The per-call options of `paginate`, checked (ERR_INVALID_PAGINATION naming the option).
 * @param {object|undefined} options
 */
function checkOptions(options) {
  if (options === undefined || options === null) return { lean: true, leanWithId: false, pagination: true };
  if (!isPlain(options)) bad('', 'an object', options);
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) fail('ERR_INVALID_PAGINATION', `options.${k} is not a paginate option (known: ${OPTIONS.join(', ')})`);
  }
  const o = options;
  const bool = (name, dflt) => {
    const v = o[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') bad(name, 'true or false', v);
    return v;
  };
  const out = {
    lean: bool('lean', true),
    leanWithId: bool('leanWithId', false),
    allowDiskUse: bool('allowDiskUse', undefined),
    pagination: bool('pagination', true),
  };
  if (o.customLabels !== undefined) out.labels = checkLabels(o.customLabels);
  if (o.collation !== undefined) out.collation = checkCollation(o.collation);
  if (o.read !== undefined) out.read = checkRead(o.read);
  if (o.maxTimeMS !== undefined) {
    const v = o.maxTimeMS;
    if (!Number.isInteger(v) || v < 1 || v > MAX_TIME_MS) bad('maxTimeMS', `an integer in 1..${MAX_TIME_MS}`, v);
    out.maxTimeMS = v;
  }
  if (o.count !== undefined) {
    if (!Object.hasOwn(CALL_COUNTS, o.count)) bad('count', `one of ${Object.keys(CALL_COUNTS).join(', ')}`, o.count);
    out.count = CALL_COUNTS[o.count];
  }
  if (o.maxCount !== undefined) {
    if (out.count !== 'capped') fail('ERR_INVALID_PAGINATION', "options.maxCount is only used with options.count: 'capped'");
    if (!Number.isInteger(o.maxCount) || o.maxCount < 1 || o.maxCount > 1e9) bad('maxCount', 'an integer in 1..1000000000', o.maxCount);
    out.maxCount = o.maxCount;
  } else if (out.count === 'capped') fail('ERR_INVALID_PAGINATION', "options.count: 'capped' needs options.maxCount");
  if (o.project !== undefined) {
    if (!isPlain(o.project) || !Object.keys(o.project).length) bad('project', 'a non-empty $project object', o.project);
    out.project = o.project;
  }
  if (o.match !== undefined) {
    if (!isPlain(o.match)) bad('match', 'a MongoDB filter object (server-side, never client input)', o.match);
    if (Object.keys(o.match).length) out.match = o.match;
  }
  return out;
}

/**
 * `options.project` (server-side) as the last data stage: an inclusion keeps the sort keys
 * (cursors are made from them), an exclusion may not drop one.
 */
function withProject(pipeline, project, sort) {
  if (!project) return pipeline;
  const inclusive = Object.values(project).some((v) => v !== 0 && v !== false);
  const stage = { ...project };
  for (const [k] of sort) {
    const hit = Object.keys(project).find((p) => p === k || k.startsWith(`${p}.`));
    if (hit !== undefined && (project[hit] === 0 || project[hit] === false)) {
      fail('ERR_INVALID_PAGINATION', `options.project must not exclude the sort key ${JSON.stringify(k)} (cursors are made from it)`);
    }
    if (inclusive && hit === undefined) stage[k] = 1;
  }
  const last = pipeline[pipeline.length - 1];
  if (last && last.$facet) {
    return [...pipeline.slice(0, -1), { $facet: { ...last.$facet, data: [...last.$facet.data, { $project: stage }] } }];
  }
  return [...pipeline, { $project: stage }];
}

/** The options object `Model.aggregate(pipeline, options)` receives. */
function aggregateOptions(o) {
  const out = {};
  if (o.allowDiskUse !== undefined) out.allowDiskUse = o.allowDiskUse;
  if (o.collation) out.collation = o.collation;
  if (o.maxTimeMS !== undefined) out.maxTimeMS = o.maxTimeMS;
  if (o.read && typeof o.read.tags === 'undefined') out.readPreference = o.read.mode;
  return out;
}

/**
 * Runs one pipeline: `Model.aggregate(pipeline, options)`, with the read preference set
 * through the aggregate's `read(mode, tags)` when it has one (Mongoose) — tags need it.
 */
function aggregate(Model, pipeline, o) {
  const p = o.match ? [{ $match: o.match }, ...pipeline] : pipeline;
  const opts = aggregateOptions(o);
  const agg = Object.keys(opts).length ? Model.aggregate(p, opts) : Model.aggregate(p);
  if (o.read && agg && typeof agg.read === 'function') return agg.read(o.read.mode, o.read.tags);
  if (o.read && o.read.tags) fail('ERR_INVALID_PAGINATION', 'options.read.tags needs a Mongoose model (its aggregate has read(pref, tags))');
  return agg;
}

/** The documents of a data pipeline's answer (a `$facet` answer holds them in `data`). */
function dataOf(t, answer) {
  if (t.count !== 'facet') return answer;
  const r = answer && answer[0];
  return (r && r.data) || [];
}

/** The data branch alone: a `$facet` pipeline without its count. */
function dataPipeline(pipeline) {
  const last = pipeline[pipeline.length - 1];
  if (!last || !last.$facet) return pipeline;
  return [...pipeline.slice(0, -1), ...last.$facet.data];
}

/**
 * Documents and total for one request: `{ docs, total, lowerBound, estimate }` (`total`
 * null with `count: 'none'` or `pagination: false`). `'estimated'` calls
 * `Model.estimatedDocumentCount` only when neither the request nor `options.match` filters
 * (the soft-delete condition alone does not count: the estimate includes those documents);
 * otherwise it runs the count pipeline and says so (`estimate: false`).
 */
async function run(Model, t, result, o) {
  const count = o.pagination ? (o.count || t.count) : 'none';
  if (o.count && t.count === 'facet') fail('ERR_INVALID_PAGINATION', `options.count: the spec counts with $facet (count: 'facet'); ${o.count} needs a spec with count: 'separate'`);
  const maxCount = o.maxCount || t.maxCount;
  let { countPipeline } = result;
  if (o.count === 'capped') countPipeline = [...countPipeline.slice(0, -1), { $limit: maxCount }, countPipeline[countPipeline.length - 1]];
  if (count === 'facet') {
    const answer = await aggregate(Model, withProject(result.pipeline, o.project, t.sort), o);
    const r = answer && answer[0];
    return { docs: dataOf(t, answer), total: (r && r.total && r.total[0] && r.total[0].n) || 0 };
  }
  const estimated = count === 'estimated' && t.unfiltered && !o.match && typeof Model.estimatedDocumentCount === 'function';
  let counting = null;
  if (estimated) {
    const q = Model.estimatedDocumentCount(o.maxTimeMS !== undefined ? { maxTimeMS: o.maxTimeMS } : undefined);
    counting = o.read && q && typeof q.read === 'function' ? q.read(o.read.mode, o.read.tags) : q;
  } else if (count !== 'none') {
    // mingo answers an empty `$count` with [{ n: 0 }] where MongoDB answers []: both read as 0.
    counting = Promise.resolve(aggregate(Model, countPipeline, o)).then((c) => (c && c[0] && c[0].n) || 0);
  }
  const [docs, n] = await Promise.all([aggregate(Model, withProject(result.pipeline, o.project, t.sort), o), counting]);
  const out = { docs, total: count === 'none' ? null : Number(n) };
  if (count === 'capped') out.lowerBound = out.total >= maxCount;
  if (count === 'estimated') out.estimate = estimated;
  return out;
}

/** `lean: false`: Mongoose documents (`Model.hydrate`); `leanWithId`: an `id` string per document. */
function finish(Model, docs, o) {
  if (!o.lean) {
    if (typeof Model.hydrate !== 'function') fail('ERR_INVALID_PAGINATION', 'options.lean: false needs a Mongoose model (Model.hydrate)');
    return docs.map((d) => Model.hydrate(d));
  }
  if (o.leanWithId) {
    for (const d of docs) if (d && d._id !== undefined && d._id !== null) d.id = String(d._id);
  }
  return docs;
}

/**
 * The result in mongoose-paginate-v2's shape: its labels, in its order, each renamed or
 * dropped (`false`) by `labels`, nested under `labels.meta` when given; then hotpath's
 * `nextCursor`, `prevCursor` (and `totalIsLowerBound` / `totalIsEstimate` for those count
 * modes), labelled the same way.
 * @param {{ docs: object[], meta: object, nextCursor: string|null, prevCursor: string|null }} r
 * @param {Record<string, string|false>} labels
 * @param {boolean} all `pagination: false`
 * @param {boolean} offset no `page` was given: mongoose-paginate-v2 then reports `offset: 0`
 */
function v2Shape(r, labels, all, offset) {
  const name = (k) => (labels[k] === undefined ? k : labels[k]);
  const m = r.meta;
  const page = m.currentPage;
  const fields = all
    ? [['totalDocs', r.docs.length], ['limit', r.docs.length], ['totalPages', 1], ['page', 1], ['pagingCounter', 1],
      ['hasPrevPage', false], ['hasNextPage', false], ['prevPage', null], ['nextPage', null]]
    : [['totalDocs', m.total], ['limit', m.limit], ['totalPages', m.totalPages], ['page', page],
      ['pagingCounter', page === null ? null : (page - 1) * m.limit + 1], ['hasPrevPage', m.hasPrevPage],
      ['hasNextPage', m.hasNextPage], ['prevPage', m.prevPage], ['nextPage', m.nextPage]];
  if (offset) fields.splice(1, 0, ['offset', 0]);
  fields.push(['nextCursor', r.nextCursor], ['prevCursor', r.prevCursor]);
  if ('totalIsLowerBound' in m) fields.push(['totalIsLowerBound', m.totalIsLowerBound]);
  if ('totalIsEstimate' in m) fields.push(['totalIsEstimate', m.totalIsEstimate]);
  const meta = {};
  for (const [k, v] of fields) {
    const n = k === 'offset' ? k : name(k);
    if (n !== false) meta[n] = v;
  }
  const metaLabel = labels.meta || null;
  return metaLabel ? { [name('docs')]: r.docs, [metaLabel]: meta } : { [name('docs')]: r.docs, ...meta };
}

module.exports = { ALL_MAX, MAX_TIME_MS, checkOptions, run, aggregate, dataPipeline, finish, v2Shape };
