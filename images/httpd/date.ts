// images/httpd/date.ts — HTTP-date (RFC 9110 §5.6.7) as IMF-fixdate,
// "Sun, 06 Nov 1994 08:49:37 GMT", to and from Unix seconds. The obsolete
// RFC 850 and asctime forms parse as "no date" (-1): a conditional request
// with one is answered in full, which is always correct.
// Civil-from-days after Howard Hinnant's public-domain date algorithms.

const DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function two(n: i64): string { return n < 10 ? "0" + n.toString() : n.toString(); }

/** Unix seconds -> IMF-fixdate. */
export function httpDate(t: i64): string {
  if (t < 0) t = 0;
  let days = t / 86400, secs = t % 86400;
  let z = days + 719468;
  let era = z / 146097;
  let doe = z - era * 146097;
  let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  let mp = (5 * doy + 2) / 153;
  let d = doy - (153 * mp + 2) / 5 + 1;
  let m = mp < 10 ? mp + 3 : mp - 9;
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return DAYS[<i32>(days % 7)] + ", " + two(d) + " " + MONTHS[<i32>m - 1] + " " + y.toString() + " "
    + two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60) + " GMT";
}

function num(s: string, a: i32, n: i32): i64 {
  let v: i64 = 0;
  for (let i = a; i < a + n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + <i64>(c - 0x30);
  }
  return v;
}

/** IMF-fixdate -> Unix seconds, or -1 when `s` is not one. */
export function httpDateParse(s: string): i64 {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters
  if (s.length != 29 || s.charAt(3) != "," || s.substring(25) != " GMT") return -1;
  let d = num(s, 5, 2), y = num(s, 12, 4), hh = num(s, 17, 2), mm = num(s, 20, 2), ss = num(s, 23, 2);
  let mon = MONTHS.indexOf(s.substring(8, 11));
  if (d < 1 || d > 31 || y < 1970 || mon < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return -1;
  let m = <i64>mon + 1;
  let yy = m <= 2 ? y - 1 : y;
  let era = yy / 400;
  let yoe = yy - era * 400;
  let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  let days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}
