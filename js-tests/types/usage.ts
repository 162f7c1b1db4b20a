// Compiled with `tsc --noEmit` by `npm test`: typed usage of the public API. A wrong name
// or type here fails the type check. Lines marked @ts-expect-error must stay errors.
import hotpath = require('../../index');
import { HotpathError, HotpathErrorCode } from '../../index';

const b: 'native' | 'wasm' = hotpath.backend;
const v: string = hotpath.version;
const codes: readonly HotpathErrorCode[] = hotpath.CODES;

const e = new HotpathError('ERR_INVALID_KEY', 'key must be a string');
const c: HotpathErrorCode = e.code;
// @ts-expect-error: not a known code
new HotpathError('ERR_NOPE', 'x');

const si = new hotpath.SmartInvalidation({ cache: new hotpath.Cache({ max: 10 }) });
si.onVagonLotChange({ vagon: 'v1' });

export { b, v, codes, c };
