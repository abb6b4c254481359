// test/httpd/as/entry.ts — images/httpd's pure parts under Node: the request
// head parser, request-target normalisation, byte ranges, HTTP dates.
import { HttpRequest, httpParse } from "../../../images/httpd/request";
import { pathParse, ReqPath } from "../../../images/httpd/path";
import { ByteRange, rangeParse } from "../../../images/httpd/range";
import { httpDate, httpDateParse } from "../../../images/httpd/date";
import { mimeType } from "../../../images/httpd/mime";
import "../../../kernel/panic";

const req = new HttpRequest();
const rp = new ReqPath();
const br = new ByteRange();

export function alloc(n: i32): usize { return heap.alloc(<usize>(n > 0 ? n : 1)); }
export function free(p: usize): void { heap.free(p); }
export function parse(p: usize, n: i32): i32 { return httpParse(p, n, req); }
export function reqMethod(): i32 { return req.method; }
export function reqTarget(): string { return req.target; }
export function reqKeepAlive(): i32 { return req.keepAlive ? 1 : 0; }
export function reqRange(): string { return req.range; }
export function reqIms(): string { return req.ims; }
export function reqHasBody(): i32 { return req.hasBody ? 1 : 0; }
export function path(t: string): i32 { return pathParse(t, rp); }
export function pathSegs(): string { return rp.segs.join("|"); }
export function pathDirSlash(): i32 { return rp.dirSlash ? 1 : 0; }
export function range(v: string, size: u64): i32 { return rangeParse(v, size, br); }
export function rangeFirst(): u64 { return br.first; }
export function rangeLast(): u64 { return br.last; }
export function date(t: i64): string { return httpDate(t); }
export function dateParse(s: string): i64 { return httpDateParse(s); }
export function mime(name: string): string { return mimeType(name); }
