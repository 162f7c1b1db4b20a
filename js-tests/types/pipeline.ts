import { pipeline, configure, AggregationBuilder, PipelineMeta } from '../../index';

const sales = pipeline.compile({
  collection: 'vagonsales',
  types: { _id: 'objectId', client: 'objectId', sale_date: 'date' },
  lookups: [{ from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode'], single: true }],
  sortable: ['createdAt', 'sale_date'],
  defaultSort: { createdAt: -1 },
  filterable: { client: ['eq', 'in'], sale_date: ['gte', 'lte'] },
  count: 'separate',
});
const built = sales.build({ filter: sales.filterFromQuery({ client: 'a' }), page: '2', limit: 20, sort: '-sale_date' });
const plan: string = built.plan;
const meta: PipelineMeta = sales.meta(10, { page: 1 });
const index: Record<string, 1 | -1> = sales.suggestIndex({ sort: { sale_date: -1 } });
configure({ bson: null });
const stages: Record<string, unknown>[] = AggregationBuilder.buildVagonSalePipeline({}, { page: 1, limit: 20 });
async function run(model: { aggregate(p: Record<string, unknown>[]): Promise<any[]> }) {
  const { docs, nextCursor } = await sales.paginate(model, { cursor: undefined });
  return [docs.length, nextCursor, plan, meta, index, stages];
}
async function shapes(model: { aggregate(p: Record<string, unknown>[], o?: Record<string, unknown>): Promise<any[]> }) {
  const r = await sales.paginate(model, { after: 'x', limit: 5 }, { lean: true, collation: { locale: 'en' }, read: 'sp', maxTimeMS: 100 });
  const back: string | null = r.prevCursor;
  const capped: boolean | undefined = r.meta.totalIsLowerBound;
  const v2 = await sales.paginate(model, { page: 2 }, { customLabels: { docs: 'items', totalDocs: false, meta: 'paginator' }, count: 'capped', maxCount: 1000 });
  const total: unknown = v2.totalDocs;
  const end = await sales.paginate(model, { fromEnd: true, before: undefined }, { pagination: true, match: { tenant: 1 }, project: { a: 1 } });
  sales.suggestIndex({ sort: 'sale_date' }, { collation: { locale: 'tr', strength: 2 } });
  return [back, capped, total, end.nextCursor];
}
export { run, shapes };
