// images/httpd/response.ts — response heads (RFC 9112 §4, RFC 9110 §15) as
// bytes ready to send, and the small HTML bodies of error answers.

export function reasonPhrase(status: i32): string {
  switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
  }
  return "Error";
}

/** A head under construction: status line, then fields, then the blank line. */
export class Head {
  private s: string;
  constructor(status: i32) { this.s = "HTTP/1.1 " + status.toString() + " " + reasonPhrase(status) + "\r\nServer: asuk-httpd\r\n"; }
  field(name: string, value: string): Head { this.s += name + ": " + value + "\r\n"; return this; }
  /** Connection handling: `close`, or keep-alive said out loud for an HTTP/1.0 client. */
  connection(keep: bool, http11: bool): Head {
    if (!keep) return this.field("Connection", "close");
    return http11 ? this : this.field("Connection", "keep-alive");
  }
  bytes(): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(this.s + "\r\n")); }
}

/** The body of an error answer. */
export function errorBody(status: i32): string {
  let t = status.toString() + " " + reasonPhrase(status);
  return "<!DOCTYPE html><html><head><title>" + t + "</title></head><body><h1>" + t + "</h1></body></html>\n";
}

/** Concatenates two byte arrays. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  let r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}
