// images/httpd/mime.ts — Content-Type by file extension (IANA media types;
// text types say charset=utf-8). Unknown: application/octet-stream.

export function mimeType(name: string): string {
  let dot = name.lastIndexOf(".");
  if (dot < 0) return "application/octet-stream";
  let e = name.substring(dot + 1).toLowerCase();
  if (e == "html" || e == "htm") return "text/html; charset=utf-8";
  if (e == "css") return "text/css; charset=utf-8";
  if (e == "js" || e == "mjs") return "text/javascript; charset=utf-8";
  if (e == "json") return "application/json";
  if (e == "txt" || e == "md") return "text/plain; charset=utf-8";
  if (e == "xml") return "application/xml";
  if (e == "svg") return "image/svg+xml";
  if (e == "png") return "image/png";
  if (e == "jpg" || e == "jpeg") return "image/jpeg";
  if (e == "gif") return "image/gif";
  if (e == "webp") return "image/webp";
  if (e == "ico") return "image/x-icon";
  if (e == "pdf") return "application/pdf";
  if (e == "wasm") return "application/wasm";
  if (e == "woff") return "font/woff";
  if (e == "woff2") return "font/woff2";
  if (e == "mp4") return "video/mp4";
  if (e == "webm") return "video/webm";
  if (e == "zip") return "application/zip";
  if (e == "gz") return "application/gzip";
  if (e == "tar") return "application/x-tar";
  return "application/octet-stream";
}
